import { randomToken } from "@gatherkit/core";
import { discountCodes, events, orderLines, orders, quotas, tickets, ticketTypeQuotas, ticketTypes } from "@gatherkit/db";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { rootDb } from "../../lib/idempotent-writes.js";
import { deliverSoon } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { closePayment } from "../../platform/payments/payments.service.js";
import { enqueueOrdersChanged, enqueueStockChanged } from "./events.js";
import { offerWaitlist } from "./waitlist/waitlist.service.js";

export type OrderRow = typeof orders.$inferSelect;

/** How many places of the quota in scope (`quotas`) the order's lines take. */
export const quotaShare = (orderId: string) =>
  sql`SELECT COALESCE(SUM(ol.quantity), 0) FROM ${orderLines} ol JOIN ${ticketTypeQuotas} l ON l.ticket_type_id = ol.ticket_type_id WHERE ol.order_id = ${orderId} AND l.quota_id = ${quotas.id}`;
/** The quotas the order's lines draw on, by the links as they are now. */
export const quotasOfOrder = (orderId: string) =>
  sql`(SELECT l.quota_id FROM ${ticketTypeQuotas} l JOIN ${orderLines} ol ON ol.ticket_type_id = l.ticket_type_id WHERE ol.order_id = ${orderId})`;

/**
 * Returns an order's tickets to sale and sets its status: `expired` or `cancelled` from `pending`
 * only (`expired` only once its hold has run out); `refunded` from `paid` or `partially_refunded`
 * (the provider refunded it all: its tickets are voided too). One batch: the status change draws
 * a fresh release token, and every counter update runs only where the order carries that token,
 * so of two concurrent releases exactly one returns the stock. The discount code's use is given
 * back with it, and what came back is offered to the waiting list (see waitlist.service.ts).
 * Answers whether this call did it. A caller may draw the token itself (`releaseToken`): the
 * order carries it exactly when this call released it. `paymentClosed`: the provider closed the
 * payment (its Checkout Session expired), so the hold is `expired` now. A pending order's open Checkout Session
 * is expired with it (see `closePayment`).
 */
export async function releaseOrder(
  deps: Deps,
  order: Pick<OrderRow, "id" | "orgId" | "eventId">,
  to: "expired" | "cancelled" | "refunded",
  opts: { offerWaitlist?: boolean; releaseToken?: string; paymentClosed?: boolean } = {},
): Promise<boolean> {
  const db = deps.db;
  const now = deps.now();
  const token = opts.releaseToken ?? randomToken(20);
  const mine = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${order.id} AND ${orders.releaseToken} = ${token})`;
  const from =
    to === "refunded"
      ? inArray(orders.status, ["paid", "partially_refunded"])
      : and(eq(orders.status, "pending"), to === "expired" && !opts.paymentClosed ? lte(orders.expiresAt, now) : undefined);
  const results = await db.batch([
    db
      .update(orders)
      .set({
        status: to,
        releaseToken: token,
        updatedAt: now,
        ...(to === "cancelled" && { cancelledAt: now }),
      })
      .where(and(eq(orders.id, order.id), from))
      .returning({ id: orders.id, paymentIntentId: orders.paymentIntentId }),
    db
      .update(tickets)
      .set({ status: "void" })
      .where(and(eq(tickets.orderId, order.id), mine)),
    db
      .update(discountCodes)
      .set({ used: sql`${discountCodes.used} - 1` })
      .where(and(eq(discountCodes.id, sql`(SELECT ${orders.discountCodeId} FROM ${orders} WHERE ${orders.id} = ${order.id})`), mine)),
    db
      .update(ticketTypes)
      .set({
        quantityUsed: sql`${ticketTypes.quantityUsed} - (SELECT COALESCE(SUM(ol.quantity), 0) FROM ${orderLines} ol WHERE ol.order_id = ${order.id} AND ol.ticket_type_id = ${ticketTypes.id})`,
      })
      .where(and(inArray(ticketTypes.id, sql`(SELECT ticket_type_id FROM ${orderLines} WHERE order_id = ${order.id})`), mine)),
    db
      .update(quotas)
      .set({ used: sql`${quotas.used} - (${quotaShare(order.id)})` })
      .where(and(inArray(quotas.id, quotasOfOrder(order.id)), mine)),
    db
      .update(events)
      .set({ capacityUsed: sql`${events.capacityUsed} - (SELECT ${orders.quantity} FROM ${orders} WHERE ${orders.id} = ${order.id})` })
      .where(and(eq(events.id, order.eventId), mine)),
    enqueueStockChanged(deps, order.orgId, order.eventId, mine),
    enqueueOrdersChanged(deps, order.orgId, order.eventId, to, mine),
  ]);
  const released = results[0].length > 0;
  if (released) deliverSoon(deps);
  // A hold that ended unpaid: its open Checkout Session is expired, so nobody pays for tickets back on sale.
  if (released && to !== "refunded") await closePayment(deps, results[0][0]?.paymentIntentId ?? null);
  // What came back goes to the type's waiting list first (and an offer that ran out passes on).
  if (released && opts.offerWaitlist !== false) await offerWaitlist(deps, order.eventId);
  return released;
}

/** Releases the holds of `eventId` (or of every event) that ran out; answers how many. Safe to run concurrently. */
export async function releaseExpiredHolds(requestDeps: Deps, eventId?: string, limit = 100): Promise<number> {
  // Housekeeping, not the request's effect: outside its Idempotency-Key, so a checkout that died
  // after releasing someone's expired hold has not "carried out" anything of its own.
  const deps = { ...requestDeps, db: rootDb(requestDeps.db) };
  const due = await deps.db
    .select({ id: orders.id, orgId: orders.orgId, eventId: orders.eventId })
    .from(orders)
    .where(and(eventId ? eq(orders.eventId, eventId) : undefined, eq(orders.status, "pending"), lte(orders.expiresAt, deps.now())))
    .limit(limit);
  let n = 0;
  for (const o of due) if (await releaseOrder(deps, o, "expired")) n++;
  return n;
}

/**
 * Releases expired holds every `intervalMs` on Node, so an open checkout hears the stock come back
 * (`event.stock_changed`) without waiting for someone to read or buy. Returns the stop function.
 * On Workers the cron trigger calls `releaseExpiredHolds` instead.
 */
export function startHoldSweeper(deps: Deps, intervalMs = 15_000): () => void {
  const timer = setInterval(() => {
    releaseExpiredHolds(deps).catch((err: unknown) => deps.logger.error("releasing expired holds failed", { error: String(err) }));
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
