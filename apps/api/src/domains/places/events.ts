import { newId } from "@gatherkit/core";
import { outbox, places } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import { insertWhen } from "../../lib/guarded-insert.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { placeRoom } from "./access.js";
import { freeCapacitySql } from "./occupancy.js";

/**
 * The outbox row telling a place's room that a booking changed its availability
 * (`place.availability_changed`), written only when `when` holds (put it right after the
 * booking's conditional write, with `previousStatementChanged`). The free capacity in it is
 * computed by the same statement, inside the writing transaction, so the room's messages, sent
 * in commit order, always carry the count as of their own commit. (That is why this builds the
 * realtime payload as SQL rather than through lib/outbox's `realtime()`, which takes a value;
 * the row is otherwise the same: kind `realtime`, `{ room, event }`.)
 */
export function enqueueAvailabilityChanged(
  deps: Deps,
  b: {
    orgId: string;
    placeId: string;
    bookingId: string;
    start: number;
    end: number;
    occupiedUntil: number;
    change: "booked" | "cancelled";
  },
  when: SQL,
) {
  const now = deps.now();
  const free = freeCapacitySql(b.placeId, b.start, b.occupiedUntil, now);
  const capacity = sql`(SELECT ${places.capacity} FROM ${places} WHERE ${places.id} = ${b.placeId})`;
  const data = sql`json_object('placeId', ${b.placeId}, 'bookingId', ${b.bookingId}, 'change', ${b.change}, 'start', ${toIso(b.start)}, 'end', ${toIso(b.end)}, 'capacity', ${capacity}, 'freeCapacity', max(0, coalesce(${free}, 0)))`;
  const payload = sql`json_object('room', ${placeRoom(b.placeId)}, 'event', json_object('type', 'place.availability_changed', 'data', ${data}))`;
  return insertWhen(
    deps.db,
    outbox,
    {
      id: newId("outbox"),
      orgId: b.orgId,
      kind: "realtime",
      payload,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      orderKey: placeRoom(b.placeId),
    },
    when,
  );
}

/** What `enqueueAvailabilityChanged` needs of a booking row. */
export const bookingRef = (b: { orgId: string; placeId: string; id: string; startsAt: number; endsAt: number; occupiedUntil: number }) => ({
  orgId: b.orgId,
  placeId: b.placeId,
  bookingId: b.id,
  start: b.startsAt,
  end: b.endsAt,
  occupiedUntil: b.occupiedUntil,
});
