import { ICS_CONTENT_TYPE, type IcsEvent, icsUtc, writeIcs } from "@gatherkit/core";
import type { eventSessions } from "@gatherkit/db";
import type { EventRow } from "./access.js";

/**
 * The one place an event becomes iCalendar (RFC 5545 / iTIP RFC 5546), for guest invitations and
 * confirmations (and ticket emails). Written with core's one iCalendar writer (`writeIcs`, which
 * the calendars domain's feeds use too). The event's UID is stable (`<event id>@…`),
 * and SEQUENCE is the seconds since the event was created at its last change, so every update an
 * organizer makes raises it and a calendar that holds the invitation replaces it; a cancelled event
 * is sent as METHOD:CANCEL with STATUS:CANCELLED.
 */
export { ICS_CONTENT_TYPE };

type SessionRow = typeof eventSessions.$inferSelect;
type IcsEvent_ = Pick<
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

const utc = icsUtc;

/** SEQUENCE of an event: seconds from its creation to its last change (rises with every change). */
export const icsSequence = (event: Pick<EventRow, "createdAt" | "updatedAt">) =>
  Math.max(0, Math.floor((event.updatedAt - event.createdAt) / 1000));

export function eventIcs(event: IcsEvent_, opts: EventIcsOptions): string {
  const cancelled = event.status === "cancelled";
  const method = cancelled && opts.method === "REQUEST" ? "CANCEL" : opts.method;
  const status = cancelled ? "CANCELLED" : "CONFIRMED";
  const main: IcsEvent = {
    uid: `${event.id}@${opts.uidDomain}`,
    sequence: icsSequence(event),
    stamp: opts.now,
    start: event.startsAt,
    end: event.endsAt,
    summary: event.title,
    description: event.description || null,
    location: event.venueName,
    organizer: { name: event.contactName, email: event.contactEmail ?? opts.fallbackOrganizer },
    attendees: opts.attendee?.email
      ? [
          {
            name: opts.attendee.name,
            email: opts.attendee.email,
            partstat: opts.attendee.status,
            rsvp: opts.attendee.status === "NEEDS-ACTION",
          },
        ]
      : [],
    status,
    lastModified: event.updatedAt,
    extra: [`X-WR-TIMEZONE:${event.timeZone}`],
  };
  const sessions: IcsEvent[] =
    method === "PUBLISH"
      ? (opts.sessions ?? []).map((s) => ({
          uid: `${s.id}@${opts.uidDomain}`,
          sequence: Math.max(0, Math.floor((s.updatedAt - s.createdAt) / 1000)),
          stamp: opts.now,
          start: s.startsAt,
          end: s.endsAt,
          summary: `${s.title} (${event.title})`,
          description: s.description || null,
          location: s.room ?? event.venueName,
          status,
          lastModified: s.updatedAt,
        }))
      : [];
  return writeIcs({ product: "Events", method }, [main, ...sessions]);
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
 * gets it with one tap, by core's one writer like every other .ics. Times in UTC (`…Z`), which needs
 * no VTIMEZONE and every calendar shows in the reader's own zone. The UID is stable per order, so
 * a second copy updates the first rather than adding another.
 */
export function orderIcs(
  event: Pick<
    EventRow,
    "id" | "title" | "description" | "venueName" | "address" | "lat" | "lng" | "startsAt" | "endsAt" | "contactName" | "contactEmail"
  >,
  order: { id: string; confirmationCode: string },
  opts: { orderUrl: string; host: string; now: number },
): string {
  const a = event.address;
  const address = a
    ? [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.country].filter(Boolean).join(", ")
    : "";
  const place = [event.venueName, address].filter(Boolean).join(", ");
  const geo = event.lat !== null && event.lng !== null ? { lat: event.lat, lng: event.lng } : null;
  return writeIcs({ product: "tickets", method: "PUBLISH" }, [
    {
      uid: `${order.id}@${opts.host}`,
      stamp: opts.now,
      start: event.startsAt,
      end: event.endsAt,
      summary: event.title,
      description: [event.description, `Order ${order.confirmationCode}: ${opts.orderUrl}`].filter(Boolean).join("\n\n"),
      location: place || (geo ? event.title : null),
      geo,
      url: opts.orderUrl,
      organizer: event.contactEmail ? { name: event.contactName ?? event.contactEmail, email: event.contactEmail } : null,
    },
  ]);
}

/** UTF-8 text as base64 (for an email attachment). */
export function toBase64(text: string): string {
  let s = "";
  for (const b of new TextEncoder().encode(text)) s += String.fromCharCode(b);
  return btoa(s);
}
