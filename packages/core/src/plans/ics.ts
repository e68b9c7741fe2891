import { formatMoney } from "../money.js";
import { type Instant, toMillis } from "../time.js";
import type { Plan } from "./schemas/plans.js";
import type { Proposal } from "./schemas/proposals.js";

/**
 * iCalendar (RFC 5545) for a plan's itinerary: one all-day VEVENT for the plan's dates (when
 * it has them) and one VEVENT per itinerary item that has a start time, its times in UTC.
 * Lines end with CRLF and are folded at 75 octets; TEXT values are escaped. UIDs are the ids,
 * so a calendar that subscribes to the feed updates items instead of duplicating them.
 */
export type IcsPlan = Pick<
  Plan,
  "id" | "title" | "description" | "location" | "startDate" | "endDate" | "timeZone" | "status" | "updatedAt"
>;
export type IcsItem = Pick<Proposal, "id" | "title" | "description" | "url" | "startsAt" | "endsAt" | "cost" | "updatedAt">;

export interface IcsOptions {
  /** DTSTAMP: when the feed was generated. Default: now. */
  now?: Instant;
  /** Right-hand side of every UID. */
  uidDomain?: string;
}

export const ICS_CONTENT_TYPE = "text/calendar; charset=utf-8";

export function icsForPlan(plan: IcsPlan, itinerary: readonly IcsItem[], opts: IcsOptions = {}): string {
  const domain = opts.uidDomain ?? "gatherkit.dev";
  const stamp = utc(opts.now ?? Date.now());
  const status = plan.status === "cancelled" ? "CANCELLED" : plan.status === "planning" ? "TENTATIVE" : "CONFIRMED";
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Gatherkit//Plans//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `NAME:${escapeIcsText(plan.title)}`,
    `X-WR-CALNAME:${escapeIcsText(plan.title)}`,
    `X-WR-TIMEZONE:${plan.timeZone}`,
  ];
  const place = plan.location;
  if (plan.startDate) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${plan.id}@${domain}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${plan.startDate.replaceAll("-", "")}`,
      // DTEND of an all-day event is exclusive: the day after the last day.
      `DTEND;VALUE=DATE:${nextDay(plan.endDate ?? plan.startDate)}`,
      `SUMMARY:${escapeIcsText(plan.title)}`,
      ...(plan.description ? [`DESCRIPTION:${escapeIcsText(plan.description)}`] : []),
      ...(place ? [`LOCATION:${escapeIcsText(place.name)}`] : []),
      ...(place && place.lat !== null && place.lng !== null ? [`GEO:${place.lat};${place.lng}`] : []),
      `STATUS:${status}`,
      "TRANSP:TRANSPARENT",
      `LAST-MODIFIED:${utc(plan.updatedAt)}`,
      "END:VEVENT",
    );
  }
  const timed = itinerary
    .filter((i): i is IcsItem & { startsAt: string } => i.startsAt !== null)
    .sort((a, b) => toMillis(a.startsAt) - toMillis(b.startsAt) || (a.id < b.id ? -1 : 1));
  for (const item of timed) {
    const about = [
      item.description,
      item.cost
        ? `Cost: ${formatMoney(item.cost.amount, item.cost.currency)}${item.cost.kind === "per_person" ? " per person" : " in total"}`
        : "",
      item.url ?? "",
    ].filter(Boolean);
    lines.push(
      "BEGIN:VEVENT",
      `UID:${item.id}@${domain}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utc(item.startsAt)}`,
      ...(item.endsAt ? [`DTEND:${utc(item.endsAt)}`] : []),
      `SUMMARY:${escapeIcsText(item.title)}`,
      ...(about.length ? [`DESCRIPTION:${escapeIcsText(about.join("\n\n"))}`] : []),
      ...(place ? [`LOCATION:${escapeIcsText(place.name)}`] : []),
      ...(item.url ? [`URL:${item.url}`] : []),
      `STATUS:${status}`,
      `LAST-MODIFIED:${utc(item.updatedAt)}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldIcsLine).join("\r\n")}\r\n`;
}

/** `20300701T090000Z` */
function utc(t: Instant): string {
  return new Date(toMillis(t))
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10).replaceAll("-", "");
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
