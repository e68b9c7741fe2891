import { eventRsvp, events } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
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
