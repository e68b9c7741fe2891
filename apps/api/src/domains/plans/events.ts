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
 * right after a conditional UPDATE), the event is written only if the change happened. With
 * `disconnect` (participant ids), the room closes those people's connections after this event:
 * someone removed from the plan stops hearing it at once.
 */
export function enqueuePlanEvent(deps: Deps, orgId: string, planId: string, event: PlanEvent, when?: SQL, disconnect?: string[]) {
  const message = realtime(planRoom(planId), withoutSecrets(event), { disconnect });
  const opts = { orgId, now: deps.now() };
  return when ? enqueueWhen(deps.db, message, when, opts) : enqueue(deps.db, message, opts);
}

/**
 * No secret travels in a broadcast: a plan in an event carries `calendarUrl: null` (the feed
 * URL holds its own token, and a room may still hold someone who is being removed). Readers
 * fetch the plan for its feed URL.
 */
export function withoutSecrets(event: PlanEvent): PlanEvent {
  if (event.type !== "plan.updated") return event;
  return { ...event, data: { ...event.data, plan: { ...event.data.plan, calendarUrl: null } } };
}
