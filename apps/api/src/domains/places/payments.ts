import { paymentEvents, placeBookings, places } from "@gatherkit/db";
import { and, eq, gt, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { PaymentEventHandler } from "../../lib/domain.js";
import { previousStatementChanged } from "../../lib/guarded-insert.js";
import { deliverSoon } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { paymentsProvider, recordPaymentEvent } from "../../platform/payments/payments.service.js";
import { bookingRef, enqueueAvailabilityChanged } from "./events.js";
import { enqueueBookingMessages, reminderDueAt } from "./messages.js";
import { freeCapacitySql } from "./occupancy.js";

type BookingRow = typeof placeBookings.$inferSelect;

/**
 * The places domain's payments: PaymentIntents whose metadata names a booking (`purpose`
 * `booking`, or `extension` for the price difference of an extension). The webhook is the truth:
 *
 * - `payment_intent.succeeded` for a booking: in one batch the event is recorded and the booking
 *   becomes `confirmed` — from `pending_payment` (or `expired`), only for that PaymentIntent,
 *   only if the event was new, and only while its hold lasts or, if the hold ran out, while its
 *   spot is still free (the capacity guard again) — with the confirmation email and SMS. A
 *   payment for less than the price, or in another currency, confirms nothing. A payment that
 *   can no longer be honoured (the spot went to someone else, or the booking was cancelled) is
 *   refunded in full.
 * - `payment_intent.succeeded` for an extension: the same, moving the end to the one paid for.
 * - Anything else (`payment_failed`, `requires_action`, …) is recorded: the hold stays until it
 *   runs out, so the booker may try again.
 */
export const handlePlacesPaymentEvent: PaymentEventHandler = async (deps, event) => {
  const object = event.data.object as Partial<Stripe.PaymentIntent>;
  const bookingId = object.metadata?.bookingId;
  const purpose = object.metadata?.purpose;
  if (event.type !== "payment_intent.succeeded" || !bookingId || !object.id || (purpose !== "booking" && purpose !== "extension")) {
    await recordPaymentEvent(deps, event);
    return;
  }
  const intentColumn = purpose === "booking" ? placeBookings.paymentIntentId : placeBookings.extensionPaymentIntentId;
  const [booking] = await deps.db
    .select()
    .from(placeBookings)
    .where(and(eq(placeBookings.id, bookingId), eq(intentColumn, object.id)))
    .limit(1);
  if (!booking) {
    deps.logger.warn("payment for an unknown booking", { eventId: event.id, bookingId, paymentIntent: object.id });
    await recordPaymentEvent(deps, event);
    return;
  }
  const received = object.amount_received ?? 0;
  const owed = purpose === "booking" ? booking.price : (booking.extensionPrice ?? Number.MAX_SAFE_INTEGER);
  if (received < owed || (object.currency ?? "").toUpperCase() !== booking.currency) {
    deps.logger.warn("payment does not cover the booking", { eventId: event.id, bookingId, received, currency: object.currency });
    await recordPaymentEvent(deps, event);
    return;
  }
  const [place] = await deps.db.select({ name: places.name, timeZone: places.timeZone }).from(places).where(eq(places.id, booking.placeId));
  if (!place) return;
  const applied =
    purpose === "booking" ? await confirmPaid(deps, event, booking, place, received) : await applyExtension(deps, event, booking, place);
  if (applied === "applied") {
    deliverSoon(deps);
    return;
  }
  if (applied === "recorded") await refundLatePayment(deps, event, object.id, received, `${purpose}-${booking.id}`);
};

/** Confirms a paid booking (see above). "applied", "recorded" (new event, nothing to confirm: refund) or "duplicate". */
async function confirmPaid(deps: Deps, event: Stripe.Event, b: BookingRow, place: { name: string; timeZone: string }, received: number) {
  const now = deps.now();
  const db = deps.db;
  const stillHeld = sql`(${placeBookings.status} = 'pending_payment' AND ${placeBookings.holdExpiresAt} > ${now})`;
  const spotFree = sql`coalesce(${freeCapacitySql(b.placeId, b.startsAt, b.occupiedUntil, now, b.id)}, 0) >= 1`;
  const reheld = sql`(${placeBookings.status} = 'expired' OR ${placeBookings.status} = 'pending_payment') AND ${spotFree}`;
  const confirmed: BookingRow = { ...b, status: "confirmed", paidAt: now, paidAmount: received, holdExpiresAt: null, updatedAt: now };
  const lapsed = b.status !== "pending_payment" || (b.holdExpiresAt ?? 0) <= now;
  const nowConfirmed = sql`EXISTS (SELECT 1 FROM ${placeBookings} WHERE ${placeBookings.id} = ${b.id} AND ${placeBookings.status} = 'confirmed' AND ${placeBookings.paidAt} = ${now})`;
  const [recorded, paid] = await db.batch([
    recordPaymentEvent(deps, event),
    db
      .update(placeBookings)
      .set({ status: "confirmed", paidAt: now, paidAmount: received, holdExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(placeBookings.id, b.id),
          eq(placeBookings.paymentIntentId, b.paymentIntentId ?? ""),
          sql`changes() > 0`,
          sql`(${stillHeld} OR (${reheld}))`,
        ),
      )
      .returning({ id: placeBookings.id }),
    ...enqueueBookingMessages(deps, confirmed, place, "confirmed", previousStatementChanged),
    // A booking whose hold had run out holds its spot again: tell the room.
    ...(lapsed ? [enqueueAvailabilityChanged(deps, { ...bookingRef(b), change: "booked" }, nowConfirmed)] : []),
  ]);
  if (paid.length > 0) return "applied";
  return recorded.length > 0 ? "recorded" : "duplicate";
}

/** Applies a paid extension (see above). */
async function applyExtension(deps: Deps, event: Stripe.Event, b: BookingRow, place: { name: string; timeZone: string }) {
  const now = deps.now();
  const db = deps.db;
  const end = b.extensionEndsAt;
  const until = b.extensionOccupiedUntil;
  const difference = b.extensionPrice;
  if (end === null || until === null || difference === null) {
    const [recorded] = await db.batch([recordPaymentEvent(deps, event)]);
    return recorded.length > 0 ? "recorded" : "duplicate";
  }
  const held = sql`${placeBookings.extensionExpiresAt} > ${now}`;
  const spotFree = sql`coalesce(${freeCapacitySql(b.placeId, b.occupiedUntil, until, now, b.id)}, 0) >= 1`;
  const extended: BookingRow = { ...b, endsAt: end, occupiedUntil: until, price: b.price + difference, updatedAt: now };
  const [recorded, applied] = await db.batch([
    recordPaymentEvent(deps, event),
    db
      .update(placeBookings)
      .set({
        endsAt: end,
        occupiedUntil: until,
        price: sql`${placeBookings.price} + ${difference}`,
        reminderDueAt: reminderDueAt({ contactPhone: b.contactPhone, endsAt: end }, now),
        reminderSentAt: null,
        extensionEndsAt: null,
        extensionOccupiedUntil: null,
        extensionPrice: null,
        extensionExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(placeBookings.id, b.id),
          sql`changes() > 0`,
          eq(placeBookings.status, "confirmed"),
          eq(placeBookings.extensionPaymentIntentId, b.extensionPaymentIntentId ?? ""),
          eq(placeBookings.extensionEndsAt, end),
          sql`(${held} OR ${spotFree})`,
        ),
      )
      .returning({ id: placeBookings.id }),
    ...enqueueBookingMessages(deps, extended, place, "extended", previousStatementChanged),
  ]);
  if (applied.length > 0) return "applied";
  return recorded.length > 0 ? "recorded" : "duplicate";
}

/**
 * A payment that can no longer be honoured goes back in full. If the provider cannot be reached,
 * the event is forgotten again so its redelivery retries.
 */
async function refundLatePayment(deps: Deps, event: Stripe.Event, paymentIntentId: string, amount: number, key: string) {
  try {
    await paymentsProvider(deps.config).refund({ paymentIntentId, amount, idempotencyKey: `late-payment-${key}` });
    deps.logger.warn("refunded a payment that could no longer be honoured", { key, eventId: event.id });
  } catch (err) {
    await deps.db.delete(paymentEvents).where(eq(paymentEvents.id, event.id));
    throw err;
  }
}

/**
 * Ends an unpaid booking: `expired` once its hold ran out, or `cancelled` (its payment could not
 * be opened), from `pending_payment` only; tells the room its spot is free. Answers whether this
 * call did it.
 */
export async function expireBooking(deps: Deps, b: BookingRow, to: "expired" | "cancelled"): Promise<boolean> {
  const now = deps.now();
  const [done] = await deps.db.batch([
    deps.db
      .update(placeBookings)
      .set({ status: to, updatedAt: now, ...(to === "cancelled" && { cancelledAt: now }) })
      .where(
        and(
          eq(placeBookings.id, b.id),
          eq(placeBookings.status, "pending_payment"),
          to === "expired" ? lte(placeBookings.holdExpiresAt, now) : undefined,
        ),
      )
      .returning({ id: placeBookings.id }),
    enqueueAvailabilityChanged(deps, { ...bookingRef(b), change: "cancelled" }, previousStatementChanged),
  ]);
  if (done.length > 0) deliverSoon(deps);
  return done.length > 0;
}

/**
 * Asks the provider for a booking's decided refund (`refund_pending`), keyed by the booking and
 * the amount so a retry never refunds twice, then books it as refunded. A provider error leaves
 * it pending for the sweep.
 */
export async function settleRefund(deps: Deps, b: Pick<BookingRow, "id" | "paymentIntentId" | "refundPending" | "amountRefunded">) {
  if (!b.paymentIntentId || b.refundPending <= 0) return;
  try {
    await paymentsProvider(deps.config).refund({
      paymentIntentId: b.paymentIntentId,
      amount: b.refundPending,
      idempotencyKey: `booking-refund-${b.id}-${b.amountRefunded}-${b.refundPending}`,
    });
  } catch (err) {
    deps.logger.error("refunding a booking failed; the sweep retries", {
      bookingId: b.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return;
  }
  await deps.db
    .update(placeBookings)
    .set({ amountRefunded: sql`${placeBookings.amountRefunded} + ${b.refundPending}`, refundPending: 0 })
    .where(
      and(eq(placeBookings.id, b.id), eq(placeBookings.refundPending, b.refundPending), eq(placeBookings.amountRefunded, b.amountRefunded)),
    );
}

/**
 * The places sweep, safe to run concurrently and repeatedly: expires unpaid holds that ran out,
 * lets go of unpaid extensions that ran out, queues the "ends soon" SMS of confirmed bookings
 * whose reminder is due (the `reminder_sent_at` guard and the outbox insert share one batch, so
 * each is queued once, even across a crash; a cancelled or moved booking's reminder is never
 * sent), and retries refunds the provider did not acknowledge. Answers what it did.
 */
export async function sweepBookings(deps: Deps, limit = 100): Promise<{ expired: number; reminders: number; refunds: number }> {
  const db = deps.db;
  const now = deps.now();
  let expired = 0;
  for (const b of await db
    .select()
    .from(placeBookings)
    .where(and(eq(placeBookings.status, "pending_payment"), lte(placeBookings.holdExpiresAt, now)))
    .limit(limit)) {
    if (await expireBooking(deps, b, "expired")) expired++;
  }
  const lapsed = await db
    .select()
    .from(placeBookings)
    .where(and(isNotNull(placeBookings.extensionExpiresAt), lte(placeBookings.extensionExpiresAt, now)))
    .limit(limit);
  for (const b of lapsed) {
    await db.batch([
      db
        .update(placeBookings)
        .set({ extensionEndsAt: null, extensionOccupiedUntil: null, extensionPrice: null, extensionExpiresAt: null })
        .where(and(eq(placeBookings.id, b.id), eq(placeBookings.extensionExpiresAt, b.extensionExpiresAt ?? 0)))
        .returning({ id: placeBookings.id }),
      enqueueAvailabilityChanged(
        deps,
        { ...bookingRef(b), start: b.endsAt, occupiedUntil: b.extensionOccupiedUntil ?? b.occupiedUntil, change: "cancelled" },
        previousStatementChanged,
      ),
    ]);
  }
  let reminders = 0;
  const due = await db
    .select()
    .from(placeBookings)
    .where(
      and(
        lte(placeBookings.reminderDueAt, now),
        isNull(placeBookings.reminderSentAt),
        eq(placeBookings.status, "confirmed"),
        gt(placeBookings.endsAt, now),
      ),
    )
    .limit(limit);
  for (const b of due) {
    const [place] = await db.select({ name: places.name, timeZone: places.timeZone }).from(places).where(eq(places.id, b.placeId));
    if (!place) continue;
    const [sent] = await db.batch([
      db.update(placeBookings).set({ reminderSentAt: now }).where(remindable(b, now)).returning({ id: placeBookings.id }),
      ...enqueueBookingMessages(deps, b, place, "ends_soon", previousStatementChanged),
    ]);
    if (sent.length > 0) reminders++;
  }
  let refunds = 0;
  for (const b of await db.select().from(placeBookings).where(gt(placeBookings.refundPending, 0)).limit(limit)) {
    await settleRefund(deps, b);
    refunds++;
  }
  if (expired + reminders + lapsed.length > 0) deliverSoon(deps);
  return { expired, reminders, refunds };
}

/** The reminder of `b` as read is still the one to send: same end, still confirmed, not yet sent. */
const remindable = (b: BookingRow, now: number): SQL | undefined =>
  and(
    eq(placeBookings.id, b.id),
    eq(placeBookings.status, "confirmed"),
    eq(placeBookings.endsAt, b.endsAt),
    isNull(placeBookings.reminderSentAt),
    lte(placeBookings.reminderDueAt, now),
  );

/**
 * Runs `sweepBookings` every `intervalMs` on Node, so holds expire (and rooms hear the spot come
 * back) and reminders go out without anyone asking. Returns the stop function. On Workers the
 * cron trigger calls `sweepBookings` instead.
 */
export function startBookingSweeper(deps: Deps, intervalMs = 15_000): () => void {
  const timer = setInterval(() => {
    sweepBookings(deps).catch((err: unknown) => deps.logger.error("the bookings sweep failed", { error: String(err) }));
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
