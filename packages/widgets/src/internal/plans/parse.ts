/**
 * Reading what a person typed into a form (an amount, a wall-clock time in the plan's time zone).
 * Apart from the formatting, which every plan widget shows at once: only forms, which are
 * fetched later, need this.
 */
import { currencyDigits, dateTimeFormat } from "./format.js";

/**
 * What a person typed as an amount ("12.5", "12,50", "1 200") in minor units of `currency`, or
 * null when it is not a positive amount with at most the currency's decimals.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const cleaned = text
    .trim()
    .replace(/[\s\u00a0\u202f']/g, "")
    .replace(",", ".");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > digits) return null;
  const minor = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** The UTC offset of `timeZone` at the instant `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = dateTimeFormat({
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * A wall-clock time from `<input type="datetime-local">` ("2030-07-01T09:00"), read in
 * `timeZone` (the plan's, not the visitor's), as an ISO 8601 UTC instant. Null when empty or
 * malformed.
 */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  // The offset at the guess, then at the corrected instant (they differ next to a DST change).
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return new Date(utc).toISOString();
}
