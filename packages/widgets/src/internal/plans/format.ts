/**
 * Formatting for the plan widgets: instants in the plan's time zone, date ranges, countdowns and
 * money in minor units. Everything goes through `Intl`, in the visitor's language.
 */

const cache = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, options);
    cache.set(key, f);
  }
  return f;
}

/** An ISO instant as a date and time in `timeZone` (default: the visitor's), e.g. "1 Jul 2030, 18:00". */
export function formatInstant(iso: string, timeZone?: string): string {
  return dateTimeFormat({ dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** A start and optional end instant ("1 Jul 2030, 09:00 – 12:00"), in `timeZone`. */
export function formatInstantRange(start: string, end: string | null, timeZone: string): string {
  const f = dateTimeFormat({ dateStyle: "medium", timeStyle: "short", timeZone });
  return end ? f.formatRange(new Date(start), new Date(end)) : f.format(new Date(start));
}

/** Plan dates (`2030-07-01`, days in the plan's zone) as "1–7 Jul 2030". */
export function formatDates(startDate: string | null, endDate: string | null): string | null {
  if (!startDate) return null;
  const f = dateTimeFormat({ dateStyle: "medium", timeZone: "UTC" });
  const start = new Date(`${startDate}T00:00:00Z`);
  return endDate && endDate !== startDate ? f.formatRange(start, new Date(`${endDate}T00:00:00Z`)) : f.format(start);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "in 2 days", "in 3 hours", "in 5 minutes", "in less than a minute"; "5 minutes ago" for the past. */
export function formatCountdown(iso: string, now: number): string {
  const diff = Date.parse(iso) - now;
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return rtf.format(Math.trunc(diff / ms), unit);
  }
  return diff >= 0 ? "in less than a minute" : "just now";
}

/** Digits after the decimal point of `currency` (2 for EUR, 0 for JPY, 3 for BHD). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as money: 1250 EUR → "€12.50". */
export function formatMoney(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
}

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
