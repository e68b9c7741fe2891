import type { TicketedEvent, TicketType } from "@gatherkit/sdk";
import type { Availability } from "./ticket-checkout.strings.js";

/** Remaining stock per ticket type id, as the event's room last said it (`null`: unlimited). */
export type LiveStock = Record<string, number | null>;

/** What is left of `t`: the room's word over what was loaded. */
export function remainingOf(live: LiveStock, t: Pick<TicketType, "id" | "remaining">): number | null {
  return t.id in live ? (live[t.id] ?? null) : t.remaining;
}

/** What a buyer may choose of `t` now: at most its per-order maximum and what is left. */
export function maxOf(live: LiveStock, t: Pick<TicketType, "id" | "remaining" | "maxPerOrder">): number {
  return Math.min(t.maxPerOrder, remainingOf(live, t) ?? Number.POSITIVE_INFINITY);
}

/**
 * `t`'s availability as shown at `now`: the API's, or `unpublished` once the room says (`status`,
 * over the loaded event's) the event was taken off sale.
 */
export function availabilityOf(
  live: LiveStock,
  t: Pick<TicketType, "id" | "remaining" | "minPerOrder" | "availability" | "salesStartAt" | "salesEndAt">,
  event: Pick<TicketedEvent, "status" | "endsAt">,
  status: string | undefined,
  now: number,
): Availability {
  const s = status ?? event.status;
  if (t.availability === "cancelled" || s === "cancelled") return "cancelled";
  if (s !== "published") return "unpublished";
  if (Date.parse(event.endsAt) <= now || (t.salesEndAt && Date.parse(t.salesEndAt) <= now)) return "sales_ended";
  if (t.salesStartAt && Date.parse(t.salesStartAt) > now) return "not_yet_on_sale";
  const remaining = remainingOf(live, t);
  return remaining !== null && (remaining === 0 || remaining < t.minPerOrder) ? "sold_out" : "on_sale";
}
