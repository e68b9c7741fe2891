import { text } from "./text.js";
import { z } from "./zod.js";

/** A moment: epoch milliseconds, an ISO 8601 string or a Date. Pure rules accept any of them. */
export type Instant = number | string | Date;

export function toMillis(t: Instant): number {
  const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a valid time: ${String(t)}`);
  return ms;
}

/**
 * The canonical spelling of an IANA time zone name (`europe/paris` → `Europe/Paris`,
 * `US/Eastern` → `America/New_York`), or null when the runtime does not know the zone.
 * Offsets such as `+01:00` are refused: a place needs a zone with its daylight-saving rules.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An IANA time zone name, canonicalised on input. */
export const TimeZoneSchema = text()
  .max(64)
  .refine((s) => canonicalTimeZone(s) !== null, "must be an IANA time zone name such as Europe/Paris")
  .transform((s) => canonicalTimeZone(s) ?? s)
  .openapi({ example: "Europe/Paris", description: "IANA time zone name." });

/** The longest range (in days, both ends included) a report by day answers. */
export const MAX_REPORT_DAYS = 366;

/** Days from `from` to `to` (local dates `YYYY-MM-DD`), both included: 1 for the same day. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** A calendar date `YYYY-MM-DD` that exists (no 2031-02-30). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2031-07-02")
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
  }, "must be a date that exists")
  .openapi({ example: "2031-07-02" });

/**
 * The days a report covers, as local dates in the report's time zone, both ends included (at
 * most MAX_REPORT_DAYS). Left out: the 30 days up to today (or up to `to`, or from `from`).
 */
export const DateRangeQuerySchema = z
  .object({
    from: LocalDateSchema.optional().openapi({ description: "First day (local date), included." }),
    to: LocalDateSchema.optional().openapi({ description: "Last day (local date), included." }),
  })
  .refine((q) => !q.from || !q.to || (q.from <= q.to && daysInRange(q.from, q.to) <= MAX_REPORT_DAYS), {
    message: `from must not be after to, and a range covers at most ${MAX_REPORT_DAYS} days`,
    path: ["from"],
    params: { code: "invalid_date_range" },
  });
export type DateRangeQuery = z.infer<typeof DateRangeQuerySchema>;
