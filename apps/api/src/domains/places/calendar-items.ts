import { placeBookings, places } from "@gatherkit/db";
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import type { Deps } from "../../lib/types.js";

/** What another domain may put on a calendar for a place: its name and its bookings that hold (confirmed or completed). */
export interface PlaceCalendarItems {
  placeId: string;
  name: string;
  timeZone: string;
  address: string;
  /** The bookings asked for (or the upcoming ones) with their state; only `holds` ones belong on a calendar. */
  bookings: {
    id: string;
    holds: boolean;
    startsAt: number;
    endsAt: number;
    contactName: string;
    vehiclePlate: string | null;
    createdAt: number;
    updatedAt: number;
  }[];
}

/** Most upcoming bookings one full sync of a place reads. */
export const PLACE_SYNC_MAX_BOOKINGS = 500;

/**
 * The place of organization `orgId` with the bookings `ids` (whatever their state), or, without
 * `ids`, its bookings that end from `from` on (at most PLACE_SYNC_MAX_BOOKINGS, soonest first).
 * Null when there is no such place. Reads only.
 */
export async function placeCalendarItems(
  deps: Pick<Deps, "db">,
  orgId: string,
  placeId: string,
  select: { ids: string[] } | { from: number },
): Promise<PlaceCalendarItems | null> {
  const [place] = await deps.db
    .select()
    .from(places)
    .where(and(eq(places.id, placeId), eq(places.orgId, orgId)))
    .limit(1);
  if (!place) return null;
  if ("ids" in select && select.ids.length === 0) return { ...placeOf(place), bookings: [] };
  const rows = await deps.db
    .select()
    .from(placeBookings)
    .where(
      and(
        eq(placeBookings.placeId, placeId),
        "ids" in select ? inArray(placeBookings.id, select.ids) : gte(placeBookings.endsAt, select.from),
      ),
    )
    .orderBy(asc(placeBookings.startsAt), asc(placeBookings.id))
    .limit(PLACE_SYNC_MAX_BOOKINGS);
  return {
    ...placeOf(place),
    bookings: rows.map((b) => ({
      id: b.id,
      holds: b.status === "confirmed" || b.status === "completed",
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      contactName: b.contactName,
      vehiclePlate: b.vehiclePlate,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    })),
  };
}

const placeOf = (p: typeof places.$inferSelect) => ({
  placeId: p.id,
  name: p.name,
  timeZone: p.timeZone,
  address: [p.address.line1, p.address.city].filter(Boolean).join(", "),
});
