import { assertCan, type PermissionContext, type Plan, type PlanActor, type PlanPermission, type PlanRole } from "@gatherkit/core";
import type { Db } from "@gatherkit/db";
import { participants, planParticipants, plans } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { requireCaller } from "../../lib/auth.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { rootDb } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Config, Deps } from "../../lib/types.js";

export type PlanRow = typeof plans.$inferSelect;
export type PlanParticipantRow = typeof planParticipants.$inferSelect;

/** A plan as its caller sees it: the row, who is acting, and with which role. */
export interface PlanAccess {
  plan: PlanRow;
  actor: PlanActor;
  /** Organizer for staff; the participant's role in the plan; null when not (or no longer) in it. */
  role: PlanRole | null;
  /** The caller's membership row, for participants who are or were in the plan. */
  membership: PlanParticipantRow | null;
  /** The participant id the caller acts as in the plan (votes, expenses, chat), if any. */
  participantId: string | null;
  /** That participant's name as stored now (read with the plan), if any. */
  participantName: string | null;
}

/**
 * Whose calendar feed URL a plan carries: organization staff get the plan's own
 * (`plans.calendar_token`); a participant gets their own (`plan_participants.calendar_token`),
 * which stops working when they are removed; `null` (a broadcast, someone no longer in the
 * plan) gets none. Every URL carries its secret, so only its reader gets it.
 */
export type FeedViewer = "staff" | Pick<PlanParticipantRow, "calendarToken" | "removedAt"> | null;

/** The feed viewer of a caller's access to a plan (see FeedViewer). */
export function feedViewer(access: Pick<PlanAccess, "actor" | "membership">): FeedViewer {
  return access.actor.kind === "staff" ? "staff" : access.membership;
}

/** The plan's calendar feed URL (`GET /v1/plans/{planId}/calendar.ics?token=…`) for `viewer`, or null. */
export function calendarUrl(
  config: Pick<Config, "publicUrl">,
  row: Pick<PlanRow, "id" | "calendarToken">,
  viewer: FeedViewer,
): string | null {
  // A plan without its own feed token has no feeds at all.
  if (row.calendarToken === null) return null;
  const token = viewer === "staff" ? row.calendarToken : viewer && viewer.removedAt === null ? viewer.calendarToken : null;
  if (token === null) return null;
  return `${config.publicUrl.replace(/\/+$/, "")}/v1/plans/${row.id}/calendar.ics?token=${token}`;
}

/**
 * The API shape of a plan row, as `viewer` sees it (its calendarUrl is theirs, see FeedViewer;
 * `config` for that URL: pass `c.var.config` or `deps.config`).
 */
export function toPlan(row: PlanRow, config: Pick<Config, "publicUrl">, viewer: FeedViewer): Plan {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    title: row.title,
    description: row.description,
    imageUrls: row.imageUrls,
    location:
      row.locationName === null && row.locationLat === null
        ? null
        : { name: row.locationName ?? "", lat: row.locationLat, lng: row.locationLng },
    startDate: row.startDate,
    endDate: row.endDate,
    timeZone: row.timeZone,
    currency: row.currency,
    votingDeadline: toIso(row.votingDeadline),
    hideVotesUntilDeadline: row.hideVotesUntilDeadline,
    oneYesPerParticipant: row.oneYesPerParticipant,
    notifyParticipants: row.notifyParticipants,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    finalizedAt: toIso(row.finalizedAt),
    completedAt: toIso(row.completedAt),
    cancelledAt: toIso(row.cancelledAt),
    calendarUrl: calendarUrl(config, row, viewer),
  } as Plan;
}

/**
 * Loads `planId` for `caller`: 404 when it is not in the caller's organization (another
 * organization's plan looks exactly like a missing one). Organization staff (users, secret
 * keys) act as organizers; a participant acts with their role in the plan, or none.
 * Publishable keys alone cannot read plans: a widget needs a participant token for that.
 */
export async function loadPlan(deps: Deps, caller: Caller | null, planId: string): Promise<PlanAccess> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant", "publishable_key");
  if (who.kind === "publishable_key") {
    throw new ApiError(
      403,
      "permission_denied",
      "A publishable key alone cannot open a plan. Join through an invite or pass a participant token (`token` attribute).",
    );
  }
  if (who.kind !== "participant") {
    const [plan] = await deps.db
      .select()
      .from(plans)
      .where(and(eq(plans.id, planId), eq(plans.orgId, who.orgId)))
      .limit(1);
    if (!plan) throw notFound("Plan");
    return { plan, actor: { kind: "staff" }, role: "organizer", membership: null, participantId: null, participantName: null };
  }
  // A participant's every request needs the plan, their membership and often their name: one query.
  const [row] = await participantPlanQuery(deps.db).all({ planId, orgId: who.orgId, participantId: who.participantId });
  if (!row) throw notFound("Plan");
  const membership = row.membership;
  const role = membership && membership.removedAt === null ? membership.role : null;
  return {
    plan: row.plan,
    actor: { kind: "participant", participantId: who.participantId, role },
    role,
    membership,
    participantId: who.participantId,
    participantName: row.name,
  };
}

/**
 * A participant's plan, membership and name (see `loadPlan`), built by drizzle once per database
 * and reused with the ids bound: building it (two joins, every column of two tables) was a
 * large share of the CPU of a chat message. A read, so it runs on the request's root database
 * (a request holding an Idempotency-Key guards its writes only, see idempotent-writes.ts).
 */
const participantPlanQueries = new WeakMap<Db, ReturnType<typeof prepareParticipantPlan>>();

function prepareParticipantPlan(db: Db) {
  const participantId = sql.placeholder("participantId");
  return db
    .select({ plan: plans, membership: planParticipants, name: participants.name })
    .from(plans)
    .leftJoin(planParticipants, and(eq(planParticipants.planId, plans.id), eq(planParticipants.participantId, participantId)))
    .leftJoin(participants, eq(participants.id, participantId))
    .where(and(eq(plans.id, sql.placeholder("planId")), eq(plans.orgId, sql.placeholder("orgId"))))
    .limit(1)
    .prepare();
}

function participantPlanQuery(requestDb: Db) {
  const db = rootDb(requestDb);
  let query = participantPlanQueries.get(db);
  if (!query) {
    query = prepareParticipantPlan(db);
    participantPlanQueries.set(db, query);
  }
  return query;
}

/** `loadPlan`, then refuses unless the caller may do `permission` (403 with the rule's code). */
export async function requirePlan(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  permission: PlanPermission,
  ctx: PermissionContext = {},
): Promise<PlanAccess> {
  const access = await loadPlan(deps, caller, planId);
  assertCan(access.plan.type, access.role, permission, ctx);
  return access;
}

/** The participant the caller acts as; staff must act through a participant token to vote, pay or chat. */
export function actingParticipant(access: PlanAccess, what: string): string {
  if (access.participantId && access.role) return access.participantId;
  throw new ApiError(
    403,
    "not_a_participant",
    `Only a participant of the plan can ${what}. Organization staff act through a participant token (POST /v1/participant-tokens) after joining the plan.`,
  );
}

/** The plan's realtime room name. */
export const planRoom = (planId: string) => `plan:${planId}`;
