import type { Booking } from "@gatherkit/core";
import type { placeBookings } from "@gatherkit/db";
import { toIso } from "../../../lib/time.js";
import type { PaymentIntent } from "../../../platform/payments/provider.js";

export type BookingRow = typeof placeBookings.$inferSelect;

/** A booking row as the API answers it; `intent` (just opened) and `access` (a visitor's token) only in a create's answer. */
export function toBooking(row: BookingRow, extra: { intent?: PaymentIntent; access?: Booking["access"] } = {}): Booking {
  const pendingExtension =
    row.extensionExpiresAt !== null && row.extensionEndsAt !== null && row.extensionPrice !== null
      ? {
          end: toIso(row.extensionEndsAt),
          price: { amount: row.extensionPrice, currency: row.currency },
          expiresAt: toIso(row.extensionExpiresAt),
        }
      : null;
  const intentId = extra.intent?.id ?? row.paymentIntentId;
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
    payment: intentId
      ? {
          provider: intentId.startsWith("pi_local_") ? "local" : "stripe",
          paymentIntentId: intentId,
          clientSecret: extra.intent?.clientSecret ?? null,
          checkoutUrl: extra.intent?.checkoutUrl ?? null,
          publishableKey: extra.intent?.publishableKey ?? null,
          stripeAccount: extra.intent?.stripeAccount ?? null,
          expiresAt: row.status === "pending_payment" ? toIso(row.holdExpiresAt) : null,
          paidAt: toIso(row.paidAt),
          amountRefunded: row.amountRefunded + row.refundPending,
        }
      : null,
    pendingExtension,
    ...(extra.access ? { access: extra.access } : {}),
  };
}
