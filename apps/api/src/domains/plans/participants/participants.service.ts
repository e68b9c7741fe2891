import {
  assertCan,
  assertKeepsAnOrganizer,
  assertPlanAllows,
  newId,
  type Page,
  type PlanParticipant,
  type PlanParticipantListQuery,
  type PlanRole,
} from "@gatherkit/core";
import { FRESH_FEED_TOKEN_SQL, participants, planParticipants } from "@gatherkit/db";
import { and, count, eq, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { rerunOnRetry } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type PlanAccess, requirePlan } from "../access.js";
import { assertJoinFitsPlanTotal, joinFitsPlanTotal } from "../costs/plan-total.js";
import { enqueuePlanEvent } from "../events.js";
import { participantOf } from "../plans/plans.service.js";

/** A membership row with the participant's name and email, as the list query selects it. */
export interface MembershipView {
  id: string;
  planId: string;
  participantId: string;
  role: PlanRole;
  createdAt: number;
  removedAt: number | null;
  name: string;
  email: string | null;
  /** Their own calendar feed secret (see FeedViewer); null only for a membership made before feeds were per participant and since removed. */
  calendarToken: string | null;
}

const membershipColumns = {
  id: planParticipants.id,
  planId: planParticipants.planId,
  participantId: planParticipants.participantId,
  role: planParticipants.role,
  createdAt: planParticipants.createdAt,
  removedAt: planParticipants.removedAt,
  calendarToken: planParticipants.calendarToken,
  name: participants.name,
  email: participants.email,
};

/** The API shape of a membership; the email only for organizers and the participant themself. */
export function toPlanParticipant(m: MembershipView, viewer: Pick<PlanAccess, "role" | "participantId">): PlanParticipant {
  const seesEmail = viewer.role === "organizer" || viewer.participantId === m.participantId;
  return {
    id: m.id,
    planId: m.planId,
    participantId: m.participantId,
    name: m.name,
    email: seesEmail ? m.email : null,
    role: m.role,
    joinedAt: toIso(m.createdAt),
    removedAt: toIso(m.removedAt),
  };
}

/** One participant's membership of a plan (removed ones included), or null. */
export async function membershipOf(deps: Deps, planId: string, participantId: string): Promise<MembershipView | null> {
  const [row] = await deps.db
    .select(membershipColumns)
    .from(planParticipants)
    .innerJoin(participants, eq(participants.id, planParticipants.participantId))
    .where(and(eq(planParticipants.planId, planId), eq(planParticipants.participantId, participantId)))
    .limit(1);
  return row ?? null;
}

/** The realtime event for a membership change (no email: the room is every reader of the plan). */
export function participantChanged(m: Pick<MembershipView, "planId" | "participantId" | "name" | "role">, removed: boolean) {
  return {
    type: "plan.participant_changed" as const,
    data: { planId: m.planId, participantId: m.participantId, name: m.name, role: m.role, removed },
  };
}

export async function listParticipants(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  query: PlanParticipantListQuery,
): Promise<Page<PlanParticipant>> {
  const access = await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  return paginate(
    planParticipants,
    query,
    (p) =>
      db
        .select(membershipColumns)
        .from(planParticipants)
        .innerJoin(participants, eq(participants.id, planParticipants.participantId))
        .where(and(eq(planParticipants.planId, planId), query.includeRemoved ? undefined : isNull(planParticipants.removedAt), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (m) => toPlanParticipant(m, access),
  );
}

/**
 * Organizers add a participant of the organization directly (no invite), or restore one who was
 * removed (with `role`). Adding someone already in the plan changes nothing and answers them.
 */
export async function addParticipant(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  input: { participantId: string; role: PlanRole },
): Promise<PlanParticipant> {
  const access = await requirePlan(deps, caller, planId, "manage_participants");
  assertPlanAllows(access.plan.status, "join");
  const person = await participantOf(deps, access.plan.orgId, input.participantId);
  const db = deps.db;
  const now = deps.now();
  const view: MembershipView = {
    id: newId("planParticipant"),
    planId,
    participantId: person.id,
    role: input.role,
    createdAt: now,
    removedAt: null,
    name: person.name,
    email: person.email,
    calendarToken: null, // written by the insert's default; read back below
  };
  const fits = joinFitsPlanTotal(planId);
  // Adding someone already in answers them: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  await db.batch([
    // New, or restored after a removal (keeping the row and its id); someone active is left as is.
    // Either way only while one more taker keeps the plan's money within MAX_PLAN_TOTAL.
    insertWhen(
      db,
      planParticipants,
      { id: view.id, orgId: access.plan.orgId, planId, participantId: person.id, role: input.role, createdAt: now, updatedAt: now },
      fits,
    ).onConflictDoUpdate({
      target: [planParticipants.planId, planParticipants.participantId],
      set: { role: sql`excluded.role`, removedAt: null, updatedAt: now },
      setWhere: sql`${planParticipants.removedAt} IS NOT NULL AND ${fits}`,
    }),
    enqueuePlanEvent(deps, access.plan.orgId, planId, participantChanged(view, false), previousStatementChanged),
  ]);
  deliverSoon(deps);
  const m = await membershipOf(deps, planId, person.id);
  if (!m || m.removedAt !== null) {
    // Neither inserted nor restored: the only guard that refuses is the plan's money total.
    await assertJoinFitsPlanTotal(deps, planId);
    throw new ApiError(409, "conflict", "The plan's money changed at the same time; retry.");
  }
  return toPlanParticipant(m, access);
}

/** Active organizers of the plan other than `participantId`, as a SQL count (for the last-organizer guard). */
const otherOrganizers = (planId: string, participantId: string): SQL =>
  sql`(SELECT count(*) FROM ${planParticipants} WHERE ${planParticipants.planId} = ${planId} AND ${planParticipants.role} = 'organizer' AND ${planParticipants.removedAt} IS NULL AND ${planParticipants.participantId} <> ${participantId})`;

/** The condition "this change keeps an organizer": the target is no organizer, or another active one remains. */
const keepsAnOrganizer = (planId: string, participantId: string) =>
  or(ne(planParticipants.role, "organizer"), sql`${otherOrganizers(planId, participantId)} > 0`);

/** After a guarded write matched nothing: 404 for someone not (or no longer) in the plan, else `last_organizer`. */
async function explainRefusal(deps: Deps, planId: string, participantId: string): Promise<never> {
  const m = await membershipOf(deps, planId, participantId);
  if (!m || m.removedAt !== null) throw notFound("Participant in this plan");
  const [row] = await deps.db
    .select({ n: count() })
    .from(planParticipants)
    .where(and(eq(planParticipants.planId, planId), eq(planParticipants.role, "organizer"), isNull(planParticipants.removedAt)));
  assertKeepsAnOrganizer(m, row?.n ?? 0);
  throw new ApiError(409, "conflict", "The participant changed meanwhile; try again.");
}

/**
 * Promotes a participant to co-organizer or demotes an organizer (organizers only). Demoting
 * the last organizer is refused with 409 `last_organizer`, in the same statement as the write
 * so two organizers demoting each other at once cannot both succeed.
 */
export async function updateParticipant(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  participantId: string,
  input: { role: PlanRole },
): Promise<PlanParticipant> {
  const access = await requirePlan(deps, caller, planId, "manage_participants");
  const db = deps.db;
  const now = deps.now();
  const name = await nameOf(deps, participantId);
  await guardedWrite(
    deps,
    [
      db
        .update(planParticipants)
        .set({ role: input.role, updatedAt: now })
        .where(
          and(
            eq(planParticipants.planId, planId),
            eq(planParticipants.participantId, participantId),
            isNull(planParticipants.removedAt),
            input.role === "organizer" ? undefined : keepsAnOrganizer(planId, participantId),
          ),
        )
        .returning(),
      enqueuePlanEvent(
        deps,
        access.plan.orgId,
        planId,
        participantChanged({ planId, participantId, role: input.role, name }, false),
        previousStatementChanged,
      ),
    ],
    {
      written: ([rows]) => (rows[0] ? true : undefined),
      explain: () => explainRefusal(deps, planId, participantId),
    },
  );
  const m = await membershipOf(deps, planId, participantId);
  if (!m) throw notFound("Participant in this plan");
  return toPlanParticipant(m, access);
}

async function nameOf(deps: Deps, participantId: string): Promise<string> {
  const [row] = await deps.db.select({ name: participants.name }).from(participants).where(eq(participants.id, participantId)).limit(1);
  return row?.name ?? "";
}

/**
 * Removes a participant (organizers), or the caller leaves. The membership row stays with
 * `removedAt` set (balances still name them), and they cannot rejoin through a link. The last
 * organizer cannot be removed or leave (409 `last_organizer`). Removing someone already removed
 * changes nothing.
 */
export async function removeParticipant(deps: Deps, caller: Caller | null, planId: string, participantId: string): Promise<void> {
  const access = await requirePlan(deps, caller, planId, "read");
  // Anyone in the plan may leave it; removing someone else is for organizers.
  if (access.participantId !== participantId) assertCan(access.plan.type, access.role, "manage_participants");
  const before = await membershipOf(deps, planId, participantId);
  if (!before) throw notFound("Participant in this plan");
  if (before.removedAt !== null) return;
  const db = deps.db;
  const now = deps.now();
  await guardedWrite(
    deps,
    [
      db
        .update(planParticipants)
        // Their own calendar feed URL dies with their membership (a restore gets a new one).
        .set({ removedAt: now, updatedAt: now, calendarToken: FRESH_FEED_TOKEN_SQL })
        .where(
          and(
            eq(planParticipants.planId, planId),
            eq(planParticipants.participantId, participantId),
            isNull(planParticipants.removedAt),
            keepsAnOrganizer(planId, participantId),
          ),
        )
        .returning(),
      // The removed person's open boards are disconnected once this event is out.
      enqueuePlanEvent(deps, access.plan.orgId, planId, participantChanged(before, true), previousStatementChanged, [participantId]),
    ],
    {
      written: ([rows]) => (rows[0] ? true : undefined),
      explain: async () => {
        const after = await membershipOf(deps, planId, participantId);
        if (after?.removedAt != null) return true; // removed concurrently: same outcome
        return explainRefusal(deps, planId, participantId);
      },
    },
  );
}
