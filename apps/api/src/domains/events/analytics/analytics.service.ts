import type { EventAnalytics } from "@gatherkit/core";
import { checkins, discountCodes, orderLines, orders, tickets } from "@gatherkit/db";
import { and, asc, count, countDistinct, eq, inArray, isNull, sql, sum } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadEvent, loadStock, remainingOfType } from "../access.js";
import { releaseExpiredHolds } from "../holds.js";

/** Orders that were paid: still paid, or refunded (in part or in full) since. */
const SOLD = ["paid", "partially_refunded", "refunded"] as const;

/**
 * An event's sales and check-in figures (staff): totals, per ticket type, per day in the event's
 * time zone (by when each order was paid), check-in rate and discount use. Aggregated by SQL,
 * except the days: SQLite has no IANA time zones, so paid orders are read (four columns each)
 * and grouped here.
 */
export async function eventAnalytics(deps: Deps, caller: Caller | null, eventId: string): Promise<EventAnalytics> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  await releaseExpiredHolds(deps, event.id);
  const db = deps.db;
  const sold = and(eq(orders.eventId, event.id), inArray(orders.status, [...SOLD]));
  const [paid, perType, held, valid, inside, codes, days] = await db.batch([
    db
      .select({
        orders: count(),
        gross: sum(orders.total),
        refunded: sum(orders.amountRefunded),
        discounts: sum(orders.discountAmount),
      })
      .from(orders)
      .where(sold),
    db
      .select({ id: orderLines.ticketTypeId, gross: sql<number>`SUM(${orderLines.quantity} * ${orderLines.unitPrice})` })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(sold)
      .groupBy(orderLines.ticketTypeId),
    db
      .select({ id: orderLines.ticketTypeId, n: sum(orderLines.quantity) })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(eq(orders.eventId, event.id), eq(orders.status, "pending")))
      .groupBy(orderLines.ticketTypeId),
    db
      .select({ id: tickets.ticketTypeId, n: count() })
      .from(tickets)
      .where(and(eq(tickets.eventId, event.id), eq(tickets.status, "valid")))
      .groupBy(tickets.ticketTypeId),
    db
      .select({ n: countDistinct(checkins.targetId) })
      .from(checkins)
      .innerJoin(tickets, eq(tickets.id, checkins.targetId))
      .where(and(eq(checkins.eventId, event.id), isNull(checkins.undoneAt), eq(tickets.status, "valid"))),
    db
      .select({
        id: discountCodes.id,
        code: discountCodes.code,
        used: discountCodes.used,
        maxUses: discountCodes.maxUses,
        amount: sql<number>`(SELECT COALESCE(SUM(o.discount_amount), 0) FROM ${orders} o WHERE o.discount_code_id = discount_codes.id AND o.status IN ('paid', 'partially_refunded', 'refunded'))`,
      })
      .from(discountCodes)
      .where(eq(discountCodes.eventId, event.id))
      .orderBy(asc(discountCodes.createdAt), asc(discountCodes.id)),
    db
      .select({ paidAt: orders.paidAt, total: orders.total, quantity: orders.quantity })
      .from(orders)
      .where(sold)
      .orderBy(asc(orders.paidAt)),
  ]);
  const stock = await loadStock(deps, event.id);
  const of = (rows: { id: string; n: number | string | null }[], id: string) => Number(rows.find((r) => r.id === id)?.n ?? 0);
  const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: event.timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const byDay = new Map<string, { date: string; orders: number; tickets: number; gross: number }>();
  for (const o of days) {
    if (o.paidAt === null) continue;
    const date = dayOf.format(o.paidAt);
    const d = byDay.get(date) ?? { date, orders: 0, tickets: 0, gross: 0 };
    d.orders += 1;
    d.tickets += o.quantity;
    d.gross += o.total;
    byDay.set(date, d);
  }
  const p = paid[0];
  const gross = Number(p?.gross ?? 0);
  const refunded = Number(p?.refunded ?? 0);
  const ticketsSold = valid.reduce((a, r) => a + Number(r.n), 0);
  const checkedIn = Number(inside[0]?.n ?? 0);
  return {
    eventId: event.id,
    currency: event.currency,
    timeZone: event.timeZone,
    totals: {
      orders: Number(p?.orders ?? 0),
      ticketsSold,
      ticketsHeld: held.reduce((a, r) => a + Number(r.n ?? 0), 0),
      gross,
      refunded,
      net: gross - refunded,
      discounts: Number(p?.discounts ?? 0),
    },
    ticketTypes: stock.types.map((t) => ({
      id: t.id,
      name: t.name,
      sold: of(valid, t.id),
      held: of(held, t.id),
      remaining: remainingOfType(event, stock, t),
      gross: Number(perType.find((r) => r.id === t.id)?.gross ?? 0),
    })),
    byDay: [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date)),
    checkIn: { checkedIn, tickets: ticketsSold, rate: ticketsSold === 0 ? 0 : checkedIn / ticketsSold },
    discountCodes: codes.map((c) => ({ ...c, amount: Number(c.amount) })),
  };
}
