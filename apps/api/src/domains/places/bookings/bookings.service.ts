import {
  type Booking,
  type BookingListQuery,
  bookingWindow,
  bufferMs,
  type CreateBooking,
  newId,
  type Page,
  priceFor,
} from "@gatherkit/core";
import { placeBookings, places } from "@gatherkit/db";
import { and, eq, lte, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { email, enqueueWhen } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { isStaff, loadPlace, rulesOf } from "../access.js";
import { enqueueAvailabilityChanged } from "../events.js";
import { freeCapacitySql } from "../occupancy.js";

export type BookingRow = typeof placeBookings.$inferSelect;

export function toBooking(row: BookingRow): Booking {
  return {
    id: row.id,
    placeId: row.placeId,
    status: row.status,
    start: toIso(row.startsAt),
    end: toIso(row.endsAt),
    price: { amount: row.price, currency: row.currency },
    vehiclePlate: row.vehiclePlate,
    contact: { name: row.contactName, email: row.contactEmail, phone: row.contactPhone },
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    cancelledAt: toIso(row.cancelledAt),
    completedAt: toIso(row.completedAt),
  };
}

/**
 * The booking's insert, written only if `when` holds as it runs. `createBooking` passes the
 * capacity guard; the concurrency test's control passes an always-true guard to show that its
 * sweep catches an overbooking.
 */
export function bookingInsert(deps: Deps, row: BookingRow, when: SQL) {
  return insertWhen(deps.db, placeBookings, row, when).returning({ id: placeBookings.id });
}

/** "At every instant of [start, occupiedUntil) the place (still active) has a spot free", as of the statement. */
export const hasFreeSpot = (placeId: string, start: number, occupiedUntil: number): SQL =>
  sql`coalesce(${freeCapacitySql(placeId, start, occupiedUntil)}, 0) >= 1`;

const when = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));

/** The email to the booking's contact, written with the change (the notifications platform sends it). */
function bookingEmail(b: BookingRow, place: { name: string; timeZone: string }, what: "confirmed" | "cancelled") {
  if (!b.contactEmail) return undefined;
  const window = `${when(b.startsAt, place.timeZone)} – ${when(b.endsAt, place.timeZone)} (${place.timeZone})`;
  return email({
    to: b.contactEmail,
    subject: what === "confirmed" ? `Booking confirmed: ${place.name}` : `Booking cancelled: ${place.name}`,
    text:
      what === "confirmed"
        ? `Hello ${b.contactName}, your booking at ${place.name} is confirmed for ${window}. Reference: ${b.id}.`
        : `Hello ${b.contactName}, your booking at ${place.name} for ${window} is cancelled. Reference: ${b.id}.`,
    template: what === "confirmed" ? "place_booking_confirmed" : "place_booking_cancelled",
    data: {
      bookingId: b.id,
      placeId: b.placeId,
      start: toIso(b.startsAt),
      end: toIso(b.endsAt),
      price: b.price,
      currency: b.currency,
      phone: b.contactPhone,
    },
  });
}

/**
 * Books a place. The rules (opening hours, lead time, horizon, slot grid) are checked on the
 * place as read; capacity is checked by the write itself: one guarded INSERT that counts, in the
 * writing transaction, the bookings overlapping at each instant of the window, so concurrent
 * bookings can never put more than `capacity` at any instant (libSQL and D1 alike, no
 * interactive transaction). The room's message and the confirmation email are in the same batch,
 * written only if the booking was.
 */
export async function createBooking(deps: Deps, caller: Caller | null, input: CreateBooking): Promise<Booking> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  const place = await loadPlace(deps, caller, input.placeId);
  if (!place.active) throw new ApiError(422, "place_inactive", "This place is not taking bookings.");
  const rules = rulesOf(place);
  const now = deps.now();
  const w = bookingWindow(rules, { start: fromIso(input.start), durationMinutes: input.durationMinutes }, now);
  const row: BookingRow = {
    id: newId("booking"),
    orgId: place.orgId,
    placeId: place.id,
    status: "confirmed",
    startsAt: w.start,
    endsAt: w.end,
    occupiedUntil: w.end + bufferMs(rules),
    price: priceFor(rules, w),
    currency: rules.pricing.currency,
    vehiclePlate: input.vehiclePlate ?? null,
    contactName: input.contact.name,
    contactEmail: input.contact.email ?? null,
    contactPhone: input.contact.phone ?? null,
    participantId: who.kind === "participant" ? who.participantId : null,
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    completedAt: null,
  };
  const mail = bookingEmail(row, place, "confirmed");
  const insert = bookingInsert(deps, row, hasFreeSpot(place.id, row.startsAt, row.occupiedUntil));
  const statements: [typeof insert, ...BatchItem<"sqlite">[]] = [
    insert,
    enqueueAvailabilityChanged(deps, { ...bookingRef(row), change: "booked" }, previousStatementChanged),
    ...(mail ? [enqueueWhen(deps.db, mail, previousStatementChanged, { orgId: row.orgId, now })] : []),
  ];
  return guardedWrite(deps, statements, {
    written: ([inserted]) => (inserted.length > 0 ? toBooking(row) : undefined),
    explain: async () => {
      const [now] = await deps.db.select({ active: places.active }).from(places).where(eq(places.id, place.id)).limit(1);
      if (!now?.active) throw new ApiError(422, "place_inactive", "This place is not taking bookings.");
      throw new ApiError(409, "place_full", "No spot is free for the whole window: pick another time or place.");
    },
  });
}

const bookingRef = (b: BookingRow) => ({
  orgId: b.orgId,
  placeId: b.placeId,
  bookingId: b.id,
  start: b.startsAt,
  end: b.endsAt,
  occupiedUntil: b.occupiedUntil,
});

/** The booking if the caller may see it: staff of its organization, or the participant who booked it. */
async function loadBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<{ booking: BookingRow; staff: boolean }> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant");
  const [booking] = await deps.db
    .select()
    .from(placeBookings)
    .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.orgId, who.orgId)))
    .limit(1);
  if (!booking) throw notFound("Booking");
  if (isStaff(who)) return { booking, staff: true };
  if (booking.participantId !== who.participantId) throw notFound("Booking");
  return { booking, staff: false };
}

export async function getBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<Booking> {
  return toBooking((await loadBooking(deps, caller, bookingId)).booking);
}

export async function listBookings(deps: Deps, caller: Caller | null, query: BookingListQuery): Promise<Page<Booking>> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant");
  return paginate(
    placeBookings,
    query,
    (p) =>
      deps.db
        .select()
        .from(placeBookings)
        .where(
          and(
            eq(placeBookings.orgId, who.orgId),
            who.kind === "participant" ? eq(placeBookings.participantId, who.participantId) : undefined,
            query.placeId ? eq(placeBookings.placeId, query.placeId) : undefined,
            query.status ? eq(placeBookings.status, query.status) : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toBooking,
  );
}

const notConfirmed = (b: { status: string }) =>
  new ApiError(409, "invalid_booking_transition", `The booking is ${b.status}; only a confirmed booking can change.`);

/** Reads the booking again after a guarded write let nothing through, and says why. */
async function explainBooking(deps: Deps, bookingId: string, check: (b: BookingRow) => void): Promise<never> {
  const [b] = await deps.db.select().from(placeBookings).where(eq(placeBookings.id, bookingId)).limit(1);
  if (!b) throw notFound("Booking");
  if (b.status !== "confirmed") throw notConfirmed(b);
  check(b);
  throw conflict("The booking changed meanwhile; try again.");
}

export async function cancelBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<Booking> {
  const { booking, staff } = await loadBooking(deps, caller, bookingId);
  if (booking.status !== "confirmed") throw notConfirmed(booking);
  const now = deps.now();
  if (!staff && booking.startsAt <= now) {
    throw new ApiError(422, "invalid_booking_transition", "The booking has started; ask the place to cancel it.");
  }
  const [place] = await deps.db.select({ name: places.name, timeZone: places.timeZone }).from(places).where(eq(places.id, booking.placeId));
  const cancelled: BookingRow = { ...booking, status: "cancelled", cancelledAt: now, updatedAt: now };
  const mail = place ? bookingEmail(cancelled, place, "cancelled") : undefined;
  const update = deps.db
    .update(placeBookings)
    .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
    .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.status, "confirmed")))
    .returning({ id: placeBookings.id });
  const statements: [typeof update, ...BatchItem<"sqlite">[]] = [
    update,
    enqueueAvailabilityChanged(deps, { ...bookingRef(booking), change: "cancelled" }, previousStatementChanged),
    ...(mail ? [enqueueWhen(deps.db, mail, previousStatementChanged, { orgId: booking.orgId, now })] : []),
  ];
  return guardedWrite(deps, statements, {
    written: ([updated]) => (updated.length > 0 ? toBooking(cancelled) : undefined),
    explain: () => explainBooking(deps, bookingId, () => {}),
  });
}

export async function completeBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<Booking> {
  const { booking } = await loadBooking(deps, caller, bookingId);
  const now = deps.now();
  const notEnded = () => new ApiError(422, "booking_not_ended", "A booking is completed after its end.");
  if (booking.status !== "confirmed") throw notConfirmed(booking);
  if (booking.endsAt > now) throw notEnded();
  const completed: BookingRow = { ...booking, status: "completed", completedAt: now, updatedAt: now };
  return guardedWrite(
    deps,
    [
      deps.db
        .update(placeBookings)
        .set({ status: "completed", completedAt: now, updatedAt: now })
        .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.status, "confirmed"), lte(placeBookings.endsAt, now)))
        .returning({ id: placeBookings.id }),
    ],
    {
      written: ([updated]) => (updated.length > 0 ? toBooking(completed) : undefined),
      explain: () =>
        explainBooking(deps, bookingId, (b) => {
          if (b.endsAt > now) throw notEnded();
        }),
    },
  );
}
