import { type DateRangeQuery, daysInRange, isoDay, MAX_REPORT_DAYS, zonedInstant, zoneOffset } from "@gatherkit/core";
import { type SQL, sql } from "drizzle-orm";
import { ApiError } from "./errors.js";

/**
 * Reports by local day for the database, which has no time zones: the range's local days are
 * turned into UTC instants here, and the UTC offset in force at each moment of the range (one
 * offset per stretch between daylight-saving changes) is written into the SQL as a CASE over
 * integer literals, so `GROUP BY` a local day or hour runs in SQL, daylight-saving days included.
 */
export interface DayRange {
  timeZone: string;
  /** First and last local day, included. */
  from: string;
  to: string;
  /** Every local day of the range, in order. */
  days: string[];
  /** UTC epoch ms of the first day's local midnight, and of the midnight after the last day. */
  start: number;
  end: number;
  /** Where each offset starts (the first at `start`), in order. */
  segments: { start: number; offset: number }[];
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const utcDay = (date: string) => Date.parse(`${date}T00:00:00Z`);
const addDays = (date: string, n: number) => isoDay(utcDay(date) + n * DAY_MS);

/** The offsets of `timeZone` over [start, end): a change is found day by day, then to the minute. */
function offsetSegments(start: number, end: number, timeZone: string): DayRange["segments"] {
  const segments = [{ start, offset: zoneOffset(start, timeZone) }];
  for (let t = start; t < end; ) {
    const next = Math.min(t + DAY_MS, end);
    // The last stretch is probed at its last minute: a change at `end` itself is outside the range.
    const probe = next === end ? end - 60_000 : next;
    const last = segments[segments.length - 1] as { start: number; offset: number };
    if (probe > t && zoneOffset(probe, timeZone) !== last.offset) {
      let lo = t;
      let hi = probe;
      while (hi - lo > 60_000) {
        const mid = lo + Math.max(60_000, Math.floor((hi - lo) / 120_000) * 60_000);
        if (mid >= hi) break;
        if (zoneOffset(mid, timeZone) === last.offset) lo = mid;
        else hi = mid;
      }
      segments.push({ start: hi, offset: zoneOffset(hi, timeZone) });
    }
    t = next;
  }
  return segments;
}

/**
 * The range a report covers in `timeZone`: `from`/`to` as given, else the 30 days up to today
 * (or from `from`, or up to `to`). A range longer than MAX_REPORT_DAYS or backwards is 422
 * `invalid_date_range` (the schema says so when both ends are given; this covers the defaults).
 */
export function dayRange(q: DateRangeQuery, timeZone: string, now: number): DayRange {
  const today = isoDay(now + zoneOffset(now, timeZone));
  const to = q.to ?? (q.from ? addDays(q.from, DEFAULT_DAYS - 1) : today);
  const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  const n = daysInRange(from, to);
  if (n < 1 || n > MAX_REPORT_DAYS) {
    throw new ApiError(422, "invalid_date_range", `from must not be after to, and a range covers at most ${MAX_REPORT_DAYS} days.`);
  }
  const start = zonedInstant(utcDay(from), 0, timeZone);
  const end = zonedInstant(utcDay(to) + DAY_MS, 0, timeZone);
  return {
    timeZone,
    from,
    to,
    days: Array.from({ length: n }, (_, i) => addDays(from, i)),
    start,
    end,
    segments: offsetSegments(start, end, timeZone),
  };
}

/** `col` (UTC epoch ms) as local epoch ms in the range's zone: the column plus the offset in force then. */
export function localMs(range: DayRange, col: SQL | SQL.Aliased | unknown): SQL {
  const [first, ...rest] = range.segments;
  // Integer literals we computed (never user input), so D1's bound-parameter limit does not apply.
  const offset = rest.length
    ? sql`CASE ${sql.join(
        [...range.segments]
          .reverse()
          .map((s, i, all) =>
            i === all.length - 1
              ? sql.raw(`ELSE ${s.offset}`)
              : sql`WHEN ${col} >= ${sql.raw(String(s.start))} THEN ${sql.raw(String(s.offset))}`,
          ),
        sql` `,
      )} END`
    : sql.raw(String(first?.offset ?? 0));
  return sql`(${col} + ${offset})`;
}

/** The local day (`YYYY-MM-DD`) of `col` (UTC epoch ms) in the range's zone. */
export const localDay = (range: DayRange, col: unknown): SQL<string> =>
  sql<string>`strftime('%Y-%m-%d', ${localMs(range, col)} / 1000, 'unixepoch')`;

/** Rows of `{ day, n }` as a map from day to count, for filling a report's every day. */
export const countsByDay = (rows: { day: unknown; n: number | string | null }[]): Map<string, number> =>
  new Map(rows.map((r) => [String(r.day), Number(r.n ?? 0)]));
