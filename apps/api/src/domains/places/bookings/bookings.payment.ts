import type { Booking } from "@gatherkit/core";
import { placeBookings } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError } from "../../../lib/errors.js";
import { previousStatementChanged } from "../../../lib/guarded-insert.js";
import { answerOnCommit, resumedFrom } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { signParticipantToken } from "../../../lib/tokens.js";
import type { Deps } from "../../../lib/types.js";
import { paymentsProvider } from "../../../platform/payments/payments.service.js";
import type { CreatePaymentIntent, PaymentIntent } from "../../../platform/payments/provider.js";
import type { PlaceRow } from "../access.js";
import { bookingRef, enqueueAvailabilityChanged } from "../events.js";
import { expireBooking } from "../payments.js";
import { type BookingRow, toBooking } from "./bookings.shape.js";

/*
 * The paid-online path of a booking: a booking (or an extension) held for its payment gets a
 * PaymentIntent opened with the provider here; the webhook (../payments.ts) confirms it. A site's
 * visitor gets the participant token they manage their booking with.
 */

/** How long the booker's participant token (from a booking with a publishable key) lasts after the booking's end: time to review it. */
export const BOOKER_ACCESS_AFTER_END_MS = 30 * 86_400_000;

/** The participant token a visitor manages their booking with: until 30 days after its end. */
export async function bookerAccess(deps: Deps, b: BookingRow, participantId: string): Promise<Booking["access"]> {
  const now = deps.now();
  const ttlSeconds = Math.ceil((b.endsAt + BOOKER_ACCESS_AFTER_END_MS - now) / 1000);
  const { token, expiresAt } = await signParticipantToken(
    deps.config,
    { sub: participantId, org: b.orgId, name: b.contactName },
    ttlSeconds,
    now,
  );
  return { token, expiresAt: expiresAt.toISOString() };
}

/** The booking this request's key holds from a create that died before opening its payment, while it still holds its spot. */
export async function resumedBooking(deps: Deps, placeId: string, now: number): Promise<BookingRow | undefined> {
  const id = resumedFrom(deps);
  if (!id) return undefined;
  const [row] = await deps.db
    .select()
    .from(placeBookings)
    .where(and(eq(placeBookings.id, id), eq(placeBookings.placeId, placeId)))
    .limit(1);
  return row?.status === "pending_payment" && (row.holdExpiresAt ?? 0) > now ? row : undefined;
}

/** Opens the payment of a booking held for it with the provider; the write recording it seals the request's answer. */
export async function openBookingPayment(deps: Deps, place: PlaceRow, created: BookingRow, visitor: boolean): Promise<Booking> {
  const access = visitor && created.participantId ? await bookerAccess(deps, created, created.participantId) : undefined;
  const intent = await openIntent(
    deps,
    created.id,
    {
      amount: created.price,
      currency: created.currency,
      metadata: { domain: "places", purpose: "booking", bookingId: created.id, orgId: created.orgId, placeId: created.placeId },
      description: `${place.name}: booking ${created.id}`,
      idempotencyKey: `booking-${created.id}`,
    },
    () => expireBooking(deps, created, "cancelled"),
  );
  const answer = toBooking({ ...created, paymentIntentId: intent.id }, { intent, access });
  answerOnCommit(deps, 201, answer);
  await deps.db.update(placeBookings).set({ paymentIntentId: intent.id }).where(eq(placeBookings.id, created.id));
  return answer;
}

/**
 * Opens the payment of the price difference of an extension held for it; if the provider cannot be
 * reached, the held time is let go (and the room told) and the caller gets 503.
 */
export async function openExtensionPayment(
  deps: Deps,
  place: PlaceRow,
  row: BookingRow,
  difference: number,
  end: number,
): Promise<Booking> {
  const intent = await openIntent(
    deps,
    row.id,
    {
      amount: difference,
      currency: row.currency,
      metadata: { domain: "places", purpose: "extension", bookingId: row.id, orgId: row.orgId, placeId: row.placeId, end: String(end) },
      description: `${place.name}: extension of booking ${row.id}`,
      idempotencyKey: `booking-extension-${row.id}-${end}-${row.updatedAt}`,
    },
    () => dropExtension(deps, row),
  );
  const [paying] = await deps.db
    .update(placeBookings)
    .set({ extensionPaymentIntentId: intent.id })
    .where(and(eq(placeBookings.id, row.id), eq(placeBookings.extensionEndsAt, end)))
    .returning();
  return toBooking(paying ?? row, { intent });
}

/** Opens a PaymentIntent; if the provider cannot be reached, lets go of what was held for it (`release`) and answers 503. */
async function openIntent(deps: Deps, bookingId: string, p: CreatePaymentIntent, release: () => Promise<unknown>): Promise<PaymentIntent> {
  try {
    return await paymentsProvider(deps.config).createPaymentIntent(p);
  } catch (err) {
    deps.logger.error("creating a payment failed", { bookingId, error: err instanceof Error ? err.message : String(err) });
    await release();
    throw new ApiError(503, "payment_provider_error", "The payments provider did not answer: nothing was held or charged. Try again.");
  }
}

/** Lets go of a held extension (its payment could not be opened), telling the room the time is free again. */
async function dropExtension(deps: Deps, b: BookingRow) {
  const end = b.extensionEndsAt ?? b.endsAt;
  await deps.db.batch([
    deps.db
      .update(placeBookings)
      .set({ extensionEndsAt: null, extensionOccupiedUntil: null, extensionPrice: null, extensionExpiresAt: null })
      .where(and(eq(placeBookings.id, b.id), eq(placeBookings.extensionEndsAt, end)))
      .returning({ id: placeBookings.id }),
    enqueueAvailabilityChanged(
      deps,
      { ...bookingRef(b), start: b.endsAt, end, occupiedUntil: b.extensionOccupiedUntil ?? b.occupiedUntil, change: "cancelled" },
      previousStatementChanged,
    ),
  ]);
  deliverSoon(deps);
}
