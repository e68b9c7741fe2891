import {
  type Booking,
  type BookingListQuery,
  type BookingQuote,
  bookingWindow,
  bufferMs,
  type CreateBooking,
  type ExtendBooking,
  freeCapacity,
  isOpenThroughout,
  MAX_WINDOW_DAYS,
  newId,
  type Page,
  priceFor,
  type QuoteRequest,
} from "@gatherkit/core";
import { participants, placeBookings, places } from "@gatherkit/db";
import { and, eq, gt, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { toE164 } from "../../../platform/notifications/index.js";
import { isStaff, loadPlace, type PlaceRow, rulesOf } from "../access.js";
import { bookingRef, enqueueAvailabilityChanged } from "../events.js";
import { enqueueBookingMessages, reminderDueAt } from "../messages.js";
import { freeCapacitySql, occupiedWindows } from "../occupancy.js";
import { expireBooking, settleRefund } from "../payments.js";
import { quotedPrice, signQuote } from "../quotes.js";
import { bookerAccess, openBookingPayment, openExtensionPayment, resumedBooking } from "./bookings.payment.js";
import { type BookingRow, toBooking } from "./bookings.shape.js";

/**
 * The booking's insert, written only if `when` holds as it runs. `createBooking` passes the
 * capacity guard; the concurrency test's control passes an always-true guard to show that its
 * sweep catches an overbooking.
 */
export function bookingInsert(deps: Deps, row: BookingRow, when: SQL) {
  return insertWhen(deps.db, placeBookings, row, when).returning({ id: placeBookings.id });
}

/** "At every instant of [start, occupiedUntil) the place (still active) has a spot free", as of the statement (at `now`). */
export const hasFreeSpot = (placeId: string, start: number, occupiedUntil: number, now: number, exceptId?: string): SQL =>
  sql`coalesce(${freeCapacitySql(placeId, start, occupiedUntil, now, exceptId)}, 0) >= 1`;

/** A phone as sent, checked to be a real number (libphonenumber-js) and normalised to E.164; 422 `invalid_phone` if not. */
function validPhone(phone: string | undefined): string | null {
  if (phone === undefined) return null;
  const e164 = toE164(phone);
  if (!e164) throw new ApiError(422, "invalid_phone", "contact.phone is not a valid phone number (E.164, such as +351912345678).");
  return e164;
}

/** A new booking's payment, reminder and extension columns: nothing paid, sent or pending yet. */
export const UNPAID = {
  holdExpiresAt: null,
  paymentIntentId: null,
  paidAt: null,
  paidAmount: 0,
  amountRefunded: 0,
  refundPending: 0,
  reminderDueAt: null,
  reminderSentAt: null,
  extensionEndsAt: null,
  extensionOccupiedUntil: null,
  extensionPrice: null,
  extensionExpiresAt: null,
  extensionPaymentIntentId: null,
} satisfies Partial<BookingRow>;

/** Whether bookings of this place at this price are paid online (pending_payment first). */
const paidOnline = (place: PlaceRow, price: number) => place.onlinePayment && price > 0;

/**
 * Books a place. The rules (opening hours, lead time, horizon, slot grid) are checked on the
 * place as read; capacity is checked by the write itself: one guarded INSERT that counts, in the
 * writing transaction, the bookings holding a spot at each instant of the window, so concurrent
 * bookings can never put more than `capacity` at any instant (libSQL and D1 alike, no
 * interactive transaction). The room's message and the confirmation email and SMS are in the
 * same batch, written only if the booking was.
 *
 * A place with online payment: a priced booking is `pending_payment`, holding its spot until
 * `holdExpiresAt`, and a PaymentIntent is opened for it (the webhook confirms it). A site's
 * visitor (publishable key) gets a participant token for the booking in the answer (`access`):
 * the participant is inserted under the same capacity guard, so a refused booking leaves no
 * participant behind.
 */
export async function createBooking(deps: Deps, caller: Caller | null, input: CreateBooking): Promise<Booking> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  const place = await loadPlace(deps, caller, input.placeId);
  const now = deps.now();
  const resumed = await resumedBooking(deps, place.id, now);
  if (resumed) return openBookingPayment(deps, place, resumed, who.kind === "publishable_key");
  if (!place.active) throw new ApiError(422, "place_inactive", "This place is not taking bookings.");
  const rules = rulesOf(place);
  const w = bookingWindow(rules, { start: fromIso(input.start), durationMinutes: input.durationMinutes }, now);
  const phone = validPhone(input.contact.phone);
  const price = input.quote ? await quotedPrice(deps.config, input.quote, place.id, w, rules.pricing.currency, now) : priceFor(rules, w);
  const online = paidOnline(place, price);
  const visitor = who.kind === "publishable_key";
  const participantId = who.kind === "participant" ? who.participantId : visitor ? newId("participant") : null;
  const row: BookingRow = {
    id: newId("booking"),
    orgId: place.orgId,
    placeId: place.id,
    status: online ? "pending_payment" : "confirmed",
    startsAt: w.start,
    endsAt: w.end,
    occupiedUntil: w.end + bufferMs(rules),
    price,
    currency: rules.pricing.currency,
    vehiclePlate: input.vehiclePlate ?? null,
    contactName: input.contact.name,
    contactEmail: input.contact.email ?? null,
    contactPhone: phone,
    participantId,
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    completedAt: null,
    ...UNPAID,
    holdExpiresAt: online ? now + place.paymentHoldMinutes * 60_000 : null,
  };
  row.reminderDueAt = reminderDueAt(row, now);
  const guard = hasFreeSpot(place.id, row.startsAt, row.occupiedUntil, now);
  const booker =
    visitor && participantId
      ? insertWhen(
          deps.db,
          participants,
          { id: participantId, orgId: place.orgId, externalId: null, name: row.contactName, email: row.contactEmail, createdAt: now },
          guard,
        )
      : undefined;
  // A booking paid on the spot is this one write: its answer (with a visitor's token) is known
  // before it and sealed with it, answered only if the capacity guard let it in. One paid online
  // writes again once its payment is open: this write is the point a retry after a crash resumes
  // from (above), and the second seals the answer.
  // (One paid online gets its token with the answer `openBookingPayment` builds, not here.)
  const access = !online && visitor && participantId ? await bookerAccess(deps, row, participantId) : undefined;
  const written = sql`EXISTS (SELECT 1 FROM ${placeBookings} WHERE ${placeBookings.id} = ${row.id})`;
  if (online) resumeOnCommit(deps, row.id, written);
  else answerOnCommit(deps, 201, toBooking(row, { access }), written);
  const insert = bookingInsert(deps, row, guard);
  const statements: [typeof insert, ...BatchItem<"sqlite">[]] = [
    insert,
    enqueueAvailabilityChanged(deps, { ...bookingRef(row), change: "booked" }, previousStatementChanged),
    ...(online ? [] : enqueueBookingMessages(deps, row, place, "confirmed", previousStatementChanged)),
  ];
  const created = await guardedWrite(deps, booker ? ([booker, ...statements] as const) : statements, {
    written: (results) => ((results.at(booker ? 1 : 0) as { id: string }[]).length > 0 ? row : undefined),
    explain: async () => {
      const [current] = await deps.db.select({ active: places.active }).from(places).where(eq(places.id, place.id)).limit(1);
      if (!current?.active) throw new ApiError(422, "place_inactive", "This place is not taking bookings.");
      throw new ApiError(409, "place_full", "No spot is free for the whole window: pick another time or place.");
    },
  });
  if (!online) return toBooking(created, { access });
  return openBookingPayment(deps, place, created, visitor);
}

/**
 * A quote: the window and price a booking of `input` would get (the same rules as a booking: 422
 * `place_closed`, `booking_too_late`, …), its free capacity as of now, and a token that makes a
 * booking of that window honour the price for QUOTE_VALIDITY_MINUTES.
 */
export async function quoteBooking(deps: Deps, caller: Caller | null, placeId: string, input: QuoteRequest): Promise<BookingQuote> {
  const place = await loadPlace(deps, caller, placeId);
  if (!place.active) throw new ApiError(422, "place_inactive", "This place is not taking bookings.");
  const rules = rulesOf(place);
  const now = deps.now();
  const w = bookingWindow(rules, { start: fromIso(input.start), durationMinutes: input.durationMinutes }, now);
  const amount = priceFor(rules, w);
  const held = { start: w.start, end: w.end + bufferMs(rules) };
  const occupied = await occupiedWindows(deps.db, place.id, held.start, held.end, now);
  const { token, expiresAt } = await signQuote(
    deps.config,
    { placeId: place.id, start: w.start, end: w.end, amount, currency: rules.pricing.currency },
    now,
  );
  return {
    placeId: place.id,
    start: toIso(w.start),
    end: toIso(w.end),
    price: { amount, currency: rules.pricing.currency },
    freeCapacity: freeCapacity(place.capacity, occupied, held),
    expiresAt: toIso(expiresAt),
    token,
  };
}

/**
 * The booking if the caller may see it: staff of its organization, or the participant who booked
 * it (a visitor's booking token is such a participant). An unpaid booking whose hold ran out is
 * expired first, so the answer says so.
 */
async function loadBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<{ booking: BookingRow; staff: boolean }> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "participant");
  const read = async () => {
    const [row] = await deps.db
      .select()
      .from(placeBookings)
      .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.orgId, who.orgId)))
      .limit(1);
    return row;
  };
  let booking = await read();
  if (!booking) throw notFound("Booking");
  if (!isStaff(who) && booking.participantId !== who.participantId) throw notFound("Booking");
  if (booking.status === "pending_payment" && (booking.holdExpiresAt ?? 0) <= deps.now()) {
    await expireBooking(deps, booking, "expired");
    booking = (await read()) ?? booking;
  }
  return { booking, staff: isStaff(who) };
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
            query.from ? gt(placeBookings.endsAt, fromIso(query.from)) : undefined,
            query.to ? lt(placeBookings.startsAt, fromIso(query.to)) : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => toBooking(row),
  );
}

const notConfirmed = (b: { status: string }) =>
  new ApiError(409, "invalid_booking_transition", `The booking is ${b.status}; only a confirmed booking can change.`);

/** Reads the booking again after a guarded write let nothing through, and says why. */
async function explainBooking(
  deps: Deps,
  bookingId: string,
  check: (b: BookingRow) => void,
  statuses: readonly BookingRow["status"][] = ["confirmed"],
): Promise<never> {
  const [b] = await deps.db.select().from(placeBookings).where(eq(placeBookings.id, bookingId)).limit(1);
  if (!b) throw notFound("Booking");
  if (!statuses.includes(b.status)) throw notConfirmed(b);
  check(b);
  throw conflict("The booking changed meanwhile; try again.");
}

async function placeOf(deps: Deps, placeId: string) {
  const [place] = await deps.db
    .select({
      name: places.name,
      timeZone: places.timeZone,
      freeCancellationMinutes: places.freeCancellationMinutes,
      lateRefundPercent: places.lateRefundPercent,
    })
    .from(places)
    .where(eq(places.id, placeId));
  if (!place) throw notFound("Place");
  return place;
}

/**
 * What a cancellation refunds of what the booking's own payment paid (an extension's difference
 * is kept): everything when staff cancel or the booker cancels at least `freeCancellationMinutes`
 * before the start; `lateRefundPercent` of it later.
 */
export function refundFor(
  b: Pick<BookingRow, "paidAmount" | "amountRefunded" | "startsAt">,
  policy: { freeCancellationMinutes: number; lateRefundPercent: number },
  staff: boolean,
  now: number,
): number {
  const refundable = b.paidAmount - b.amountRefunded;
  if (refundable <= 0) return 0;
  if (staff || now <= b.startsAt - policy.freeCancellationMinutes * 60_000) return refundable;
  return Math.floor((refundable * policy.lateRefundPercent) / 100);
}

/**
 * Cancels a confirmed or unpaid booking: by staff at any time, by its booker before it starts.
 * Its spot is free at once. A paid booking is refunded per the place's cancellation policy: the
 * amount is written with the cancellation (`refund_pending`), then asked of the provider
 * (idempotently keyed by the booking); if the provider cannot be reached, the sweep retries.
 * Pending reminders die with the booking (the sweep sends only for confirmed bookings).
 */
export async function cancelBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<Booking> {
  const { booking, staff } = await loadBooking(deps, caller, bookingId);
  // Two steps (the cancellation, then its refund asked of the provider): the retry of a request
  // that died after the first carries on from it (the refund is keyed, so asked once).
  if (resumedFrom(deps) === booking.id) return cancelled(deps, booking);
  if (booking.status !== "confirmed" && booking.status !== "pending_payment") throw notConfirmed(booking);
  const now = deps.now();
  if (!staff && booking.startsAt <= now) {
    throw new ApiError(422, "invalid_booking_transition", "The booking has started; ask the place to cancel it.");
  }
  const place = await placeOf(deps, booking.placeId);
  const refund = booking.status === "confirmed" ? refundFor(booking, place, staff, now) : 0;
  const next: BookingRow = {
    ...booking,
    status: "cancelled",
    cancelledAt: now,
    updatedAt: now,
    refundPending: booking.refundPending + refund,
    extensionEndsAt: null,
    extensionOccupiedUntil: null,
    extensionPrice: null,
    extensionExpiresAt: null,
  };
  const update = deps.db
    .update(placeBookings)
    .set({
      status: "cancelled",
      cancelledAt: now,
      updatedAt: now,
      refundPending: sql`${placeBookings.refundPending} + ${refund}`,
      extensionEndsAt: null,
      extensionOccupiedUntil: null,
      extensionPrice: null,
      extensionExpiresAt: null,
    })
    .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.status, booking.status), eq(placeBookings.updatedAt, booking.updatedAt)))
    .returning({ id: placeBookings.id });
  const statements: [typeof update, ...BatchItem<"sqlite">[]] = [
    update,
    enqueueAvailabilityChanged(deps, { ...bookingRef(booking), change: "cancelled" }, previousStatementChanged),
    ...enqueueBookingMessages(deps, next, place, "cancelled", previousStatementChanged),
  ];
  resumeOnCommit(
    deps,
    booking.id,
    sql`EXISTS (SELECT 1 FROM ${placeBookings} WHERE ${placeBookings.id} = ${booking.id} AND ${placeBookings.status} = 'cancelled' AND ${placeBookings.cancelledAt} = ${now})`,
  );
  const done = await guardedWrite(deps, statements, {
    written: ([updated]) => (updated.length > 0 ? next : undefined),
    explain: () => explainBooking(deps, bookingId, () => {}, ["confirmed", "pending_payment"]),
  });
  return cancelled(deps, done);
}

/** A cancelled booking's answer, once its refund (if any) was asked of the provider. */
async function cancelled(deps: Deps, done: BookingRow): Promise<Booking> {
  if (done.refundPending > 0) await settleRefund(deps, done);
  const [fresh] = await deps.db.select().from(placeBookings).where(eq(placeBookings.id, done.id));
  return toBooking(fresh ?? done);
}

export async function completeBooking(deps: Deps, caller: Caller | null, bookingId: string): Promise<Booking> {
  const { booking } = await loadBooking(deps, caller, bookingId);
  const now = deps.now();
  const notEnded = () => new ApiError(422, "booking_not_ended", "A booking is completed after its end.");
  if (booking.status !== "confirmed") throw notConfirmed(booking);
  if (booking.endsAt > now) throw notEnded();
  const completed: BookingRow = { ...booking, status: "completed", completedAt: now, updatedAt: now };
  answerOnCommit(
    deps,
    200,
    toBooking(completed),
    sql`EXISTS (SELECT 1 FROM ${placeBookings} WHERE ${placeBookings.id} = ${booking.id} AND ${placeBookings.status} = 'completed' AND ${placeBookings.completedAt} = ${now})`,
  );
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

/** No extension is waiting for its payment (or its hold ran out). */
const noPendingExtension = (now: number) => or(isNull(placeBookings.extensionExpiresAt), lte(placeBookings.extensionExpiresAt, now));

/**
 * The guarded UPDATE of an extension: from the end the caller read (so of two concurrent
 * extensions of one booking one wins), with `guard` as the capacity condition. `set` either moves
 * the end (applied at once) or holds the extra time for a payment. Exported so the concurrency
 * test's control can pass an always-true guard.
 */
export function extensionUpdate(deps: Deps, b: BookingRow, set: Partial<BookingRow>, guard: SQL) {
  const now = deps.now();
  return deps.db
    .update(placeBookings)
    .set({ ...set, updatedAt: now })
    .where(
      and(
        eq(placeBookings.id, b.id),
        eq(placeBookings.status, "confirmed"),
        eq(placeBookings.endsAt, b.endsAt),
        noPendingExtension(now),
        guard,
      ),
    )
    .returning();
}

/**
 * Extends a confirmed booking of a place booked by the hour to a later end, if a spot stays free
 * for the extra time: the capacity is checked by the UPDATE itself, against the other bookings
 * holding a spot in [current occupied-until, new occupied-until), so concurrent extensions and
 * bookings never overbook. Without online payment (or when the price does not rise) the end
 * moves at once; otherwise the extra time is held for the place's payment hold and a
 * PaymentIntent for the price difference is opened (the webhook applies the extension). The
 * "ends soon" reminder moves with the end.
 */
export async function extendBooking(deps: Deps, caller: Caller | null, bookingId: string, input: ExtendBooking): Promise<Booking> {
  const { booking } = await loadBooking(deps, caller, bookingId);
  const end = fromIso(input.end);
  const now = deps.now();
  // A retry of an extension that died after its write carries on from it: the extra time held
  // for its payment gets that payment opened (under the same provider key), one applied at once
  // is answered as it is. A hold that lapsed meanwhile is asked again below.
  const point = `extend:${booking.id}:${end}`;
  if (resumedFrom(deps) === point && booking.status === "confirmed") {
    if (booking.extensionEndsAt === end && (booking.extensionExpiresAt ?? 0) > now) {
      const place = await loadPlace(deps, caller, booking.placeId);
      return openExtensionPayment(deps, place, booking, booking.extensionPrice ?? 0, end);
    }
    if (booking.endsAt === end) return toBooking(booking);
  }
  if (booking.status !== "confirmed") throw notConfirmed(booking);
  if (booking.extensionExpiresAt !== null && booking.extensionExpiresAt > now) {
    throw new ApiError(409, "extension_pending", "An extension of this booking is waiting for its payment.");
  }
  const place = await loadPlace(deps, caller, booking.placeId);
  const rules = rulesOf(place);
  if (rules.slots) throw new ApiError(422, "slot_misaligned", "A booking of a slot is not extended: book the next slot.");
  if (end <= booking.endsAt) throw new ApiError(422, "window_not_extended", "The new end must be after the booking's current end.");
  if (end <= now) throw new ApiError(422, "booking_too_late", "The new end is in the past.");
  if (end - booking.startsAt > MAX_WINDOW_DAYS * 86_400_000) {
    throw new ApiError(422, "window_too_far_ahead", `A booking lasts at most ${MAX_WINDOW_DAYS} days.`);
  }
  const w = { start: booking.startsAt, end };
  if (!isOpenThroughout(rules, { start: booking.endsAt, end }))
    throw new ApiError(422, "place_closed", "The place is not open for the whole extra time.");
  const occupiedUntil = end + bufferMs(rules);
  const difference = Math.max(0, priceFor(rules, w) - booking.price);
  const online = paidOnline(place, difference);
  const guard = hasFreeSpot(place.id, booking.occupiedUntil, occupiedUntil, now, booking.id);
  const set: Partial<BookingRow> = online
    ? {
        extensionEndsAt: end,
        extensionOccupiedUntil: occupiedUntil,
        extensionPrice: difference,
        extensionExpiresAt: now + place.paymentHoldMinutes * 60_000,
        extensionPaymentIntentId: null,
      }
    : {
        endsAt: end,
        occupiedUntil,
        price: booking.price + difference,
        reminderDueAt: reminderDueAt({ contactPhone: booking.contactPhone, endsAt: end }, now),
        reminderSentAt: null,
      };
  const update = extensionUpdate(deps, booking, set, guard);
  const extended = { ...booking, ...set } as BookingRow;
  const statements: [typeof update, ...BatchItem<"sqlite">[]] = [
    update,
    enqueueAvailabilityChanged(
      deps,
      { ...bookingRef(booking), start: booking.endsAt, end, occupiedUntil, change: "booked" },
      previousStatementChanged,
    ),
    ...(online ? [] : enqueueBookingMessages(deps, extended, place, "extended", previousStatementChanged)),
  ];
  resumeOnCommit(deps, point);
  const row = await guardedWrite(deps, statements, {
    written: ([updated]) => updated[0],
    explain: () =>
      explainBooking(deps, bookingId, (b) => {
        if (b.endsAt !== booking.endsAt || (b.extensionExpiresAt ?? 0) > deps.now()) return;
        throw new ApiError(409, "place_full", "No spot is free for the extra time: the booking keeps its end.");
      }),
  });
  if (!online) return toBooking(row);
  return openExtensionPayment(deps, place, row, difference, end);
}
