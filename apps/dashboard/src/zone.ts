import { orgTimeZone } from "./ui.js";

/**
 * Times typed in a zone that is not the browser's: a `datetime-local` input has no zone of its
 * own, so the event pages read and write its wall clock in the event's zone (the one its form
 * names), whatever zone the organizer's browser is in.
 */

/** The wall clock of `zone` at instant `ms`, as `datetime-local` parts. */
function wallClock(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** An ISO instant as a `datetime-local` value in `zone` ("" for none). */
export const localIn = (iso: string | null | undefined, zone: string): string => (iso ? wallClock(Date.parse(iso), zone) : "");

/** A `datetime-local` value read in `zone` as an ISO instant ("" when empty). */
export function isoIn(local: string | undefined, zone: string): string {
  if (!local) return "";
  const asUtc = Date.parse(`${local}:00Z`);
  const offset = (t: number) => Date.parse(`${wallClock(t, zone)}:00Z`) - t;
  let t = asUtc - offset(asUtc);
  // Near a daylight-saving change the offset at the guess may differ from the one at the answer.
  t = asUtc - offset(t);
  return new Date(t).toISOString();
}

/** The browser's own zone. */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The zone a new event's times are typed in until the organizer picks another: the
 * organization's, else (still `UTC`, the API's "not set") the browser's.
 */
export const defaultEventZone = (): string => {
  const org = orgTimeZone();
  return org && org !== "UTC" ? org : browserZone();
};
