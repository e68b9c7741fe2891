import { DAY_MS, MAX_WINDOW_DAYS, type Window } from "@gatherkit/core";
import { type Db, placeBookings, places } from "@gatherkit/db";
import { and, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
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

/** The longest a booking occupies a place (its longest window plus the longest buffer): bounds the index range scanned. */
export const MAX_OCCUPANCY_MS = (MAX_WINDOW_DAYS + 1) * DAY_MS;

const point = alias(placeBookings, "point");
const other = alias(placeBookings, "other");

export function maxOverlapSql(placeId: string, start: number, end: number): SQL<number> {
  const starts = sql`SELECT ${start} AS t UNION ALL SELECT ${point.startsAt} FROM ${placeBookings} AS ${point}
    WHERE ${and(eq(point.placeId, placeId), inArray(point.status, [...OCCUPYING]), gt(point.startsAt, start), lt(point.startsAt, end))}`;
  const countAt = sql`SELECT count(*) FROM ${placeBookings} AS ${other}
    WHERE ${and(eq(other.placeId, placeId), inArray(other.status, [...OCCUPYING]))}
      AND ${other.startsAt} <= p.t AND ${other.startsAt} > p.t - ${MAX_OCCUPANCY_MS} AND ${other.occupiedUntil} > p.t`;
  return sql<number>`(SELECT coalesce(max(n), 0) FROM (SELECT (${countAt}) AS n FROM (${starts}) AS p))`;
}

/** The place's free capacity over [start, end) as of the statement: capacity less the busiest instant; NULL for an inactive place. */
export function freeCapacitySql(placeId: string, start: number, end: number): SQL<number | null> {
  return sql<
    number | null
  >`((SELECT ${places.capacity} FROM ${places} WHERE ${places.id} = ${placeId} AND ${places.active} = 1) - ${maxOverlapSql(placeId, start, end)})`;
}

/** Bookings that may occupy some instant of [start, end) (for reading occupancy in code). */
export const occupyingIn = (start: number, end: number) =>
  and(
    inArray(placeBookings.status, [...OCCUPYING]),
    lt(placeBookings.startsAt, end),
    gt(placeBookings.occupiedUntil, start),
    gte(placeBookings.startsAt, start - MAX_OCCUPANCY_MS),
  );

/** The windows (start to occupied-until) of the bookings holding `placeId` at some instant of [start, end). */
export async function occupiedWindows(db: Db, placeId: string, start: number, end: number): Promise<Window[]> {
  const rows = await db
    .select({ start: placeBookings.startsAt, end: placeBookings.occupiedUntil })
    .from(placeBookings)
    .where(and(eq(placeBookings.placeId, placeId), occupyingIn(start, end)));
  return rows;
}
