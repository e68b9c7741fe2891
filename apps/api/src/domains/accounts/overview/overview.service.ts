import { isoDay, type OrganizationOverview, zoneOffset } from "@gatherkit/core";
import { events, guests, orders, placeBookings, places, plans } from "@gatherkit/db";
import { and, count, eq, gt, gte, inArray, lt, ne, sql, sum } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { countsByDay, dayRange, localDay } from "../../../lib/day-buckets.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { organizationTimeZone } from "../organization/organization.service.js";

/** Orders that were paid: still paid, or refunded (in part or in full) since. */
const SOLD = ["paid", "partially_refunded", "refunded"] as const;
const DAY_MS = 86_400_000;

/**
 * The organization's key numbers (staff): plans, events, RSVPs and places now, and sales and
 * bookings over the last 30 days by day in the organization's time zone. Every figure is counted
 * by SQL over the organization's rows (never a page of them), in one batch. It only reads the
 * other domains' tables, so it lives here, beside the organization it describes, and imports no
 * domain (plans, events and places import accounts, not the other way round).
 */
export async function organizationOverview(deps: Deps, caller: Caller | null): Promise<OrganizationOverview> {
  const who = requireOrganizer({ var: { caller } });
  const orgId = who.orgId;
  const now = deps.now();
  const timeZone = await organizationTimeZone(deps, orgId);
  const last30 = dayRange({}, timeZone, now);
  const today = isoDay(now + zoneOffset(now, timeZone));
  const week = dayRange({ from: today, to: isoDay(Date.parse(`${today}T00:00:00Z`) + 6 * DAY_MS) }, timeZone, now);
  const sold = and(
    eq(orders.orgId, orgId),
    inArray(orders.status, [...SOLD]),
    gte(orders.paidAt, last30.start),
    lt(orders.paidAt, last30.end),
  );
  const booked = and(
    eq(placeBookings.orgId, orgId),
    inArray(placeBookings.status, ["confirmed", "completed"]),
    gte(placeBookings.createdAt, last30.start),
    lt(placeBookings.createdAt, last30.end),
  );
  const paidDay = localDay(last30, orders.paidAt);
  const bookedDay = localDay(last30, placeBookings.createdAt);
  const db = deps.db;
  const [planRows, eventRows, revenue, rsvpRows, [placeCount], [nextWeek], salesByDay, bookingsByDay] = await db.batch([
    db
      .select({
        active: sql<number>`COALESCE(SUM(CASE WHEN ${plans.status} IN ('planning', 'finalized') THEN 1 ELSE 0 END), 0)`,
        created: sql<number>`COALESCE(SUM(CASE WHEN ${plans.createdAt} >= ${last30.start} AND ${plans.createdAt} < ${last30.end} THEN 1 ELSE 0 END), 0)`,
      })
      .from(plans)
      .where(eq(plans.orgId, orgId)),
    db
      .select({
        upcoming: sql<number>`COALESCE(SUM(CASE WHEN ${events.status} = 'published' AND ${events.endsAt} > ${now} THEN 1 ELSE 0 END), 0)`,
        drafts: sql<number>`COALESCE(SUM(CASE WHEN ${events.status} = 'draft' THEN 1 ELSE 0 END), 0)`,
      })
      .from(events)
      .where(eq(events.orgId, orgId)),
    db
      .select({ currency: orders.currency, gross: sum(orders.total), refunded: sum(orders.amountRefunded) })
      .from(orders)
      .where(sold)
      .groupBy(orders.currency)
      .orderBy(orders.currency),
    db
      .select({ status: guests.status, n: count() })
      .from(guests)
      .innerJoin(events, eq(events.id, guests.eventId))
      .where(and(eq(guests.orgId, orgId), ne(events.status, "cancelled"), gt(events.endsAt, now)))
      .groupBy(guests.status),
    db.select({ n: count() }).from(places).where(eq(places.orgId, orgId)),
    db
      .select({ n: count() })
      .from(placeBookings)
      .where(
        and(
          eq(placeBookings.orgId, orgId),
          eq(placeBookings.status, "confirmed"),
          gte(placeBookings.startsAt, week.start),
          lt(placeBookings.startsAt, week.end),
        ),
      ),
    db
      .select({ day: paidDay, n: count(), tickets: sum(orders.quantity) })
      .from(orders)
      .where(sold)
      .groupBy(paidDay),
    db.select({ day: bookedDay, n: count() }).from(placeBookings).where(booked).groupBy(bookedDay),
  ]);
  const ordersOn = countsByDay(salesByDay);
  const ticketsOn = countsByDay(salesByDay.map((r) => ({ day: r.day, n: r.tickets })));
  const bookingsOn = countsByDay(bookingsByDay);
  const byDay = last30.days.map((date) => ({
    date,
    orders: ordersOn.get(date) ?? 0,
    tickets: ticketsOn.get(date) ?? 0,
    bookings: bookingsOn.get(date) ?? 0,
  }));
  const total = (k: "orders" | "tickets" | "bookings") => byDay.reduce((a, d) => a + d[k], 0);
  const rsvp = (...statuses: string[]) => rsvpRows.filter((r) => statuses.includes(r.status)).reduce((a, r) => a + Number(r.n), 0);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    timeZone,
    from: last30.from,
    to: last30.to,
    plans: { active: n(planRows[0]?.active), created: n(planRows[0]?.created) },
    events: {
      upcoming: n(eventRows[0]?.upcoming),
      drafts: n(eventRows[0]?.drafts),
      orders: total("orders"),
      ticketsSold: total("tickets"),
      revenue: revenue.map((r) => ({ currency: r.currency, gross: n(r.gross), net: n(r.gross) - n(r.refunded) })),
    },
    rsvps: {
      yes: rsvp("confirmed"),
      maybe: rsvp("maybe"),
      no: rsvp("declined"),
      pending: rsvp("invited", "pending_approval"),
      waitlisted: rsvp("waitlisted"),
    },
    places: { places: n(placeCount?.n), bookingsNext7Days: n(nextWeek?.n), bookings: total("bookings") },
    byDay,
  };
}
