import { MoneySchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { z } from "../zod.js";
import { BookingId, MAX_WINDOW_DAYS, PlaceId } from "./schemas.js";
import { Instant, q } from "./shared.js";

// Bookings of a place: creating one (and its quote), its payment and extension, listing them
// (see schemas.ts for places themselves, reviews.ts for their reviews).

export const BOOKING_STATUSES = ["pending_payment", "confirmed", "completed", "cancelled", "expired"] as const;
export const BookingStatusSchema = z.enum(BOOKING_STATUSES).openapi("BookingStatus", {
  description:
    "pending_payment (a place with online payment: capacity held until the payment's deadline) → confirmed (paid, or at once without online payment) → completed (after its end) or cancelled; an unpaid hold that runs out is expired.",
});
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

export const PhoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be a phone number in E.164 form such as +351912345678")
  .openapi({ example: "+351912345678" });

export const BookingContactSchema = z
  .strictObject({
    name: text().trim().min(1).max(120).openapi({ example: "Grace Hopper" }),
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase())
      .optional(),
    phone: PhoneSchema.optional(),
  })
  .openapi("BookingContact");

/** How long a booking (or a quote's window) lasts, in real minutes; a slot place's bookings may leave it out. */
const DurationMinutes = z
  .number()
  .int()
  .min(1, "must be at least one minute")
  .max(MAX_WINDOW_DAYS * 1440)
  .optional();

export const CreateBookingSchema = z
  .strictObject({
    placeId: PlaceId,
    start: Instant.openapi({ example: "2030-07-01T09:00:00Z" }),
    durationMinutes: DurationMinutes.openapi({
      description: "Required for a place booked by the hour; for a slot place, omit it (or give the slot's length).",
    }),
    vehiclePlate: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9 -]{0,13}$/, "must be a plate of letters, digits, spaces and dashes")
      .optional(),
    contact: BookingContactSchema,
    quote: z
      .string()
      .min(1)
      .max(2000)
      .regex(/^[A-Za-z0-9_.-]+$/, "must be a quote's token")
      .optional()
      .openapi({
        description: "A quote's `token` for this window: its price is honoured until the quote expires (409 `quote_expired` after).",
      }),
  })
  .openapi("CreateBookingRequest");
export type CreateBookingInput = z.input<typeof CreateBookingSchema>;
export type CreateBooking = z.output<typeof CreateBookingSchema>;

/** How long a quote's price is honoured. */
export const QUOTE_VALIDITY_MINUTES = 15;

export const QuoteRequestSchema = z
  .strictObject({
    start: Instant.openapi({ example: "2030-07-01T09:00:00Z" }),
    durationMinutes: DurationMinutes.openapi({
      description: "As for a booking: required for a place booked by the hour, omitted for a slot.",
    }),
  })
  .openapi("QuoteRequest");
export type QuoteRequest = z.output<typeof QuoteRequestSchema>;

export const BookingQuoteSchema = z
  .object({
    placeId: PlaceId,
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    price: MoneySchema,
    freeCapacity: z.number().int().openapi({ description: "As of the quote; the booking itself re-checks it." }),
    expiresAt: z.iso.datetime(),
    token: z.string().openapi({ description: "Send it as the booking's `quote` to be charged this price until `expiresAt`." }),
  })
  .openapi("BookingQuote");
export type BookingQuote = z.infer<typeof BookingQuoteSchema>;

export const BookingPaymentSchema = z
  .object({
    provider: z.enum(["stripe", "local"]),
    paymentIntentId: z.string().nullable(),
    /** The browser confirms the payment with this (Stripe's Payment Element); in the creating or extending answer only. */
    clientSecret: z.string().nullable(),
    /** A page to pay on (the local provider's, or Stripe Checkout's); in the creating or extending answer only. */
    checkoutUrl: z.string().nullable(),
    publishableKey: z.string().nullable().openapi({
      description:
        "Stripe's publishable key (`pk_…`) for Stripe.js, with `clientSecret` (the Payment Element). Only in the answer that created or extended the booking.",
    }),
    stripeAccount: z.string().nullable().openapi({
      description:
        "Stripe Connect: the connected account (`acct_…`) Stripe.js must act on; null for the platform account. Only in the answer that created or extended the booking.",
    }),
    /** An unpaid booking's capacity is held until then; null once paid. */
    expiresAt: z.iso.datetime().nullable(),
    paidAt: z.iso.datetime().nullable(),
    amountRefunded: z.number().int().openapi({ description: "Minor units refunded so far (or being refunded)." }),
  })
  .openapi("BookingPayment");

export const PendingExtensionSchema = z
  .object({
    end: z.iso.datetime(),
    price: MoneySchema.openapi({ description: "The price difference to pay." }),
    expiresAt: z.iso.datetime(),
  })
  .openapi("BookingPendingExtension");

export const BookingAccessSchema = z
  .object({ token: z.string(), expiresAt: z.iso.datetime() })
  .openapi("BookingAccess", { description: "A participant token for the booker (send it as `Authorization: Bearer …`)." });

export const ExtendBookingSchema = z
  .strictObject({
    end: Instant.openapi({ example: "2030-07-01T13:00:00Z", description: "The new end: after the current one." }),
  })
  .openapi("ExtendBookingRequest");
export type ExtendBooking = z.output<typeof ExtendBookingSchema>;

export const BookingSchema = z
  .object({
    id: BookingId,
    placeId: PlaceId,
    status: BookingStatusSchema,
    start: z.iso.datetime(),
    end: z.iso.datetime().openapi({ description: "Computed by the API from the start and the duration or slot." }),
    price: MoneySchema,
    vehiclePlate: z.string().nullable(),
    contact: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    cancelledAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
    payment: BookingPaymentSchema.nullable()
      .optional()
      .openapi({ description: "For a place with online payment: the payment of the booking (and of a pending extension)." }),
    pendingExtension: PendingExtensionSchema.nullable()
      .optional()
      .openapi({ description: "An extension waiting for its payment (the extra time is held until `expiresAt`)." }),
    access: BookingAccessSchema.optional().openapi({
      description:
        "In the answer that created the booking only: a participant token that reads, cancels, extends and reviews this booking (and nothing else) without staff credentials. Keep it secret: put it in a link to the booker.",
    }),
  })
  .openapi("Booking");
export type Booking = z.infer<typeof BookingSchema>;

export const BookingListQuerySchema = PageQuerySchema.extend({
  placeId: PlaceId.optional().openapi(q("placeId")),
  status: BookingStatusSchema.optional().openapi(q("status")),
  from: Instant.optional().openapi({
    ...q("from"),
    example: "2030-07-01T00:00:00Z",
    description: "Only bookings that end after this instant (with `to`: those overlapping `from`–`to`, as a calendar shows them).",
  }),
  to: Instant.optional().openapi({
    ...q("to"),
    example: "2030-07-08T00:00:00Z",
    description: "Only bookings that start before this instant.",
  }),
}).refine((w) => w.from === undefined || w.to === undefined || Date.parse(w.to) > Date.parse(w.from), {
  message: "must be after from",
  path: ["to"],
});
export type BookingListQuery = z.output<typeof BookingListQuerySchema>;
export const BookingPageSchema = pageSchema(BookingSchema, "BookingPage");
