import type { DateRangeQuery, PlaceOccupancy } from "@gatherkit/core";
import { placeBookings } from "@gatherkit/db";
import { and, count, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { countsByDay, dayRange, localDay, localMs } from "../../../lib/day-buckets.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadPlace } from "../access.js";
import { OCCUPYING } from "../occupancy.js";

const HOUR_MS = 3_600_000;

/**
 * A place's occupancy over a date range (staff), in the place's time zone, counted by SQL over
 * every confirmed or completed booking that overlaps the range: each booking (cut to the range)
 * is split at local hour boundaries by a recursive query, and the pieces are summed per local
 * day and hour. Rows read: one per booked hour in the range, whatever the number of bookings.
 */
export async function placeOccupancy(deps: Deps, caller: Caller | null, placeId: string, query: DateRangeQuery): Promise<PlaceOccupancy> {
  const who = requireOrganizer({ var: { caller } });
  const place = await loadPlace(deps, who, placeId);
  const range = dayRange(query, place.timeZone, deps.now());
  const db = deps.db;
  const S = sql.raw(String(range.start));
  const E = sql.raw(String(range.end));
  const t = sql.raw("t");
  const local = localMs(range, t);
  // The next local hour boundary after `t` (offsets change only on hour boundaries in practice).
  const next = sql`((${local} / ${sql.raw(String(HOUR_MS))} + 1) * ${sql.raw(String(HOUR_MS))} - ${local} + t)`;
  const pieces = sql`WITH RECURSIVE piece(t, stop) AS (
      SELECT max(${placeBookings.startsAt}, ${S}), min(${placeBookings.endsAt}, ${E}) FROM ${placeBookings}
      WHERE ${placeBookings.orgId} = ${who.orgId} AND ${placeBookings.placeId} = ${place.id}
        AND ${placeBookings.status} IN ('confirmed', 'completed')
        AND ${placeBookings.startsAt} < ${E} AND ${placeBookings.endsAt} > ${S}
      UNION ALL
      SELECT ${next}, stop FROM piece WHERE ${next} < stop
    )
    SELECT strftime('%Y-%m-%d', ${local} / 1000, 'unixepoch') AS day, (${local} / ${sql.raw(String(HOUR_MS))}) % 24 AS hour,
      SUM(min(${next}, stop) - t) AS ms
    FROM piece GROUP BY day, hour`;
  const startDay = localDay(range, placeBookings.startsAt);
  const [booked, starting] = await Promise.all([
    db.all(pieces) as Promise<{ day: string; hour: number; ms: number }[]>,
    db
      .select({ day: startDay, n: count() })
      .from(placeBookings)
      .where(
        and(
          eq(placeBookings.orgId, who.orgId),
          eq(placeBookings.placeId, place.id),
          inArray(placeBookings.status, [...OCCUPYING]),
          gte(placeBookings.startsAt, range.start),
          lt(placeBookings.startsAt, range.end),
        ),
      )
      .groupBy(startDay),
  ]);
  const msByDay = new Map<string, number>();
  const msByHour = Array.from({ length: 24 }, () => 0);
  for (const r of booked) {
    msByDay.set(r.day, (msByDay.get(r.day) ?? 0) + Number(r.ms));
    msByHour[Number(r.hour)] = (msByHour[Number(r.hour)] ?? 0) + Number(r.ms);
  }
  const bookings = countsByDay(starting);
  const minutes = (ms: number) => Math.round(ms / 60_000);
  const byDay = range.days.map((date) => ({ date, bookings: bookings.get(date) ?? 0, bookedMinutes: minutes(msByDay.get(date) ?? 0) }));
  return {
    placeId: place.id,
    timeZone: range.timeZone,
    capacity: place.capacity,
    from: range.from,
    to: range.to,
    totals: {
      bookings: byDay.reduce((a, d) => a + d.bookings, 0),
      bookedMinutes: minutes([...msByDay.values()].reduce((a, b) => a + b, 0)),
    },
    byDay,
    byHour: msByHour.map((ms, hour) => ({ hour, bookedMinutes: minutes(ms) })),
  };
}
