import {
  applyPlanUpdate,
  assertPlanAllows,
  type CreatePlan,
  DomainError,
  ICS_CONTENT_TYPE,
  type IcsItem,
  icsForPlan,
  newId,
  type Page,
  PLAN_STATUSES,
  type Plan,
  type PlanListQuery,
  type PlanTransitionAction,
  type PlanViewer,
  planAllows,
  planTransition,
  randomToken,
  transitionSources,
  type UpdatePlan,
} from "@gatherkit/core";
import { FRESH_FEED_TOKEN_SQL, newFeedToken, participants, planParticipants, plans, proposals, votes } from "@gatherkit/db";
import { and, asc, eq, exists, inArray, isNull, not, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireCaller } from "../../../lib/auth.js";
import { sha256Hex } from "../../../lib/crypto.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { withImages } from "../../../platform/uploads/index.js";
import { feedViewer, loadPlan, type PlanRow, requirePlan, toPlan } from "../access.js";
import { enqueuePlanEvent } from "../events.js";
import { planNotification, planVersionWritten, reminderWrites } from "../notify.js";

/** Statuses in which `activity` is open, for the WHERE of a conditional write. */
export const statusesAllowing = (activity: Parameters<typeof planAllows>[1]) => PLAN_STATUSES.filter((s) => planAllows(s, activity));

/** A new plan feed token: 32 base32 characters, 160 random bits. */
export const newCalendarToken = () => randomToken(32);

/**
 * Creates a plan. A participant creating one becomes its organizer; organization staff may
 * name a participant of the organization as its organizer (`organizerParticipantId`), else
 * they organize it as staff. Publishable keys cannot create plans.
 */
export async function createPlan(deps: Deps, caller: Caller | null, input: CreatePlan): Promise<Plan> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant");
  if (who.kind === "participant" && input.organizerParticipantId !== undefined && input.organizerParticipantId !== who.participantId) {
    throw new ApiError(403, "permission_denied", "A participant creating a plan becomes its organizer: leave organizerParticipantId out.");
  }
  const organizerId = who.kind === "participant" ? who.participantId : (input.organizerParticipantId ?? null);
  const organizer = organizerId === null ? null : await participantOf(deps, who.orgId, organizerId);

  const id = newId("plan");
  // Images named by upload id are checked (this organization's, completed) and claimed for the plan.
  return withImages(deps, who.orgId, id, input.imageUrls, [], (imageUrls = []) =>
    insertPlan(deps, who, organizer, { ...input, imageUrls }, id),
  );
}

async function insertPlan(
  deps: Deps,
  who: Exclude<Caller, { kind: "publishable_key" }>,
  organizer: Awaited<ReturnType<typeof participantOf>> | null,
  input: CreatePlan & { imageUrls: string[] },
  id: string,
): Promise<Plan> {
  const db = deps.db;
  const now = deps.now();
  const row: PlanRow = {
    id,
    orgId: who.orgId,
    type: input.type,
    status: "planning",
    title: input.title,
    description: input.description,
    imageUrls: input.imageUrls,
    locationName: input.location?.name ?? null,
    locationLat: input.location?.lat ?? null,
    locationLng: input.location?.lng ?? null,
    startDate: input.startDate ?? null,
    endDate: input.endDate ?? null,
    timeZone: input.timeZone,
    currency: input.currency,
    votingDeadline: fromIso(input.votingDeadline),
    hideVotesUntilDeadline: input.hideVotesUntilDeadline,
    oneYesPerParticipant: input.oneYesPerParticipant,
    notifyParticipants: input.notifyParticipants,
    createdByParticipantId: who.kind === "participant" ? who.participantId : null,
    createdByUserId: who.kind === "user" ? who.userId : null,
    createdAt: now,
    updatedAt: now,
    finalizedAt: null,
    completedAt: null,
    cancelledAt: null,
    calendarToken: newCalendarToken(),
  };
  const plan = toPlan(row, deps.config, null);
  // The organizer's own calendar feed secret; a participant creating the plan gets its URL.
  const organizerFeed = { calendarToken: newFeedToken(), removedAt: null };
  const answer = toPlan(row, deps.config, who.kind === "participant" ? organizerFeed : "staff");
  answerOnCommit(deps, 201, answer);
  await db.batch([
    db.insert(plans).values(row),
    ...(organizer
      ? [
          db.insert(planParticipants).values({
            id: newId("planParticipant"),
            orgId: who.orgId,
            planId: row.id,
            participantId: organizer.id,
            role: "organizer",
            createdAt: now,
            updatedAt: now,
            calendarToken: organizerFeed.calendarToken,
          }),
          enqueuePlanEvent(deps, who.orgId, row.id, {
            type: "plan.participant_changed",
            data: { planId: row.id, participantId: organizer.id, name: organizer.name, role: "organizer", removed: false },
          }),
        ]
      : []),
    enqueuePlanEvent(deps, who.orgId, row.id, { type: "plan.updated", data: { plan } }),
    ...reminderWrites(deps, null, row, planVersionWritten(deps, row.id, row.updatedAt)),
  ]);
  deliverSoon(deps);
  return answer;
}

/** A participant of the organization, or 422 `unknown_participant`. */
export async function participantOf(deps: Deps, orgId: string, participantId: string) {
  const [row] = await deps.db
    .select()
    .from(participants)
    .where(and(eq(participants.id, participantId), eq(participants.orgId, orgId)))
    .limit(1);
  if (!row) throw new DomainError(422, "unknown_participant", `No participant ${participantId} in your organization.`);
  return row;
}

/**
 * Plans newest first: every plan of the organization for staff, the plans a participant is
 * (still) in for a participant token.
 */
export async function listPlans(deps: Deps, caller: Caller | null, query: PlanListQuery): Promise<Page<Plan>> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant");
  const db = deps.db;
  const scope = and(eq(plans.orgId, who.orgId), query.status ? eq(plans.status, query.status) : undefined);
  const membership =
    who.kind === "participant"
      ? exists(
          db
            .select({ one: planParticipants.id })
            .from(planParticipants)
            .where(
              and(
                eq(planParticipants.planId, plans.id),
                eq(planParticipants.participantId, who.participantId),
                isNull(planParticipants.removedAt),
              ),
            ),
        )
      : undefined;
  const page = await paginate(
    plans,
    query,
    (p) =>
      db
        .select()
        .from(plans)
        .where(and(scope, membership, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => row,
  );
  if (who.kind !== "participant") return { ...page, data: page.data.map((row) => toPlan(row, deps.config, "staff")) };
  // A participant sees their own calendar feed URL of each plan.
  const ids = page.data.map((row) => row.id);
  const feeds =
    ids.length === 0
      ? []
      : await db
          .select({ planId: planParticipants.planId, calendarToken: planParticipants.calendarToken, removedAt: planParticipants.removedAt })
          .from(planParticipants)
          .where(and(inArray(planParticipants.planId, ids), eq(planParticipants.participantId, who.participantId)));
  const feedOf = new Map(feeds.map((f) => [f.planId, f]));
  return { ...page, data: page.data.map((row) => toPlan(row, deps.config, feedOf.get(row.id) ?? null)) };
}

export async function getPlan(deps: Deps, caller: Caller | null, planId: string): Promise<Plan> {
  const access = await requirePlan(deps, caller, planId, "read");
  return toPlan(access.plan, deps.config, feedViewer(access));
}

/** Who the caller is in the plan; anyone who can open it may ask (no longer in it → role null). */
export async function planViewer(deps: Deps, caller: Caller | null, planId: string): Promise<PlanViewer> {
  const { actor, role, participantId } = await loadPlan(deps, caller, planId);
  return { participantId, role, staff: actor.kind === "staff" };
}

/** What a change of a plan row sets, and any extra condition the write must still meet. */
export interface PlanChange {
  set: Partial<Omit<PlanRow, "id" | "orgId" | "updatedAt">>;
  guard?: SQL;
  /** More writes for the same batch (notifications), to be applied only if `when` holds: the change applied. */
  also?: (before: PlanRow, after: PlanRow, when: SQL) => BatchItem<"sqlite">[];
}

/** How often a change is judged again after losing the race to a concurrent one before it gives up with 409. */
const CHANGE_ATTEMPTS = 24;

/**
 * Changes a plan row with optimistic concurrency and tells its room: `change` checks the rules
 * against the current row (throwing when the change is not allowed) and says what to set; the
 * UPDATE applies only if the row is still the one `change` saw (`updated_at` unchanged), in one
 * batch with the `plan.updated` event, which is written only if the update happened. A lost
 * race re-reads the row and asks `change` again, so its rules are judged on the fresh state.
 */
export async function changePlan(
  deps: Deps,
  current: PlanRow,
  change: (row: PlanRow) => PlanChange | Promise<PlanChange>,
  /**
   * Called before each attempt's write with the row it would write and the SQL condition that it
   * landed: to seal the request's answer with it (`answerOnCommit`, lib/idempotent-writes.ts).
   */
  seal?: (next: PlanRow, written: SQL) => void,
): Promise<PlanRow> {
  const db = deps.db;
  let row = current;
  for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
    // After a lost race, wait a moment (random, growing) so a crowd of writers spreads out
    // instead of colliding again on the next row version.
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 64)));
    const { set, guard, also } = await change(row);
    // Strictly increasing, so the next writer's `updated_at = …` check sees this write even within one millisecond.
    const updatedAt = Math.max(deps.now(), row.updatedAt + 1);
    const next: PlanRow = { ...row, ...set, updatedAt };
    seal?.(next, planVersionWritten(deps, row.id, updatedAt));
    const outcome = await guardedWrite(
      deps,
      [
        db
          .update(plans)
          .set({ ...set, updatedAt })
          .where(and(eq(plans.id, row.id), eq(plans.orgId, row.orgId), eq(plans.updatedAt, row.updatedAt), guard))
          .returning(),
        enqueuePlanEvent(
          deps,
          row.orgId,
          row.id,
          { type: "plan.updated", data: { plan: toPlan(next, deps.config, null) } },
          previousStatementChanged,
        ),
        ...(also ? also(row, next, planVersionWritten(deps, row.id, updatedAt)) : []),
      ],
      {
        written: ([updated]) => (updated[0] ? { written: updated[0] } : undefined),
        // Someone changed the row first: judge the change again on the fresh row.
        explain: async () => {
          const [fresh] = await db
            .select()
            .from(plans)
            .where(and(eq(plans.id, row.id), eq(plans.orgId, row.orgId)))
            .limit(1);
          if (!fresh) throw notFound("Plan");
          return { fresh };
        },
      },
    );
    if ("written" in outcome) return outcome.written;
    row = outcome.fresh;
  }
  throw new ApiError(409, "conflict", "The plan is being changed by others right now; try again.");
}

/** Edits the plan's settings (organizers, while it is planning or finalized). */
export async function updatePlan(deps: Deps, caller: Caller | null, planId: string, input: UpdatePlan): Promise<Plan> {
  const access = await requirePlan(deps, caller, planId, "update_plan");
  const { plan } = access;
  const votesOf = (id: string) => deps.db.select({ one: votes.id }).from(votes).where(eq(votes.planId, id));
  // A new image list: its uploads are checked and claimed first, those it drops detached after the write.
  const row = await withImages(deps, plan.orgId, planId, input.imageUrls, plan.imageUrls, (imageUrls) =>
    changePlan(deps, plan, async (row) => {
      assertPlanAllows(row.status, "edit");
      const hasVotes = (await votesOf(row.id).limit(1)).length > 0;
      const merged = applyPlanUpdate(toPlan(row, deps.config, null), input, { hasVotes });
      const turnsOnOneYes = merged.oneYesPerParticipant && !row.oneYesPerParticipant;
      return {
        set: {
          title: merged.title,
          description: merged.description,
          locationName: merged.location?.name ?? null,
          locationLat: merged.location?.lat ?? null,
          locationLng: merged.location?.lng ?? null,
          startDate: merged.startDate,
          endDate: merged.endDate,
          timeZone: merged.timeZone,
          votingDeadline: fromIso(merged.votingDeadline),
          hideVotesUntilDeadline: merged.hideVotesUntilDeadline,
          oneYesPerParticipant: merged.oneYesPerParticipant,
          notifyParticipants: merged.notifyParticipants,
          ...(imageUrls ? { imageUrls } : {}),
        },
        // A vote cast meanwhile must not slip under "one yes per participant" (re-judged on retry).
        guard: turnsOnOneYes ? not(exists(votesOf(row.id))) : undefined,
        also: (before, after, when) => reminderWrites(deps, before, after, when),
      };
    }),
  );
  return toPlan(row, deps.config, feedViewer(access));
}

/** Moves the plan through its lifecycle (organizers): 409 `invalid_plan_transition` when the move is illegal. */
export async function transitionPlan(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  action: Exclude<PlanTransitionAction, "finalize">,
): Promise<Plan> {
  const access = await requirePlan(deps, caller, planId, "change_status");
  const { plan } = access;
  const at = deps.now();
  const actor = access.actor.kind === "participant" ? access.actor.participantId : null;
  const answer = (row: PlanRow) => toPlan(row, deps.config, feedViewer(access));
  const row = await changePlan(
    deps,
    plan,
    (row) => {
      const status = planTransition(row.status, action);
      return {
        set: { status, ...(action === "complete" ? { completedAt: at } : { cancelledAt: at }) },
        guard: inArray(plans.status, transitionSources(action)),
        also: (before, after, when) => [
          ...(action === "cancel" && after.notifyParticipants ? [planNotification(deps, after, "plan_cancelled", when, actor)] : []),
          ...reminderWrites(deps, before, after, when),
        ],
      };
    },
    (next, written) => answerOnCommit(deps, 200, answer(next), written),
  );
  return answer(row);
}

/**
 * New calendar feed URLs for the plan (organizers): the plan's own and every participant's; all
 * old calendarUrls stop working.
 */
export async function rotateCalendar(deps: Deps, caller: Caller | null, planId: string): Promise<Plan> {
  const access = await requirePlan(deps, caller, planId, "update_plan");
  // The plan's token and every participant's in one batch. The participants' new tokens are drawn
  // by SQL, so the answer (with the caller's own URL) is read after it: the retry of a request that
  // died right after the write reads it then.
  const point = `rotate:${planId}`;
  const row =
    resumedFrom(deps) === point
      ? access.plan
      : await changePlan(
          deps,
          access.plan,
          () => ({
            set: { calendarToken: newCalendarToken() },
            also: (_before, _after, when) => [
              deps.db
                .update(planParticipants)
                .set({ calendarToken: FRESH_FEED_TOKEN_SQL })
                .where(and(eq(planParticipants.planId, planId), when)),
            ],
          }),
          (_next, written) => resumeOnCommit(deps, point, written),
        );
  const [membership] = access.membership
    ? await deps.db.select().from(planParticipants).where(eq(planParticipants.id, access.membership.id))
    : [];
  return toPlan(row, deps.config, feedViewer({ actor: access.actor, membership: membership ?? null }));
}

/**
 * The plan's iCalendar feed, for calendar apps that subscribe to its URL: the plan's dates and
 * its itinerary (selected proposals). Authorized by the token in the URL alone: the plan's own
 * (staff's URL) or a participant's who is still in the plan; a missing or wrong token, or the
 * token of someone removed, answers 404 like a missing plan.
 */
export async function calendarFeed(deps: Deps, planId: string, token: string | undefined): Promise<{ body: string; contentType: string }> {
  const [row] = await deps.db.select().from(plans).where(eq(plans.id, planId)).limit(1);
  if (!row || row.calendarToken === null || token === undefined) throw notFound("Calendar");
  // Compared as digests, so the comparison's time says nothing about the stored token.
  const staffFeed = (await sha256Hex(row.calendarToken)) === (await sha256Hex(token));
  if (!staffFeed) {
    const [member] = await deps.db
      .select({ id: planParticipants.id })
      .from(planParticipants)
      .where(and(eq(planParticipants.planId, row.id), eq(planParticipants.calendarToken, token), isNull(planParticipants.removedAt)))
      .limit(1);
    if (!member) throw notFound("Calendar");
  }
  const selected = await deps.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.planId, row.id), eq(proposals.status, "selected")))
    .orderBy(asc(proposals.startsAt), asc(proposals.id));
  const items: IcsItem[] = selected.map((p) => ({
    id: p.id,
    title: p.title,
    description: p.description,
    url: p.url,
    startsAt: toIso(p.startsAt),
    endsAt: toIso(p.endsAt),
    cost:
      p.costKind !== null && p.costAmount !== null && p.costCurrency !== null
        ? { kind: p.costKind, amount: p.costAmount, currency: p.costCurrency }
        : null,
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  }));
  return { body: icsForPlan(toPlan(row, deps.config, null), items, { now: deps.now() }), contentType: ICS_CONTENT_TYPE };
}
