import {
  assertInviteUsable,
  assertMayJoin,
  assertPlanAllows,
  type Invite,
  type InvitePreview,
  inviteStatus,
  type JoinPlanResult,
  newId,
  newInviteCode,
  type Page,
  type PageQuery,
} from "@gatherkit/core";
import { newFeedToken, participants, planInvites, planParticipants, plans } from "@gatherkit/db";
import { and, asc, count, eq, exists, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { enqueue } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { hitRateLimit } from "../../../lib/rate-limit.js";
import { fromIso, toIso } from "../../../lib/time.js";
import { signParticipantToken } from "../../../lib/tokens.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { templatedEmail } from "../../../platform/notifications/index.js";
import { organizationOrigins } from "../../accounts/index.js";
import { requirePlan, toPlan } from "../access.js";
import { assertJoinFitsPlanTotal, joinFitsPlanTotal } from "../costs/plan-total.js";
import { enqueuePlanEvent } from "../events.js";
import { type MembershipView, membershipOf, participantChanged, toPlanParticipant } from "../participants/participants.service.js";
import { statusesAllowing } from "../plans/plans.service.js";
import { INVITE_EMAIL_TITLE_MAX, oneLine } from "./invites.email.js";

/** Lifetime of the participant token handed to someone who joins through a link. */
export const JOIN_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

type InviteRow = typeof planInvites.$inferSelect;

export function toInvite(row: InviteRow, now: number): Invite {
  return {
    id: row.id,
    planId: row.planId,
    code: row.code,
    email: row.email,
    expiresAt: toIso(row.expiresAt),
    maxUses: row.maxUses,
    uses: row.uses,
    revokedAt: toIso(row.revokedAt),
    createdAt: toIso(row.createdAt),
    status: inviteStatus(row, now),
  };
}

/** The link a personal invite's email points to: the host's join page with `invite=<code>`, else the API's preview. */
function joinLink(deps: Deps, code: string, joinUrl: string | undefined): string {
  if (joinUrl === undefined) return `${deps.config.publicUrl.replace(/\/+$/, "")}/v1/invites/${code}`;
  const url = new URL(joinUrl);
  url.searchParams.set("invite", code);
  return url.toString();
}

/**
 * A personal invite's email links only to a page of the organization: `joinUrl` must be on an
 * origin one of its live publishable keys allows, or on the API's own public URL (422
 * `join_url_not_allowed`), so an invite cannot carry a link to anyone else's site.
 */
async function assertJoinUrlAllowed(deps: Deps, orgId: string, joinUrl: string): Promise<void> {
  const origin = new URL(joinUrl).origin;
  if (origin === new URL(deps.config.publicUrl).origin) return;
  if ((await organizationOrigins(deps, orgId)).includes(origin)) return;
  throw new ApiError(
    422,
    "join_url_not_allowed",
    `joinUrl must be a page of your own site: ${origin} is not an allowed origin of any of the organization's publishable keys.`,
    { errors: [{ path: "body.joinUrl", message: `${origin} is not an allowed origin of the organization` }] },
  );
}

/**
 * Personal invites send email, so they are limited per plan and per organization within a
 * window (`config.inviteEmailLimit`): beyond, 429 `rate_limited` with `Retry-After`.
 */
async function takeInviteEmailBudget(deps: Deps, orgId: string, planId: string): Promise<void> {
  const { perPlan, perOrganization, windowSeconds } = deps.config.inviteEmailLimit;
  // The plan's budget first: an invite its plan refuses does not use up the organization's.
  const retryAfter =
    (await hitRateLimit(deps, [`invite-email:plan:${planId}`], { max: perPlan, windowSeconds })) ||
    (await hitRateLimit(deps, [`invite-email:org:${orgId}`], { max: perOrganization, windowSeconds }));
  if (retryAfter > 0) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many personal invites sent for now (at most ${perPlan} per plan and ${perOrganization} per organization every ${windowSeconds} seconds). Try again in ${retryAfter} seconds, or share an invite link.`,
      { headers: { "retry-after": String(retryAfter) } },
    );
  }
}

/**
 * Creates a shareable invite link (optionally expiring and limited in uses), or a personal,
 * single-use invite for `email`. Only the plan's organizers and the organization's staff manage
 * invites. A personal invite's email is the notifications platform's plan_invite template (a
 * fixed subject, the plan's title as one plain line, the one join link on an origin the
 * organization allows, a one-click unsubscribe), limited per plan and per organization, written
 * to the outbox in the same batch and sent by the email provider.
 */
export async function createInvite(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  input: { email?: string; expiresAt?: string; maxUses?: number; joinUrl?: string },
): Promise<Invite> {
  const access = await requirePlan(deps, caller, planId, "manage_invites");
  assertPlanAllows(access.plan.status, "invite");
  const now = deps.now();
  const expiresAt = fromIso(input.expiresAt);
  if (expiresAt !== null && expiresAt <= now) {
    throw new ApiError(400, "validation_failed", "body.expiresAt: must be in the future", {
      errors: [{ path: "body.expiresAt", message: "must be in the future" }],
    });
  }
  if (input.email !== undefined) {
    if (input.joinUrl !== undefined) await assertJoinUrlAllowed(deps, access.plan.orgId, input.joinUrl);
    await takeInviteEmailBudget(deps, access.plan.orgId, planId);
  }
  const row: InviteRow = {
    id: newId("invite"),
    orgId: access.plan.orgId,
    planId,
    code: newInviteCode(),
    email: input.email ?? null,
    maxUses: input.email !== undefined ? 1 : (input.maxUses ?? null),
    uses: 0,
    expiresAt,
    revokedAt: null,
    createdByParticipantId: access.participantId,
    createdAt: now,
  };
  const db = deps.db;
  const plan = access.plan;
  const link = joinLink(deps, row.code, input.joinUrl);
  const invite = toInvite(row, now);
  answerOnCommit(deps, 201, invite);
  await db.batch([
    db.insert(planInvites).values(row),
    ...(row.email !== null
      ? [
          enqueue(
            db,
            // The invite email, from the notifications platform's plan_invite template.
            await templatedEmail(deps, {
              orgId: plan.orgId,
              to: row.email,
              kind: "plan_invite",
              data: {
                planTitle: oneLine(plan.title, INVITE_EMAIL_TITLE_MAX),
                startDate: plan.startDate,
                endDate: plan.endDate,
                link,
                expiresAt: row.expiresAt !== null ? toIso(row.expiresAt) : null,
              },
              extra: { planId, inviteId: row.id, code: row.code, link },
            }),
            { orgId: plan.orgId, now },
          ),
        ]
      : []),
  ]);
  return invite;
}

export async function listInvites(deps: Deps, caller: Caller | null, planId: string, query: PageQuery): Promise<Page<Invite>> {
  await requirePlan(deps, caller, planId, "manage_invites");
  const now = deps.now();
  const db = deps.db;
  return paginate(
    planInvites,
    query,
    (p) =>
      db
        .select()
        .from(planInvites)
        .where(and(eq(planInvites.planId, planId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r) => toInvite(r, now),
  );
}

/** Revokes an invite: its link stops working (`invite_revoked`). Revoking again answers it unchanged. */
export async function revokeInvite(deps: Deps, caller: Caller | null, planId: string, inviteId: string): Promise<Invite> {
  await requirePlan(deps, caller, planId, "manage_invites");
  const now = deps.now();
  const byId = and(eq(planInvites.id, inviteId), eq(planInvites.planId, planId));
  const [row] = await deps.db
    .update(planInvites)
    .set({ revokedAt: now })
    .where(and(byId, isNull(planInvites.revokedAt)))
    .returning();
  if (row) return toInvite(row, now);
  const [existing] = await deps.db.select().from(planInvites).where(byId).limit(1);
  if (!existing) throw notFound("Invite");
  return toInvite(existing, now);
}

/** The invite with `code` in the caller's organization (another organization's code is 404 too). */
async function inviteByCode(deps: Deps, orgId: string, code: string) {
  const [found] = await deps.db
    .select({ invite: planInvites, plan: plans })
    .from(planInvites)
    .innerJoin(plans, eq(plans.id, planInvites.planId))
    .where(and(eq(planInvites.code, code), eq(planInvites.orgId, orgId)))
    .limit(1);
  if (!found) throw notFound("Invite");
  return found;
}

/** What an invite link shows before joining: the plan, its organizer, whether the link still works. Any caller of the organization. */
export async function previewInvite(deps: Deps, caller: Caller | null, code: string): Promise<InvitePreview> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant", "publishable_key");
  const { invite, plan } = await inviteByCode(deps, who.orgId, code);
  const active = and(eq(planParticipants.planId, plan.id), isNull(planParticipants.removedAt));
  const [[organizer], [counted]] = await Promise.all([
    deps.db
      .select({ name: participants.name })
      .from(planParticipants)
      .innerJoin(participants, eq(participants.id, planParticipants.participantId))
      .where(and(active, eq(planParticipants.role, "organizer")))
      .orderBy(asc(planParticipants.createdAt), asc(planParticipants.id))
      .limit(1),
    deps.db.select({ n: count() }).from(planParticipants).where(active),
  ]);
  const p = toPlan(plan, deps.config, null);
  return {
    code: invite.code,
    status: inviteStatus(invite, deps.now()),
    expiresAt: toIso(invite.expiresAt),
    plan: {
      id: p.id,
      type: p.type,
      status: p.status,
      title: p.title,
      description: p.description,
      startDate: p.startDate,
      endDate: p.endDate,
      timeZone: p.timeZone,
      location: p.location,
    },
    organizerName: organizer?.name ?? null,
    participantCount: counted?.n ?? 0,
  };
}

/** Who joins: the participant behind a participant token, or a new participant with this name. */
export type Joiner =
  | { kind: "participant"; participantId: string; token: { token: string; expiresAt: Date } }
  | { kind: "new"; name: string | undefined; email: string | undefined };

/**
 * Joins the plan behind invite `code`. One batch takes the invite's use and writes the
 * membership together, each statement guarded so that:
 * - the membership row is inserted only while the invite is usable (not revoked, not expired,
 *   uses left) and the plan open to joins — SQLite runs the batch as one transaction, so 200
 *   simultaneous joins on 50 uses give exactly 50 memberships;
 * - the use is taken only if THIS request's membership row was inserted, so joining again
 *   (the row exists: insert does nothing) never burns a use;
 * - a new (anonymous) participant is created only along with its membership.
 * Joining again answers the existing membership; someone removed cannot rejoin.
 */
export async function joinPlan(deps: Deps, caller: Caller | null, code: string, joiner: Joiner): Promise<JoinPlanResult> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant", "publishable_key");
  if (joiner.kind === "new" && joiner.name === undefined) {
    // Depends on the credential, so it cannot live in the body's schema.
    throw new ApiError(400, "validation_failed", "body.name: required when joining without a participant token", {
      errors: [{ path: "body.name", message: "required when joining without a participant token" }],
    });
  }
  const { invite, plan } = await inviteByCode(deps, who.orgId, code);
  const db = deps.db;
  const now = deps.now();

  if (joiner.kind === "participant") {
    const existing = await membershipOf(deps, plan.id, joiner.participantId);
    assertMayJoin(existing);
    if (existing) return joined(deps, plan, existing, joiner.token);
  }

  const participantId = joiner.kind === "participant" ? joiner.participantId : newId("participant");
  const membershipId = newId("planParticipant");
  const calendarToken = newFeedToken();
  const usable = sql`${exists(
    db
      .select({ one: planInvites.id })
      .from(planInvites)
      .where(
        and(
          eq(planInvites.id, invite.id),
          isNull(planInvites.revokedAt),
          or(isNull(planInvites.expiresAt), gt(planInvites.expiresAt, now)),
          or(isNull(planInvites.maxUses), lt(planInvites.uses, planInvites.maxUses)),
        ),
      ),
  )} AND ${exists(
    db
      .select({ one: plans.id })
      .from(plans)
      .where(and(eq(plans.id, plan.id), inArray(plans.status, statusesAllowing("join")))),
  )} AND ${joinFitsPlanTotal(plan.id)}`;
  // A new participant takes the personal invite's address unless they give one.
  const person =
    joiner.kind === "new" ? { name: joiner.name!, email: joiner.email ?? invite.email } : await participantRow(deps, participantId);
  const name = person.name;
  const view: MembershipView = {
    id: membershipId,
    planId: plan.id,
    participantId,
    role: "participant",
    createdAt: now,
    removedAt: null,
    name,
    email: person.email,
    calendarToken,
  };
  const addPerson = insertWhen(
    db,
    participants,
    { id: participantId, orgId: plan.orgId, externalId: null, name, email: view.email, createdAt: now },
    usable,
  );
  const addMembership = insertWhen(
    db,
    planParticipants,
    {
      id: membershipId,
      orgId: plan.orgId,
      planId: plan.id,
      participantId,
      role: "participant",
      inviteId: invite.id,
      createdAt: now,
      updatedAt: now,
      removedAt: null,
      calendarToken,
    },
    usable,
  ).onConflictDoNothing();
  const takeUse = db
    .update(planInvites)
    .set({ uses: sql`${planInvites.uses} + 1` })
    .where(
      and(
        eq(planInvites.id, invite.id),
        exists(db.select({ one: planParticipants.id }).from(planParticipants).where(eq(planParticipants.id, membershipId))),
      ),
    )
    .returning({ id: planInvites.id });
  const announce = enqueuePlanEvent(deps, plan.orgId, plan.id, participantChanged(view, false), previousStatementChanged);
  // A new participant's row goes first (the membership references it).
  const statements =
    joiner.kind === "new" ? ([addPerson, addMembership, takeUse, announce] as const) : ([addMembership, takeUse, announce] as const);
  const token =
    joiner.kind === "participant"
      ? joiner.token
      : await signParticipantToken(deps.config, { sub: participantId, org: plan.orgId, name }, JOIN_TOKEN_TTL_SECONDS, now);
  // The answer (with a new participant's token) is sealed with the write, if this membership lands.
  const answer = joined(deps, plan, view, token);
  answerOnCommit(deps, 201, answer, sql`EXISTS (SELECT 1 FROM ${planParticipants} WHERE ${planParticipants.id} = ${membershipId})`);
  const outcome = await guardedWrite(deps, statements, {
    // The use was taken (the statement before the event) only if this request's membership was written.
    written: (results) => (((results as readonly unknown[]).at(-2) as { id: string }[]).length > 0 ? ("joined" as const) : undefined),
    // Nothing written: say why.
    explain: async () => {
      if (joiner.kind === "participant") {
        const existing = await membershipOf(deps, plan.id, participantId);
        assertMayJoin(existing);
        if (existing) return joined(deps, plan, existing, joiner.token); // joined concurrently by another request
      }
      const [fresh] = await db
        .select({ invite: planInvites, status: plans.status })
        .from(planInvites)
        .innerJoin(plans, eq(plans.id, planInvites.planId))
        .where(eq(planInvites.id, invite.id))
        .limit(1);
      if (!fresh) throw notFound("Invite");
      assertPlanAllows(fresh.status, "join");
      assertInviteUsable(fresh.invite, now);
      await assertJoinFitsPlanTotal(deps, plan.id);
      throw conflict("The invite changed meanwhile; try again.");
    },
  });
  return outcome === "joined" ? answer : outcome;
}

async function participantRow(deps: Deps, participantId: string): Promise<{ name: string; email: string | null }> {
  const [row] = await deps.db
    .select({ name: participants.name, email: participants.email })
    .from(participants)
    .where(eq(participants.id, participantId))
    .limit(1);
  if (!row) throw new ApiError(401, "invalid_token", "The participant of this token no longer exists.");
  return row;
}

function joined(deps: Deps, plan: typeof plans.$inferSelect, m: MembershipView, token: { token: string; expiresAt: Date }): JoinPlanResult {
  return {
    token: token.token,
    expiresAt: token.expiresAt.toISOString(),
    plan: toPlan(plan, deps.config, m),
    participant: toPlanParticipant(m, { role: m.role, participantId: m.participantId }),
  };
}
