import { escapeIcsText, foldIcsLine, ICS_CONTENT_TYPE } from "@gatherkit/core";
import type { eventSessions } from "@gatherkit/db";
import ical, { ICalCalendarMethod } from "ical-generator";
import type { EventRow } from "./access.js";

/**
 * The one place an event becomes iCalendar (RFC 5545 / iTIP RFC 5546), for guest invitations and
 * confirmations (and ticket emails, when they attach one). Written with core's tested TEXT
 * escaping and line folding rather than a dependency. The event's UID is stable (`<event id>@…`),
 * and SEQUENCE is the seconds since the event was created at its last change, so every update an
 * organizer makes raises it and a calendar that holds the invitation replaces it; a cancelled event
 * is sent as METHOD:CANCEL with STATUS:CANCELLED.
 */
export { ICS_CONTENT_TYPE };

type SessionRow = typeof eventSessions.$inferSelect;
type IcsEvent = Pick<
  EventRow,
  | "id"
  | "title"
  | "description"
  | "startsAt"
  | "endsAt"
  | "timeZone"
  | "venueName"
  | "status"
  | "createdAt"
  | "updatedAt"
  | "contactName"
  | "contactEmail"
>;

export interface EventIcsOptions {
  /** REQUEST: an invitation the guest's calendar tracks; PUBLISH: a plain file (the event with the guest's picked sessions). */
  method: "REQUEST" | "PUBLISH";
  /** The guest it is for, as ATTENDEE (invitations to a named address). */
  attendee?: { name: string; email: string | null; status: "NEEDS-ACTION" | "ACCEPTED" | "TENTATIVE" | "DECLINED" };
  /** The organizer's address when the event names no contact (the platform's sender). */
  fallbackOrganizer: string;
  /** Sessions to add as their own VEVENTs (PUBLISH only: an iTIP request carries one UID). */
  sessions?: readonly SessionRow[];
  now: number;
  uidDomain: string;
}

/** `20300701T090000Z` */
const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");

/** SEQUENCE of an event: seconds from its creation to its last change (rises with every change). */
export const icsSequence = (event: Pick<EventRow, "createdAt" | "updatedAt">) =>
  Math.max(0, Math.floor((event.updatedAt - event.createdAt) / 1000));

const param = (s: string) => `"${s.replace(/["\r\n]/g, "")}"`;

export function eventIcs(event: IcsEvent, opts: EventIcsOptions): string {
  const cancelled = event.status === "cancelled";
  const method = cancelled && opts.method === "REQUEST" ? "CANCEL" : opts.method;
  const organizer = event.contactEmail ?? opts.fallbackOrganizer;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Gatherkit//Events//EN",
    "CALSCALE:GREGORIAN",
    `METHOD:${method}`,
    "BEGIN:VEVENT",
    `UID:${event.id}@${opts.uidDomain}`,
    `SEQUENCE:${icsSequence(event)}`,
    `DTSTAMP:${utc(opts.now)}`,
    `DTSTART:${utc(event.startsAt)}`,
    `DTEND:${utc(event.endsAt)}`,
    `SUMMARY:${escapeIcsText(event.title)}`,
    ...(event.description ? [`DESCRIPTION:${escapeIcsText(event.description)}`] : []),
    ...(event.venueName ? [`LOCATION:${escapeIcsText(event.venueName)}`] : []),
    `ORGANIZER${event.contactName ? `;CN=${param(event.contactName)}` : ""}:mailto:${organizer}`,
    ...(opts.attendee?.email
      ? [
          `ATTENDEE;CN=${param(opts.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=${opts.attendee.status};RSVP=${
            opts.attendee.status === "NEEDS-ACTION" ? "TRUE" : "FALSE"
          }:mailto:${opts.attendee.email}`,
        ]
      : []),
    `STATUS:${cancelled ? "CANCELLED" : "CONFIRMED"}`,
    `LAST-MODIFIED:${utc(event.updatedAt)}`,
    `X-WR-TIMEZONE:${event.timeZone}`,
    "END:VEVENT",
  ];
  if (method === "PUBLISH") {
    for (const s of opts.sessions ?? []) {
      lines.push(
        "BEGIN:VEVENT",
        `UID:${s.id}@${opts.uidDomain}`,
        `SEQUENCE:${Math.max(0, Math.floor((s.updatedAt - s.createdAt) / 1000))}`,
        `DTSTAMP:${utc(opts.now)}`,
        `DTSTART:${utc(s.startsAt)}`,
        `DTEND:${utc(s.endsAt)}`,
        `SUMMARY:${escapeIcsText(`${s.title} (${event.title})`)}`,
        ...(s.description ? [`DESCRIPTION:${escapeIcsText(s.description)}`] : []),
        ...((s.room ?? event.venueName) ? [`LOCATION:${escapeIcsText(s.room ?? event.venueName ?? "")}`] : []),
        `STATUS:${cancelled ? "CANCELLED" : "CONFIRMED"}`,
        `LAST-MODIFIED:${utc(s.updatedAt)}`,
        "END:VEVENT",
      );
    }
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldIcsLine).join("\r\n")}\r\n`;
}

/** Add-to-calendar links: Google's and Outlook's "new event" pages filled with the event. */
export function calendarLinks(event: Pick<EventRow, "title" | "description" | "startsAt" | "endsAt" | "venueName">) {
  const google = new URL("https://calendar.google.com/calendar/render");
  google.searchParams.set("action", "TEMPLATE");
  google.searchParams.set("text", event.title);
  google.searchParams.set("dates", `${utc(event.startsAt)}/${utc(event.endsAt)}`);
  if (event.description) google.searchParams.set("details", event.description.slice(0, 1000));
  if (event.venueName) google.searchParams.set("location", event.venueName);
  const outlook = new URL("https://outlook.live.com/calendar/0/deeplink/compose");
  outlook.searchParams.set("path", "/calendar/action/compose");
  outlook.searchParams.set("rru", "addevent");
  outlook.searchParams.set("subject", event.title);
  outlook.searchParams.set("startdt", new Date(event.startsAt).toISOString());
  outlook.searchParams.set("enddt", new Date(event.endsAt).toISOString());
  if (event.description) outlook.searchParams.set("body", event.description.slice(0, 1000));
  if (event.venueName) outlook.searchParams.set("location", event.venueName);
  return { google: google.toString(), outlook: outlook.toString() };
}

/**
 * The event as an iCalendar file (RFC 5545) for the confirmation email, so the buyer's calendar
 * gets it with one tap. Built with `ical-generator` (no dependencies, no Node built-ins: it runs
 * on Workers; about 9 KB min+gzip in the API bundle). Times are written in UTC (`…Z`): a `TZID`
 * would need a VTIMEZONE block the library cannot make without a time-zone database, and every
 * calendar shows UTC times in the reader's own zone. The UID is stable per order, so a second
 * copy updates the first rather than adding another.
 */
export function orderIcs(
  event: Pick<
    EventRow,
    "id" | "title" | "description" | "venueName" | "address" | "lat" | "lng" | "startsAt" | "endsAt" | "contactName" | "contactEmail"
  >,
  order: { id: string; confirmationCode: string },
  opts: { orderUrl: string; host: string },
): string {
  const cal = ical({ prodId: { company: "Gatherkit", product: "tickets" }, method: ICalCalendarMethod.PUBLISH });
  const a = event.address;
  const address = a
    ? [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.country].filter(Boolean).join(", ")
    : "";
  const place = [event.venueName, address].filter(Boolean).join(", ");
  cal.createEvent({
    id: `${order.id}@${opts.host}`,
    start: new Date(event.startsAt),
    end: new Date(event.endsAt),
    summary: event.title,
    description: [event.description, `Order ${order.confirmationCode}: ${opts.orderUrl}`].filter(Boolean).join("\n\n"),
    url: opts.orderUrl,
    ...(place || event.lat !== null
      ? {
          location:
            event.lat !== null && event.lng !== null ? { title: place || event.title, geo: { lat: event.lat, lon: event.lng } } : place,
        }
      : {}),
    ...(event.contactEmail ? { organizer: { name: event.contactName ?? event.contactEmail, email: event.contactEmail } } : {}),
  });
  return cal.toString();
}

/** UTF-8 text as base64 (for an email attachment). */
export function toBase64(text: string): string {
  let s = "";
  for (const b of new TextEncoder().encode(text)) s += String.fromCharCode(b);
  return btoa(s);
}
