/**
 * The one iCalendar (RFC 5545) writer for everything with a time: calendar feeds (schedules,
 * bookings, sessions, plans), invitations, confirmation attachments and a client calendar's
 * export. No other file writes VCALENDAR text (ics-writer.test.ts checks the sources). Times are written in UTC (`…Z`), which needs no VTIMEZONE and every
 * calendar app shows in its reader's zone; the calendar's own zone goes in X-WR-TIMEZONE (how apps
 * label the calendar). All-day items use `VALUE=DATE`. TEXT is escaped, lines folded at 75 octets,
 * CRLF line ends. The output depends only on its input (no clock), so the same input is the same
 * file: feeds compute their ETag from it.
 */

export interface IcsPerson {
  name?: string | null;
  email: string;
}

export interface IcsEvent {
  uid: string;
  /** DTSTAMP (epoch ms). */
  stamp: number;
  /** Epoch ms (timed, UTC) or an all-day date `YYYY-MM-DD`. */
  start: number | { date: string };
  /** Epoch ms, or the all-day end date (exclusive). */
  end?: number | { date: string } | null;
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
const when = (name: "DTSTART" | "DTEND", t: number | { date: string }) =>
  typeof t === "number" ? `${name}:${icsUtc(t)}` : `${name};VALUE=DATE:${t.date.replaceAll("-", "")}`;
const person = (p: IcsPerson) => `${p.name ? `;CN=${param(p.name)}` : ""}:mailto:${p.email.replace(/[\r\n]/g, "")}`;

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
