import { ICS_CONTENT_TYPE, type IcsEvent, icsUtc, writeIcs } from "@gatherkit/core";
import type { eventSessions } from "@gatherkit/db";
import type { EventRow } from "./access.js";

/**
 * The one place an event becomes iCalendar (RFC 5545 / iTIP RFC 5546), for guest invitations and
 * confirmations (and ticket emails). Written with core's one iCalendar writer (`writeIcs`, which
 * the calendars domain's feeds use too), times in the event's own time zone (TZID + VTIMEZONE).
 * The event's UID is stable (`<event id>@…`), each session's too (`<session id>@…`); SEQUENCE is
 * the stored `ics_sequence` of each, raised by every change a calendar shows (time, place, title)
 * and by a cancellation, so a calendar holding the invitation replaces it. An iTIP message
 * (REQUEST / CANCEL) carries one UID, so the event and each session travel as their own file.
 */
export { ICS_CONTENT_TYPE };

type SessionRow = typeof eventSessions.$inferSelect;
/** What a session's VEVENT needs (a snapshot is enough: a deleted session's CANCEL is written from one). */
export type IcsSession = Pick<SessionRow, "id" | "title" | "description" | "startsAt" | "endsAt" | "room" | "icsSequence">;
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
  | "updatedAt"
  | "contactName"
  | "contactEmail"
  | "icsSequence"
>;

export interface IcsAttendee {
  name: string;
  email: string | null;
  status: "NEEDS-ACTION" | "ACCEPTED" | "TENTATIVE" | "DECLINED";
}

export interface EventIcsOptions {
  /**
   * REQUEST: an invitation the guest's calendar tracks; CANCEL: it leaves that guest's calendar (they
   * no longer attend; the event itself goes on); PUBLISH: a plain file (the event with the guest's picked sessions).
   */
  method: "REQUEST" | "CANCEL" | "PUBLISH";
  /** The guest it is for, as ATTENDEE (invitations to a named address). */
  attendee?: IcsAttendee;
  /** The organizer's address when the event names no contact (the platform's sender). */
  fallbackOrganizer: string;
  /** Sessions to add as their own VEVENTs (PUBLISH only: an iTIP request carries one UID). */
  sessions?: readonly IcsSession[];
  now: number;
  uidDomain: string;
}

const utc = icsUtc;

const attendees = (a: IcsAttendee | undefined) =>
  a?.email ? [{ name: a.name, email: a.email, partstat: a.status, rsvp: a.status === "NEEDS-ACTION" }] : [];
const organizer = (event: IcsEvent_, fallback: string) => ({ name: event.contactName, email: event.contactEmail ?? fallback });
const zoned = (event: IcsEvent_, at: number) => ({ at, timeZone: event.timeZone });

function sessionEvent(
  event: IcsEvent_,
  s: IcsSession,
  opts: Pick<EventIcsOptions, "fallbackOrganizer" | "now" | "uidDomain" | "attendee">,
  cancelled: boolean,
): IcsEvent {
  return {
    uid: `${s.id}@${opts.uidDomain}`,
    sequence: s.icsSequence,
    stamp: opts.now,
    start: zoned(event, s.startsAt),
    end: zoned(event, s.endsAt),
    summary: `${s.title} (${event.title})`,
    description: s.description || null,
    location: s.room ?? event.venueName,
    organizer: organizer(event, opts.fallbackOrganizer),
    attendees: attendees(opts.attendee),
    status: cancelled ? "CANCELLED" : "CONFIRMED",
  };
}

export function eventIcs(event: IcsEvent_, opts: EventIcsOptions): string {
  const cancelled = event.status === "cancelled";
  const method = cancelled && opts.method === "REQUEST" ? "CANCEL" : opts.method;
  // A CANCEL to one guest of an event that goes on (RFC 5546 3.2.5, an attendee uninvited) keeps its STATUS.
  const main: IcsEvent = {
    uid: `${event.id}@${opts.uidDomain}`,
    sequence: event.icsSequence,
    stamp: opts.now,
    start: zoned(event, event.startsAt),
    end: zoned(event, event.endsAt),
    summary: event.title,
    description: event.description || null,
    location: event.venueName,
    organizer: organizer(event, opts.fallbackOrganizer),
    attendees: attendees(opts.attendee),
    status: cancelled ? "CANCELLED" : "CONFIRMED",
    lastModified: event.updatedAt,
  };
  const sessions =
    method === "PUBLISH" ? (opts.sessions ?? []).map((s) => sessionEvent(event, s, { ...opts, attendee: undefined }, cancelled)) : [];
  return writeIcs({ product: "Events", method, timeZone: event.timeZone }, [main, ...sessions]);
}

/**
 * One session as an iTIP message to a guest who picked it: REQUEST (picked, or changed: a higher
 * SEQUENCE replaces it) or CANCEL (deleted, dropped, or the event cancelled), with its own UID.
 */
export function sessionItip(
  event: IcsEvent_,
  session: IcsSession,
  method: "REQUEST" | "CANCEL",
  opts: Pick<EventIcsOptions, "fallbackOrganizer" | "now" | "uidDomain" | "attendee">,
): string {
  const cancelled = method === "CANCEL" || event.status === "cancelled";
  return writeIcs({ product: "Events", method: cancelled ? "CANCEL" : "REQUEST", timeZone: event.timeZone }, [
    sessionEvent(event, session, opts, cancelled),
  ]);
}

export interface IcsAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** An iTIP message as an email attachment (base64, as the outbox's EmailPayload and Resend take them). */
export function itipAttachment(filename: string, ics: string): IcsAttachment {
  const method = /\r\nMETHOD:(\w+)\r\n/.exec(ics)?.[1] ?? "PUBLISH";
  return { filename, contentType: `${ICS_CONTENT_TYPE}; method=${method}`, content: toBase64(ics) };
}

/** The host of the API's public URL: the UIDs' domain and the fallback organizer's. */
export function icsHost(config: { publicUrl: string }) {
  const host = new URL(config.publicUrl).hostname;
  return { uidDomain: host, fallbackOrganizer: `events@${host}` };
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
