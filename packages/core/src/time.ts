import { text } from "./text.js";

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
