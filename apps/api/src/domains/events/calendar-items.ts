import { eventRsvp, eventSessions, events, guests, sessionSignups } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import type { Deps } from "../../lib/types.js";

/** What another domain may put on a calendar for a ticketed event: its state, times and headcount. */
export interface EventCalendarItem {
  eventId: string;
  title: string;
  description: string;
  status: "draft" | "published" | "unpublished" | "cancelled";
  timeZone: string;
  venue: string | null;
  startsAt: number;
  endsAt: number;
  /** Guests who said yes, plus their plus-ones (the RSVP headcount); null when the event takes no RSVPs. */
  going: number | null;
}

/**
 * The event of organization `orgId` as a calendar item (for the calendars domain's sync rules), or
 * null when there is no such event. Reads only; the caller decides what to do with each state.
 */
export async function eventCalendarItem(deps: Pick<Deps, "db">, orgId: string, eventId: string): Promise<EventCalendarItem | null> {
  const [row] = await deps.db
    .select({ event: events, going: eventRsvp.seatsUsed })
    .from(events)
    .leftJoin(eventRsvp, eq(eventRsvp.eventId, events.id))
    .where(and(eq(events.id, eventId), eq(events.orgId, orgId)))
    .limit(1);
  if (!row) return null;
  const e = row.event;
  const where = [e.venueName, e.address?.line1, e.address?.city].filter(Boolean).join(", ");
  return {
    eventId: e.id,
    title: e.title,
    description: e.description,
    status: e.status,
    timeZone: e.timeZone,
    venue: where || null,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    going: row.going,
  };
}

/** An agenda session as a calendar item. */
export interface SessionCalendarItem {
  id: string;
  title: string;
  description: string;
  room: string | null;
  startsAt: number;
  endsAt: number;
  createdAt: number;
  updatedAt: number;
}

/** Most sessions one schedule read returns. */
export const SCHEDULE_MAX_SESSIONS = 500;

/** An event with its times of change, for feeds (SEQUENCE, LAST-MODIFIED). */
export type EventScheduleItem = EventCalendarItem & { createdAt: number; updatedAt: number };

async function scheduleEvent(deps: Pick<Deps, "db">, orgId: string, eventId: string): Promise<EventScheduleItem | null> {
  const item = await eventCalendarItem(deps, orgId, eventId);
  if (!item) return null;
  const [times] = await deps.db
    .select({ createdAt: events.createdAt, updatedAt: events.updatedAt })
    .from(events)
    .where(eq(events.id, eventId));
  return { ...item, createdAt: times?.createdAt ?? 0, updatedAt: times?.updatedAt ?? 0 };
}

const sessionColumns = {
  id: eventSessions.id,
  title: eventSessions.title,
  description: eventSessions.description,
  room: eventSessions.room,
  startsAt: eventSessions.startsAt,
  endsAt: eventSessions.endsAt,
  createdAt: eventSessions.createdAt,
  updatedAt: eventSessions.updatedAt,
};

/** The event of organization `orgId` with its agenda (soonest first), for a calendar feed; null when there is none. */
export async function eventSchedule(
  deps: Pick<Deps, "db">,
  orgId: string,
  eventId: string,
): Promise<{ event: EventScheduleItem; sessions: SessionCalendarItem[] } | null> {
  const event = await scheduleEvent(deps, orgId, eventId);
  if (!event) return null;
  const sessions = await deps.db
    .select(sessionColumns)
    .from(eventSessions)
    .where(eq(eventSessions.eventId, eventId))
    .orderBy(asc(eventSessions.startsAt), asc(eventSessions.id))
    .limit(SCHEDULE_MAX_SESSIONS);
  return { event, sessions };
}

/** A guest of organization `orgId`: their event and the sessions they signed up for; null when there is no such guest. */
export async function guestSchedule(
  deps: Pick<Deps, "db">,
  orgId: string,
  guestId: string,
): Promise<{ guest: { id: string; name: string; status: string }; event: EventScheduleItem; sessions: SessionCalendarItem[] } | null> {
  const [guest] = await deps.db
    .select({ id: guests.id, name: guests.name, status: guests.status, eventId: guests.eventId })
    .from(guests)
    .where(and(eq(guests.id, guestId), eq(guests.orgId, orgId)))
    .limit(1);
  if (!guest) return null;
  const event = await scheduleEvent(deps, orgId, guest.eventId);
  if (!event) return null;
  const sessions = await deps.db
    .select(sessionColumns)
    .from(sessionSignups)
    .innerJoin(eventSessions, eq(eventSessions.id, sessionSignups.sessionId))
    .where(eq(sessionSignups.guestId, guestId))
    .orderBy(asc(eventSessions.startsAt), asc(eventSessions.id))
    .limit(SCHEDULE_MAX_SESSIONS);
  return { guest: { id: guest.id, name: guest.name, status: guest.status }, event, sessions };
}
