import { eventSessions, events, guests, sessionSignups } from "@gatherkit/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { previousStatementChanged } from "../../../lib/guarded-insert.js";
import { email, enqueueWhen, notify } from "../../../lib/outbox.js";
import type { Deps } from "../../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../../platform/notifications/index.js";
import type { EventRow } from "../access.js";
import { eventIcs, type IcsAttendee, type IcsSession, icsHost, itipAttachment, sessionItip } from "../ics.js";

/**
 * The event's iTIP updates to its confirmed guests' calendars (RFC 5546): when the organizer
 * changes what a calendar shows (time, zone, place, title, description, contact), each confirmed
 * guest gets the event again as METHOD:REQUEST with its UID and the raised SEQUENCE; when the event
 * is cancelled, METHOD:CANCEL for it (and for each session they picked). One `notify` row per
 * change, written in the change's batch; at send time a change superseded by a later one (what a
 * calendar shows of the event no longer as this change wrote it) sends nothing, the later one
 * carries the news. Each is sent with the event's SEQUENCE as it is then (a guest leaving raises
 * it too, see `guestCalendarWithdrawn`).
 */
const KINDS = ["event_changed", "event_cancelled"] as const;
type Kind = (typeof KINDS)[number];

/** What a guest's calendar shows of an event: a change of any of these is news to it. */
export const CALENDAR_FIELDS = [
  "title",
  "description",
  "venueName",
  "timeZone",
  "startsAt",
  "endsAt",
  "contactName",
  "contactEmail",
] as const;
const calendarOf = (event: Pick<EventRow, (typeof CALENDAR_FIELDS)[number]>) => JSON.stringify(CALENDAR_FIELDS.map((k) => event[k]));

/** The `notify` row telling confirmed guests' calendars about `event` as written, when `when` holds. */
export function guestCalendarsNotified(deps: Deps, event: EventRow, kind: Kind, when: SQL): BatchItem<"sqlite"> {
  // The UIDs' domain and the fallback organizer travel with it: the deliverer has no config.
  const data = { icsSequence: event.icsSequence, calendar: calendarOf(event), ...icsHost(deps.config) };
  return enqueueWhen(deps.db, notify({ kind, subjectId: event.id, data }), when, { orgId: event.orgId, now: deps.now() });
}

function resolver(kind: Kind): NotificationResolver {
  return async (deps, orgId, n) => {
    const [event] = await deps.db
      .select()
      .from(events)
      .where(and(eq(events.id, n.subjectId), eq(events.orgId, orgId)))
      .limit(1);
    const { uidDomain, fallbackOrganizer, icsSequence, calendar } = n.data;
    if (!event || typeof uidDomain !== "string" || typeof fallbackOrganizer !== "string") return null;
    // Superseded: the event shows something else now (rows queued before `calendar` was written: its SEQUENCE moved on).
    const superseded = typeof calendar === "string" ? calendarOf(event) !== calendar : event.icsSequence !== icsSequence;
    if (kind === "event_changed" && (event.status !== "published" || superseded)) return null;
    if (kind === "event_cancelled" && event.status !== "cancelled") return null;
    const recipients = await deps.db
      .select({ recipientId: guests.id, email: guests.email, phone: guests.phone, name: guests.name })
      .from(guests)
      .where(and(eq(guests.eventId, event.id), eq(guests.status, "confirmed")));
    // A cancelled event takes each guest's picked sessions out of their calendar too.
    const picks =
      kind === "event_cancelled" && recipients.length > 0
        ? await deps.db
            .select({ guestId: sessionSignups.guestId, s: eventSessions })
            .from(sessionSignups)
            .innerJoin(eventSessions, eq(eventSessions.id, sessionSignups.sessionId))
            .where(
              inArray(
                sessionSignups.guestId,
                recipients.map((r) => r.recipientId),
              ),
            )
        : [];
    const at = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
    const data = { eventTitle: event.title, startsAt: `${at} (${event.timeZone})`, venue: event.venueName };
    const common = { uidDomain, fallbackOrganizer, now: deps.now() };
    return {
      recipients,
      render: (o) => {
        const r = renderNotification(kind, data, o);
        const guest = recipients.find((g) => g.recipientId === o.recipientId);
        if (!guest?.email) return { ...r, sms: r.inbox.body.slice(0, 320) };
        const attendee = { name: guest.name, email: guest.email, status: "ACCEPTED" as const };
        const sessions: IcsSession[] = picks
          .filter((p) => p.guestId === guest.recipientId)
          .map((p) => ({ ...p.s, icsSequence: p.s.icsSequence + 1 }));
        const attachments = [
          itipAttachment("invite.ics", eventIcs(event, { method: "REQUEST", attendee, ...common })),
          ...sessions
            .slice(0, 4)
            .map((s) => itipAttachment(`session-${s.id}.ics`, sessionItip(event, s, "CANCEL", { ...common, attendee }))),
        ];
        return { ...r, email: { ...r.email, attachments }, sms: r.inbox.body.slice(0, 320) };
      },
    };
  };
}

export const GUEST_CALENDAR_NOTIFICATIONS: Record<Kind, NotificationResolver> = {
  event_changed: resolver("event_changed"),
  event_cancelled: resolver("event_cancelled"),
};

/**
 * Statements taking the event, and the sessions they had picked, out of the calendar of a confirmed
 * guest who leaves it (answers no or maybe, is declined or removed), for the leaving write's batch,
 * right after the statement that must have changed something (`when`, default: it did): the
 * guest is emailed METHOD:CANCEL for the event's UID with its SEQUENCE + 1, and the stored one is
 * raised past it (so a later REQUEST, should they come back, outranks this CANCEL); for each picked
 * session's UID with its SEQUENCE raised (`releasePicks` raises the stored one in the same batch).
 * A guest without an email address never had a calendar invitation: nothing.
 */
export function guestCalendarWithdrawn(
  deps: Deps,
  event: EventRow,
  guest: { name: string; email: string | null },
  partstat: IcsAttendee["status"],
  sessions: readonly IcsSession[],
  when: SQL = previousStatementChanged,
): BatchItem<"sqlite">[] {
  if (!guest.email) return [];
  const db = deps.db;
  const common = { ...icsHost(deps.config), now: deps.now(), attendee: { name: guest.name, email: guest.email, status: partstat } };
  const attachments = [
    itipAttachment("invite.ics", eventIcs({ ...event, icsSequence: event.icsSequence + 1 }, { method: "CANCEL", ...common })),
    ...sessions
      .slice(0, 4)
      .map((s) => itipAttachment(`session-${s.id}.ics`, sessionItip(event, { ...s, icsSequence: s.icsSequence + 1 }, "CANCEL", common))),
  ];
  const on = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
  return [
    db
      .update(events)
      // Past the CANCEL's (+1): any REQUEST sent from now on, to this guest if they come back, outranks it.
      .set({ icsSequence: sql`${events.icsSequence} + 2` })
      .where(and(eq(events.id, event.id), when)),
    enqueueWhen(
      db,
      email({
        to: guest.email,
        subject: `No longer in your calendar: ${event.title}`,
        text: `Hello ${guest.name},\n\nYou no longer have a confirmed place at ${event.title} on ${on} (${event.timeZone}). The attached update takes it, and the sessions you picked, out of your calendar.\n`,
        attachments,
        template: "rsvp_calendar_cancelled",
        data: { eventId: event.id },
      }),
      previousStatementChanged,
      { orgId: event.orgId, now: deps.now() },
    ),
  ];
}
