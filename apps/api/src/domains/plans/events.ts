import type { PublishedEvent } from "@gatherkit/core";
import type { SQL } from "drizzle-orm";
import { enqueue, enqueueWhen, realtime } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { planRoom } from "./access.js";

/** The realtime events of a plan's room (`plan.updated`, `plan.participant_changed`, …). */
export type PlanEvent = Extract<PublishedEvent, { type: `plan.${string}` }>;

/**
 * The outbox insert telling the plan's room about a change: put it in the change's `db.batch`,
 * then call `deliverSoon(deps)` after the batch. With `when` (e.g. `previousStatementChanged`
 * right after a conditional UPDATE), the event is written only if the change happened.
 */
export function enqueuePlanEvent(deps: Deps, orgId: string, planId: string, event: PlanEvent, when?: SQL) {
  const message = realtime(planRoom(planId), event);
  const opts = { orgId, now: deps.now?.() };
  return when ? enqueueWhen(deps.db, message, when, opts) : enqueue(deps.db, message, opts);
}
