import { eventSessions, events, guests, sessionSignups } from "@gatherkit/db";
import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { enqueueWhen, notify } from "../../../lib/outbox.js";
import type { Deps } from "../../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../../platform/notifications/index.js";
import type { EventRow } from "../access.js";
import { eventIcs, type IcsSession, icsHost, itipAttachment, sessionItip } from "../ics.js";

/**
 * The event's iTIP updates to its confirmed guests' calendars (RFC 5546): when the organizer
 * changes what a calendar shows (time, zone, place, title, description, contact), each confirmed
 * guest gets the event again as METHOD:REQUEST with its UID and the raised SEQUENCE; when the event
 * is cancelled, METHOD:CANCEL for it (and for each session they picked). One `notify` row per
 * change, written in the change's batch; at send time a change superseded by a later one (its
 * SEQUENCE no longer the event's) sends nothing, the later one carries the news.
 */
const KINDS = ["event_changed", "event_cancelled"] as const;
type Kind = (typeof KINDS)[number];

/** The `notify` row telling confirmed guests' calendars about `event` as written (its new `icsSequence`), when `when` holds. */
export function guestCalendarsNotified(deps: Deps, event: EventRow, kind: Kind, when: SQL): BatchItem<"sqlite"> {
  // The UIDs' domain and the fallback organizer travel with it: the deliverer has no config.
  const data = { icsSequence: event.icsSequence, ...icsHost(deps.config) };
  return enqueueWhen(deps.db, notify({ kind, subjectId: event.id, data }), when, { orgId: event.orgId, now: deps.now() });
}

function resolver(kind: Kind): NotificationResolver {
  return async (deps, orgId, n) => {
    const [event] = await deps.db
      .select()
      .from(events)
      .where(and(eq(events.id, n.subjectId), eq(events.orgId, orgId)))
      .limit(1);
    const { uidDomain, fallbackOrganizer, icsSequence } = n.data;
    if (!event || typeof uidDomain !== "string" || typeof fallbackOrganizer !== "string") return null;
    if (kind === "event_changed" && (event.status !== "published" || event.icsSequence !== icsSequence)) return null;
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
