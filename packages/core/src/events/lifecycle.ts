import { DomainError } from "../errors.js";
import { type Instant, toMillis } from "../time.js";

export const EVENT_STATUSES = ["draft", "published", "unpublished", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const EVENT_ACTIONS = ["publish", "unpublish", "cancel"] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** draft → published ⇄ unpublished; any status but cancelled → cancelled. */
const TRANSITIONS: Record<EventAction, { from: readonly EventStatus[]; to: EventStatus }> = {
  publish: { from: ["draft", "unpublished"], to: "published" },
  unpublish: { from: ["published"], to: "unpublished" },
  cancel: { from: ["draft", "published", "unpublished"], to: "cancelled" },
};

/** The statuses `action` may start from (for the WHERE of the conditional update). */
export const eventTransitionSources = (action: EventAction): readonly EventStatus[] => TRANSITIONS[action].from;

/** The status `action` leads to from `status`, or 409 `invalid_event_transition`. */
export function eventTransition(status: EventStatus, action: EventAction): EventStatus {
  const t = TRANSITIONS[action];
  if (!t.from.includes(status)) {
    throw new DomainError(
      409,
      "invalid_event_transition",
      `A ${status} event cannot be ${action === "cancel" ? "cancelled" : `${action}ed`}.`,
    );
  }
  return t.to;
}

export const AVAILABILITIES = ["on_sale", "sold_out", "not_yet_on_sale", "sales_ended", "cancelled"] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** What the availability of a ticket type is computed from. `remaining` null: no limit. */
export interface StockFacts {
  salesStartAt: Instant | null;
  salesEndAt: Instant | null;
  remaining: number | null;
}

/** One ticket type's availability at `now` (its event not cancelled). */
export function ticketTypeAvailability(t: StockFacts, now: Instant): Exclude<Availability, "cancelled"> {
  const at = toMillis(now);
  if (t.salesEndAt !== null && at >= toMillis(t.salesEndAt)) return "sales_ended";
  if (t.salesStartAt !== null && at < toMillis(t.salesStartAt)) return "not_yet_on_sale";
  return t.remaining !== null && t.remaining <= 0 ? "sold_out" : "on_sale";
}

/**
 * An event's availability from its status and its (public) ticket types: `cancelled`; else
 * `on_sale` if any type is; else `sold_out` if any type sold out within its window; else
 * `not_yet_on_sale` if some type's sales are still to open (or the event has no types yet);
 * else `sales_ended`. The event's own end also ends its sales.
 */
export function eventAvailability(
  event: { status: EventStatus; endsAt: Instant },
  types: readonly StockFacts[],
  now: Instant,
): Availability {
  if (event.status === "cancelled") return "cancelled";
  if (toMillis(now) >= toMillis(event.endsAt)) return "sales_ended";
  const each = types.map((t) => ticketTypeAvailability(t, now));
  for (const a of ["on_sale", "sold_out", "not_yet_on_sale"] as const) if (each.includes(a)) return a;
  return types.length === 0 ? "not_yet_on_sale" : "sales_ended";
}

/** Tickets of a type that can still be held: the least room among its quantity, its quotas and the event's capacity. */
export function remainingOf(limits: readonly (number | null)[]): number | null {
  const known = limits.filter((l): l is number => l !== null);
  return known.length === 0 ? null : Math.max(0, Math.min(...known));
}
