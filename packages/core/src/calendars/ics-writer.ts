/**
 * The one iCalendar (RFC 5545) writer for everything with a time: calendar feeds (schedules,
 * bookings, sessions, plans), invitations, confirmation attachments and a client calendar's
 * export. No other file writes VCALENDAR text (ics-writer.test.ts checks the sources). Times are written in UTC (`…Z`), which needs no VTIMEZONE and every
 * calendar app shows in its reader's zone; the calendar's own zone goes in X-WR-TIMEZONE (how apps
 * label the calendar). All-day items use `VALUE=DATE`. TEXT is escaped, lines folded at 75 octets,
 * CRLF line ends. The output depends only on its input (no clock), so the same input is the same
 * file: feeds compute their ETag from it.
 */

import { zoneOffset } from "../places/zoned.js";
import { canonicalTimeZone } from "../time.js";

export interface IcsPerson {
  name?: string | null;
  email: string;
}

/**
 * When something happens: epoch ms (written in UTC), an all-day date `YYYY-MM-DD`, or epoch ms in an
 * IANA zone (written as the zone's wall time with TZID, and the zone as a VTIMEZONE), which a
 * series needs so its occurrences keep their local time across daylight-saving changes.
 */
export type IcsTime = number | { date: string } | { at: number; timeZone: string };

export interface IcsEvent {
  uid: string;
  /** DTSTAMP (epoch ms). */
  stamp: number;
  start: IcsTime;
  /** The end (an all-day end date is exclusive). */
  end?: IcsTime | null;
  summary: string;
  description?: string | null;
  location?: string | null;
  geo?: { lat: number; lng: number } | null;
  url?: string | null;
  sequence?: number;
  status?: "CONFIRMED" | "TENTATIVE" | "CANCELLED";
  transparent?: boolean;
  lastModified?: number | null;
  organizer?: IcsPerson | null;
  attendees?: (IcsPerson & { partstat: "NEEDS-ACTION" | "ACCEPTED" | "TENTATIVE" | "DECLINED"; rsvp?: boolean })[];
  /** Recurrence lines as they are (RRULE:…, EXDATE:…). */
  recurrence?: readonly string[];
  /** Extra properties written as they are (already valid content lines), e.g. `X-WR-TIMEZONE:Europe/Paris`. */
  extra?: readonly string[];
}

export interface IcsCalendar {
  /** PRODID's product, e.g. `Feeds` → `-//Gatherkit//Feeds//EN`. */
  product: string;
  method?: "PUBLISH" | "REQUEST" | "CANCEL";
  name?: string;
  timeZone?: string;
  /** How often a subscribing app should poll (minutes): REFRESH-INTERVAL and X-PUBLISHED-TTL. */
  refreshMinutes?: number;
}

export const ICS_CONTENT_TYPE = "text/calendar; charset=utf-8";

/** `20300701T090000Z` */
export const icsUtc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");

/**
 * SEQUENCE of something that has changed since it was created: the seconds between the two, so it
 * rises with every change (RFC 5545 §3.8.7.4 asks for a higher number on every significant revision).
 */
export const icsSequence = (createdMs: number, updatedMs: number) => Math.max(0, Math.floor((updatedMs - createdMs) / 1000));

const param = (s: string) => `"${s.replace(/["\r\n]/g, "")}"`;
const when = (name: "DTSTART" | "DTEND", t: IcsTime) =>
  typeof t === "number"
    ? `${name}:${icsUtc(t)}`
    : "date" in t
      ? `${name};VALUE=DATE:${t.date.replaceAll("-", "")}`
      : isIcsTimeZone(t.timeZone)
        ? `${name};TZID=${t.timeZone}:${icsUtc(t.at + offsetMs(t.timeZone, t.at)).slice(0, -1)}`
        : `${name}:${icsUtc(t.at)}`;
const person = (p: IcsPerson) => `${p.name ? `;CN=${param(p.name)}` : ""}:mailto:${p.email.replace(/[\r\n]/g, "")}`;

/** Whether `zone` is an IANA zone name this runtime knows (what a TZID may name). */
export const isIcsTimeZone = (zone: string): boolean => canonicalTimeZone(zone) !== null;

/** The zone's offset from UTC at `ms`, in ms, in whole minutes (what a VTIMEZONE's offsets say). */
const offsetMs = (zone: string, ms: number): number => Math.round(zoneOffset(ms, zone) / 60_000) * 60_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const utcOffset = (ms: number) => {
  const m = Math.abs(ms) / 60_000;
  return `${ms < 0 ? "-" : "+"}${String(Math.floor(m / 60)).padStart(2, "0")}${String(m % 60).padStart(2, "0")}`;
};

/**
 * A VTIMEZONE for an IANA zone (RFC 5545 §3.6.5), read from the runtime's zone data: the changes of
 * offset in the year before `from` (the first time written in the zone), each as a yearly rule on the
 * same weekday of the month (e.g. the last Sunday of October), so it holds for every later year a
 * series may reach; a zone without changes is one fixed STANDARD offset.
 */
const vtimezones = new Map<string, string[]>();
function vtimezone(zone: string, from: number): string[] {
  const year = new Date(from).getUTCFullYear() - 1;
  const key = `${zone} ${year}`;
  const known = vtimezones.get(key);
  if (known) return known;
  const start = Date.UTC(year, 0, 1);
  const changes: { at: number; before: number; after: number }[] = [];
  let before = offsetMs(zone, start);
  for (let day = start + DAY; day <= Date.UTC(year + 1, 0, 1); day += DAY) {
    const after = offsetMs(zone, day);
    if (after === before) continue;
    // The minute of the change, between the day before and this one.
    let lo = day - DAY;
    let hi = day;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMs(zone, mid) === before) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi, before, after });
    before = after;
  }
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`];
  if (changes.length !== 2) {
    // The offset the year starts with (all there is, for a zone without changes).
    const first = changes[0]?.before ?? before;
    lines.push(
      "BEGIN:STANDARD",
      `DTSTART:${year}0101T000000`,
      `TZOFFSETFROM:${utcOffset(first)}`,
      `TZOFFSETTO:${utcOffset(first)}`,
      "END:STANDARD",
    );
  }
  for (const c of changes) {
    // Onset in the wall time before the change (how RFC 5545 writes an observance's DTSTART).
    const local = new Date(c.at + c.before);
    const day = local.getUTCDate();
    const last = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
    const nth = day + 7 > last ? -1 : Math.ceil(day / 7);
    const kind = c.after > c.before ? "DAYLIGHT" : "STANDARD";
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${icsUtc(local.getTime()).slice(0, -1)}`,
      `TZOFFSETFROM:${utcOffset(c.before)}`,
      `TZOFFSETTO:${utcOffset(c.after)}`,
      // Two changes a year repeat yearly; a zone that changed its rules that year keeps them as they were.
      ...(changes.length === 2 ? [`RRULE:FREQ=YEARLY;BYMONTH=${local.getUTCMonth() + 1};BYDAY=${nth}${WEEKDAYS[local.getUTCDay()]}`] : []),
      `END:${kind}`,
    );
  }
  lines.push("END:VTIMEZONE");
  if (vtimezones.size < 200) vtimezones.set(key, lines);
  return lines;
}

export function icsEventLines(e: IcsEvent): string[] {
  return [
    "BEGIN:VEVENT",
    `UID:${escapeIcsText(e.uid)}`,
    ...(e.sequence !== undefined ? [`SEQUENCE:${e.sequence}`] : []),
    `DTSTAMP:${icsUtc(e.stamp)}`,
    when("DTSTART", e.start),
    ...(e.end != null ? [when("DTEND", e.end)] : []),
    `SUMMARY:${escapeIcsText(e.summary)}`,
    ...(e.description ? [`DESCRIPTION:${escapeIcsText(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${escapeIcsText(e.location)}`] : []),
    ...(e.geo ? [`GEO:${e.geo.lat};${e.geo.lng}`] : []),
    ...(e.url ? [`URL:${e.url.replace(/[\r\n]/g, "")}`] : []),
    ...(e.organizer ? [`ORGANIZER${person(e.organizer)}`] : []),
    ...(e.attendees ?? []).map(
      (a) =>
        `ATTENDEE${a.name ? `;CN=${param(a.name)}` : ""};ROLE=REQ-PARTICIPANT;PARTSTAT=${a.partstat};RSVP=${a.rsvp ? "TRUE" : "FALSE"}:mailto:${a.email.replace(/[\r\n]/g, "")}`,
    ),
    ...(e.recurrence ?? []).filter((l) => /^(RRULE|EXRULE|RDATE|EXDATE)[:;][^\r\n]*$/.test(l)),
    ...(e.status ? [`STATUS:${e.status}`] : []),
    ...(e.transparent ? ["TRANSP:TRANSPARENT"] : []),
    ...(e.lastModified != null ? [`LAST-MODIFIED:${icsUtc(e.lastModified)}`] : []),
    ...(e.extra ?? []).filter((l) => !/[\r\n]/.test(l)),
    "END:VEVENT",
  ];
}

export function writeIcs(cal: IcsCalendar, events: readonly IcsEvent[]): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:-//Gatherkit//${cal.product}//EN`, "CALSCALE:GREGORIAN"];
  if (cal.method) lines.push(`METHOD:${cal.method}`);
  if (cal.name) lines.push(`NAME:${escapeIcsText(cal.name)}`, `X-WR-CALNAME:${escapeIcsText(cal.name)}`);
  if (cal.timeZone) lines.push(`X-WR-TIMEZONE:${cal.timeZone.replace(/[^A-Za-z0-9_/+-]/g, "")}`);
  if (cal.refreshMinutes)
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${cal.refreshMinutes}M`, `X-PUBLISHED-TTL:PT${cal.refreshMinutes}M`);
  // Each zone a TZID names (a zoned start or end), from the earliest year it is used.
  const zones = new Map<string, number>();
  for (const e of events) {
    for (const t of [e.start, e.end]) {
      if (t && typeof t === "object" && "at" in t && isIcsTimeZone(t.timeZone))
        zones.set(t.timeZone, Math.min(zones.get(t.timeZone) ?? t.at, t.at));
    }
  }
  for (const [zone, from] of zones) lines.push(...vtimezone(zone, from));
  for (const e of events) lines.push(...icsEventLines(e));
  lines.push("END:VCALENDAR");
  return `${lines.map(foldIcsLine).join("\r\n")}\r\n`;
}

/**
 * Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash,
 * every line break becomes `\n`, other control characters (not allowed in TEXT) are dropped.
 */
export function escapeIcsText(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    .split("")
    .filter(allowedInText)
    .join("");
}

/** TEXT allows HTAB and everything from space up, except DEL. */
function allowedInText(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c === 0x09 || (c >= 0x20 && c !== 0x7f);
}

const encoder = new TextEncoder();

/**
 * Folds a content line so no physical line exceeds 75 octets (RFC 5545 §3.1): continuation
 * lines start with one space. Splits only between characters, never inside a UTF-8 sequence.
 */
export function foldIcsLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const out: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      out.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space takes one octet
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}
