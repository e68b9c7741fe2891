import { DAY_MS, MAX_WINDOW_DAYS, type Window } from "@gatherkit/core";
import { type Db, placeBookings, places } from "@gatherkit/db";
import { type AnyColumn, and, eq, gt, gte, inArray, lt, ne, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";

/**
 * Occupancy in SQL: how many bookings of a place overlap at the busiest instant of a window. The
 * same rule as core's `maxOverlap` (a booking occupies [starts_at, occupied_until), its end plus
 * the place's buffer), written as one scalar subquery so a guarded INSERT can check it inside the
 * writing transaction: the count only rises at a booking's start, so it is enough to count at the
 * window's start and at every booking start inside the window.
 */

/** Statuses that hold a spot. Completed bookings lie in the past but still held it then. */
export const OCCUPYING = ["confirmed", "completed"] as const;
/** Statuses a booking may hold a spot in: OCCUPYING, and pending_payment while its hold lasts. */
export const MAY_OCCUPY = ["pending_payment", ...OCCUPYING] as const;

/** The longest a booking occupies a place (its longest window plus the longest buffer): bounds the index range scanned. */
export const MAX_OCCUPANCY_MS = (MAX_WINDOW_DAYS + 1) * DAY_MS;

/** The columns occupancy reads, of the bookings table or an alias of it. */
type BookingsTable = Record<"status" | "holdExpiresAt" | "occupiedUntil" | "extensionExpiresAt" | "extensionOccupiedUntil", AnyColumn>;
const point = alias(placeBookings, "point");
const other = alias(placeBookings, "other");

/**
 * Whether booking `b` holds its spot at `now`: confirmed or completed, or pending_payment with
 * its hold not yet run out. (An unpaid hold frees its spot the instant it expires, whether or not
 * the sweep has marked it `expired` yet.)
 */
export const holdsSpot = (b: BookingsTable, now: number): SQL =>
  sql`(${b.status} IN ('confirmed', 'completed') OR (${b.status} = 'pending_payment' AND ${b.holdExpiresAt} > ${now}))`;

/** Until when booking `b` holds its spot: its end plus buffer, or a pending extension's while that is held. */
export const occupiedUntilSql = (b: BookingsTable, now: number): SQL<number> =>
  sql<number>`(CASE WHEN ${b.extensionExpiresAt} > ${now} AND ${b.extensionOccupiedUntil} > ${b.occupiedUntil} THEN ${b.extensionOccupiedUntil} ELSE ${b.occupiedUntil} END)`;

/**
 * The most bookings of `placeId` holding a spot at one instant of [start, end), as of `now`
 * (which decides which unpaid holds still count). `exceptId`: leave that booking out (an
 * extension checks the extra time against the others).
 */
export function maxOverlapSql(placeId: string, start: number, end: number, now: number, exceptId?: string): SQL<number> {
  const starts = sql`SELECT ${start} AS t UNION ALL SELECT ${point.startsAt} FROM ${placeBookings} AS ${point}
    WHERE ${and(eq(point.placeId, placeId), inArray(point.status, [...MAY_OCCUPY]), gt(point.startsAt, start), lt(point.startsAt, end))}`;
  const countAt = sql`SELECT count(*) FROM ${placeBookings} AS ${other}
    WHERE ${and(eq(other.placeId, placeId), inArray(other.status, [...MAY_OCCUPY]), exceptId === undefined ? undefined : ne(other.id, exceptId))}
      AND ${holdsSpot(other, now)}
      AND ${other.startsAt} <= p.t AND ${other.startsAt} > p.t - ${MAX_OCCUPANCY_MS} AND ${occupiedUntilSql(other, now)} > p.t`;
  return sql<number>`(SELECT coalesce(max(n), 0) FROM (SELECT (${countAt}) AS n FROM (${starts}) AS p))`;
}

/** The place's free capacity over [start, end) as of the statement: capacity less the busiest instant; NULL for an inactive place. */
export function freeCapacitySql(placeId: string, start: number, end: number, now: number, exceptId?: string): SQL<number | null> {
  return sql<
    number | null
  >`((SELECT ${places.capacity} FROM ${places} WHERE ${places.id} = ${placeId} AND ${places.active} = 1) - ${maxOverlapSql(placeId, start, end, now, exceptId)})`;
}

/** Bookings that may hold a spot at some instant of [start, end) as of `now` (for reading occupancy in code). */
export const occupyingIn = (start: number, end: number, now: number) =>
  and(
    inArray(placeBookings.status, [...MAY_OCCUPY]),
    holdsSpot(placeBookings, now),
    lt(placeBookings.startsAt, end),
    sql`${occupiedUntilSql(placeBookings, now)} > ${start}`,
    gte(placeBookings.startsAt, start - MAX_OCCUPANCY_MS),
  );

/** The windows (start to occupied-until) of the bookings holding `placeId` at some instant of [start, end). */
export async function occupiedWindows(db: Db, placeId: string, start: number, end: number, now: number): Promise<Window[]> {
  const rows = await db
    .select({ start: placeBookings.startsAt, end: occupiedUntilSql(placeBookings, now) })
    .from(placeBookings)
    .where(and(eq(placeBookings.placeId, placeId), occupyingIn(start, end, now)));
  return rows;
}
