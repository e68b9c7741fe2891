import { outbox, participants, planParticipants, plans } from "@gatherkit/db";
import { and, eq, exists, isNull, ne, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DeliveryDeps, enqueueWhen, notify } from "../../lib/outbox.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../platform/notifications/index.js";
import type { PlanRow } from "./access.js";

/**
 * The notifications a plan sends when its organizers chose `notifyParticipants`: "finalized" and
 * "cancelled", queued in the batch of the change, and "voting closes soon", scheduled
 * `VOTING_REMINDER_BEFORE_MS` before the deadline. Each goes to the plan's participants as they
 * are when it is sent (not whoever caused it), and the reminder only while the plan is still
 * planning with that same deadline and the choice still on.
 */
export const VOTING_REMINDER_BEFORE_MS = 60 * 60_000;

type PlanKind = "plan_finalized" | "plan_cancelled" | "plan_voting_closes";

/** "The plan row is the version this batch just wrote": the guard of what a change also writes. */
export const planVersionWritten = (deps: Pick<Deps, "db">, planId: string, updatedAt: number): SQL =>
  exists(
    deps.db
      .select({ one: sql`1` })
      .from(plans)
      .where(and(eq(plans.id, planId), eq(plans.updatedAt, updatedAt))),
  );

/** The "finalized" / "cancelled" notification of `plan`, written only if `when` holds (the change applied). */
export function planNotification(
  deps: Deps,
  plan: PlanRow,
  kind: "plan_finalized" | "plan_cancelled",
  when: SQL,
  actorParticipantId: string | null,
): BatchItem<"sqlite"> {
  return enqueueWhen(deps.db, notify({ kind, subjectId: plan.id, data: { actor: actorParticipantId } }), when, {
    orgId: plan.orgId,
    now: deps.now(),
  });
}

const pendingReminders = (_deps: Pick<Deps, "db">, planId: string) =>
  and(
    eq(outbox.kind, "notify"),
    isNull(outbox.sentAt),
    sql`json_extract(${outbox.payload}, '$.kind') = 'plan_voting_closes'`,
    sql`json_extract(${outbox.payload}, '$.subjectId') = ${planId}`,
  );

/**
 * When a change turns the reminder on or off or moves the deadline: drops the pending reminder
 * and schedules the one for the new deadline (if notifying and the deadline is ahead), both only
 * if `when` holds. A reminder already on its way is checked again when sent.
 */
export function reminderWrites(deps: Deps, before: PlanRow | null, after: PlanRow, when: SQL): BatchItem<"sqlite">[] {
  const wanted = after.notifyParticipants && after.votingDeadline !== null && after.status === "planning";
  const had = before?.notifyParticipants && before.votingDeadline !== null && before.status === "planning";
  if (wanted === had && before?.votingDeadline === after.votingDeadline) return [];
  const db = deps.db;
  const now = deps.now();
  const writes: BatchItem<"sqlite">[] = [];
  if (had) writes.push(db.delete(outbox).where(and(pendingReminders(deps, after.id), when)));
  if (wanted && after.votingDeadline !== null && after.votingDeadline > now) {
    const message = notify({ kind: "plan_voting_closes", subjectId: after.id, data: { deadline: after.votingDeadline } });
    const dueAt = Math.max(now, after.votingDeadline - VOTING_REMINDER_BEFORE_MS);
    writes.push(enqueueWhen(db, message, when, { orgId: after.orgId, now, dueAt }));
  }
  return writes;
}

/** The plan's participants now (not removed), with their email if they gave one, but not `except`. */
async function recipients(deps: DeliveryDeps, planId: string, except: string | null) {
  const rows = await deps.db
    .select({ recipientId: participants.id, email: participants.email })
    .from(planParticipants)
    .innerJoin(participants, eq(participants.id, planParticipants.participantId))
    .where(
      and(
        eq(planParticipants.planId, planId),
        isNull(planParticipants.removedAt),
        except ? ne(planParticipants.participantId, except) : undefined,
      ),
    );
  return rows;
}

async function planOf(deps: DeliveryDeps, orgId: string, planId: string) {
  const [row] = await deps.db
    .select()
    .from(plans)
    .where(and(eq(plans.id, planId), eq(plans.orgId, orgId)))
    .limit(1);
  return row;
}

const actorOf = (data: Record<string, unknown>) => (typeof data.actor === "string" ? data.actor : null);

export const PLAN_NOTIFICATIONS: Record<PlanKind, NotificationResolver> = {
  plan_finalized: async (deps, orgId, n) => {
    const plan = await planOf(deps, orgId, n.subjectId);
    if (!plan) return null;
    const data = { planTitle: plan.title, startDate: plan.startDate, endDate: plan.endDate };
    return {
      recipients: await recipients(deps, plan.id, actorOf(n.data)),
      render: (o) => renderNotification("plan_finalized", data, o),
    };
  },
  plan_cancelled: async (deps, orgId, n) => {
    const plan = await planOf(deps, orgId, n.subjectId);
    if (!plan) return null;
    return {
      recipients: await recipients(deps, plan.id, actorOf(n.data)),
      render: (o) => renderNotification("plan_cancelled", { planTitle: plan.title }, o),
    };
  },
  // Only while it still holds: planning, still notifying, the deadline it was scheduled for, not passed.
  plan_voting_closes: async (deps, orgId, n) => {
    const plan = await planOf(deps, orgId, n.subjectId);
    if (
      plan?.status !== "planning" ||
      !plan.notifyParticipants ||
      plan.votingDeadline === null ||
      plan.votingDeadline !== n.data.deadline ||
      plan.votingDeadline <= deps.now()
    )
      return null;
    const deadline = toIso(plan.votingDeadline);
    return {
      recipients: await recipients(deps, plan.id, null),
      render: (o) => renderNotification("plan_voting_closes", { planTitle: plan.title, deadline }, o),
    };
  },
};
