/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl` (no I/O, no tz database of our
 * own): what day and minute an instant is at a place, and which instant a local date and time
 * name there, daylight-saving changes included.
 */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight, 0–1439. */
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date, minute of the day and weekday of `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const year = p.year ?? 1970;
  const month = p.month ?? 1;
  const day = p.day ?? 1;
  return {
    year,
    month,
    day,
    minute: (p.hour ?? 0) * 60 + (p.minute ?? 0),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of `timeZone` from UTC at the instant `ms`, in milliseconds (local − UTC), to the second. */
export function zoneOffset(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant of local `minute` (0–1440) on the local date `day` (a UTC-midnight epoch for the
 * date) in `timeZone`. A time skipped by a spring-forward change maps to the same distance past
 * the change (02:30 on a 02:00→03:00 day is 03:30); a time that occurs twice takes the first.
 */
export function zonedInstant(day: number, minute: number, timeZone: string): number {
  const wall = day + minute * 60_000;
  // Try the offsets around the moment; prefer the earliest instant whose local time is `wall`.
  const candidates = [zoneOffset(wall - 86_400_000, timeZone), zoneOffset(wall, timeZone), zoneOffset(wall + 86_400_000, timeZone)];
  const exact = candidates
    .map((off) => wall - off)
    .filter((ms) => ms + zoneOffset(ms, timeZone) === wall)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // In a gap: use the offset before the change.
  return wall - zoneOffset(wall - 86_400_000, timeZone);
}

/** UTC-midnight epoch of the local date of `ms` in `timeZone` (a key for "the same local day"). */
export function localDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day);
}

/** `YYYY-MM-DD` of a UTC-midnight day epoch. */
export const isoDay = (day: number): string => new Date(day).toISOString().slice(0, 10);

export const DAY_MS = 86_400_000;
