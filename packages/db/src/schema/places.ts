import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations, participants } from "./accounts.js";
import { createdAt } from "./columns.js";

// ============================================================================================
// Places: bookable places (parking by the minute, venues and rooms by slot), their bookings and
// reviews. Every table carries org_id for tenant scoping. A booking is inserted by one guarded
// INSERT … SELECT … WHERE that counts, inside the writing transaction, the bookings overlapping
// at each instant of its window, so no instant ever holds more bookings than the capacity.
// ============================================================================================

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);

export const places = sqliteTable(
  "places",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    kind: text("kind", { enum: ["parking", "venue", "room", "desk", "other"] }).notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The structured address as sent (line1, line2, city, postalCode, region, country). */
    address: text("address", { mode: "json" }).$type<Record<string, string>>().notNull(),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    timeZone: text("time_zone").notNull(),
    capacity: integer("capacity").notNull(),
    currency: text("currency").notNull(),
    priceMode: text("price_mode", { enum: ["hourly", "slot"] }).notNull(),
    /** Minor units per hour (hourly) or per slot (slot). */
    price: integer("price").notNull(),
    dailyMax: integer("daily_max"),
    openingHours: text("opening_hours", { mode: "json" }).$type<unknown>(),
    features: text("features", { mode: "json" }).$type<string[]>().notNull(),
    images: text("images", { mode: "json" }).$type<string[]>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    slotMinutes: integer("slot_minutes"),
    bufferMinutes: integer("buffer_minutes").notNull().default(0),
    horizonDays: integer("horizon_days").notNull(),
    leadMinutes: integer("lead_minutes").notNull(),
    reviewModeration: integer("review_moderation", { mode: "boolean" }).notNull().default(true),
    /** Priced bookings are paid online (pending_payment until the provider's webhook says paid). */
    onlinePayment: integer("online_payment", { mode: "boolean" }).notNull().default(false),
    /** How long an unpaid booking (or extension) holds its capacity. */
    paymentHoldMinutes: integer("payment_hold_minutes").notNull().default(15),
    /** A booker cancelling at least this long before the start is refunded in full. */
    freeCancellationMinutes: integer("free_cancellation_minutes").notNull().default(0),
    /** What share of the price a booker cancelling later (before the start) gets back. */
    lateRefundPercent: integer("late_refund_percent").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("places_org_created").on(t.orgId, t.createdAt, t.id),
    // Search: a latitude range per organization, then the longitude range, then exact distance.
    index("places_org_lat_lng").on(t.orgId, t.lat, t.lng),
    check("places_capacity_positive", sql`${t.capacity} >= 1`),
    check("places_slot_priced", sql`(${t.priceMode} = 'slot') = (${t.slotMinutes} IS NOT NULL)`),
  ],
);

export const placeBookings = sqliteTable(
  "place_bookings",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    placeId: text("place_id")
      .notNull()
      .references(() => places.id),
    status: text("status", { enum: ["pending_payment", "confirmed", "completed", "cancelled", "expired"] }).notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    /** End plus the place's buffer when booked: the place is busy for this booking until then. */
    occupiedUntil: integer("occupied_until").notNull(),
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    vehiclePlate: text("vehicle_plate"),
    contactName: text("contact_name").notNull(),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    /** The participant who booked, if a participant token booked (they manage and review it). */
    participantId: text("participant_id").references(() => participants.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    cancelledAt: integer("cancelled_at"),
    completedAt: integer("completed_at"),
    /** A pending_payment booking holds its capacity until then (occupancy ignores it after). */
    holdExpiresAt: integer("hold_expires_at"),
    paymentIntentId: text("payment_intent_id"),
    paidAt: integer("paid_at"),
    /** What the booking's own PaymentIntent paid (extensions are paid, and kept, apart). */
    paidAmount: integer("paid_amount").notNull().default(0),
    /** Refunded by the provider, and decided but not yet acknowledged by it (retried by the sweep). */
    amountRefunded: integer("amount_refunded").notNull().default(0),
    refundPending: integer("refund_pending").notNull().default(0),
    /** The "ends soon" SMS: due then (null: none), sent once (set in the batch that queues it). */
    reminderDueAt: integer("reminder_due_at"),
    reminderSentAt: integer("reminder_sent_at"),
    /**
     * A paid extension waiting for its payment: the new end, what the place is then held until,
     * the price difference, and until when the extra time is held for it.
     */
    extensionEndsAt: integer("extension_ends_at"),
    extensionOccupiedUntil: integer("extension_occupied_until"),
    extensionPrice: integer("extension_price"),
    extensionExpiresAt: integer("extension_expires_at"),
    extensionPaymentIntentId: text("extension_payment_intent_id"),
  },
  (t) => [
    index("place_bookings_org_created").on(t.orgId, t.createdAt, t.id),
    // Overlap counting: one place's bookings by start.
    index("place_bookings_place_start").on(t.placeId, t.startsAt),
    index("place_bookings_participant").on(t.participantId, t.createdAt),
    // The sweep: unpaid holds that ran out, reminders that are due.
    index("place_bookings_status_hold").on(t.status, t.holdExpiresAt),
    index("place_bookings_reminder_due").on(t.reminderDueAt),
    check("place_bookings_window", sql`${t.endsAt} > ${t.startsAt} AND ${t.occupiedUntil} >= ${t.endsAt}`),
  ],
);

export const placeReviews = sqliteTable(
  "place_reviews",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    placeId: text("place_id")
      .notNull()
      .references(() => places.id),
    bookingId: text("booking_id")
      .notNull()
      .references(() => placeBookings.id),
    participantId: text("participant_id")
      .notNull()
      .references(() => participants.id),
    authorName: text("author_name").notNull(),
    rating: integer("rating").notNull(),
    text: text("text").notNull().default(""),
    status: text("status", { enum: ["pending", "approved", "rejected"] }).notNull(),
    moderationReason: text("moderation_reason"),
    createdAt: createdAt(),
    moderatedAt: integer("moderated_at"),
    /** The organizer's public reply, shown with the review; null: none. */
    reply: text("reply"),
    repliedAt: integer("replied_at"),
  },
  (t) => [
    uniqueIndex("place_reviews_booking").on(t.bookingId),
    index("place_reviews_place_status").on(t.placeId, t.status, t.createdAt, t.id),
    index("place_reviews_org_created").on(t.orgId, t.createdAt, t.id),
    check("place_reviews_rating", sql`${t.rating} BETWEEN 1 AND 5`),
  ],
);
