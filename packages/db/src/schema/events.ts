import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations, users } from "./accounts.js";
import { createdAt } from "./columns.js";

// ============================================================================================
// Events: ticketed events, ticket types, quotas shared by several types (pretix's model), and
// orders with the lines they hold. Stock is three kinds of counters — the event's capacity, each
// ticket type's quantity and each quota's size — and every `…_used` counter counts what is held
// or sold. A checkout takes all of them in one `db.batch` (see orders.service.ts): the order row
// is inserted only if every counter still has room, and the counters move only if it was. CHECK
// constraints make the database refuse an overshoot regardless.
// ============================================================================================

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);
const eventId = () =>
  text("event_id")
    .notNull()
    .references(() => events.id, { onDelete: "cascade" });

/** A structured postal address; every part optional but the country when given. */
export interface EventAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    status: text("status", { enum: ["draft", "published", "unpublished", "cancelled"] })
      .notNull()
      .default("draft"),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    venueName: text("venue_name"),
    address: text("address", { mode: "json" }).$type<EventAddress>(),
    lat: real("lat"),
    lng: real("lng"),
    timeZone: text("time_zone").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    /** Most tickets held or sold across every type; null: no event-wide limit. */
    capacity: integer("capacity"),
    capacityUsed: integer("capacity_used").notNull().default(0),
    /** Every price of the event is in this currency. */
    currency: text("currency").notNull(),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull(),
    imageUrls: text("image_urls", { mode: "json" }).$type<string[]>().notNull(),
    contactName: text("contact_name"),
    contactEmail: text("contact_email"),
    /** How long a checkout holds its tickets before they return to sale. */
    holdMinutes: integer("hold_minutes").notNull().default(10),
    /** iCalendar SEQUENCE of the event's invitations (RFC 5546): raised by each change a guest's calendar shows, and by its cancellation. */
    icsSequence: integer("ics_sequence").notNull().default(0),
    createdByUserId: text("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    publishedAt: integer("published_at"),
    cancelledAt: integer("cancelled_at"),
  },
  (t) => [
    index("events_org_created").on(t.orgId, t.createdAt, t.id),
    index("events_org_starts").on(t.orgId, t.startsAt),
    check("events_window_ordered", sql`${t.endsAt} > ${t.startsAt}`),
    check("events_capacity_used", sql`${t.capacityUsed} >= 0 AND (${t.capacity} IS NULL OR ${t.capacityUsed} <= ${t.capacity})`),
    check("events_hold_minutes", sql`${t.holdMinutes} BETWEEN 1 AND 60`),
  ],
);

export const ticketTypes = sqliteTable(
  "ticket_types",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Minor units of the event's currency; 0 is free. */
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    /** Most of this type held or sold; null: limited only by quotas and the event's capacity. */
    quantity: integer("quantity"),
    quantityUsed: integer("quantity_used").notNull().default(0),
    minPerOrder: integer("min_per_order").notNull().default(1),
    maxPerOrder: integer("max_per_order").notNull().default(10),
    salesStartAt: integer("sales_start_at"),
    salesEndAt: integer("sales_end_at"),
    hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
    /** Unlocks a hidden type at checkout; compared as given (case-insensitively). */
    accessCode: text("access_code"),
    sortOrder: integer("sort_order").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("ticket_types_event").on(t.eventId, t.sortOrder, t.createdAt),
    check("ticket_types_quantity_used", sql`${t.quantityUsed} >= 0 AND (${t.quantity} IS NULL OR ${t.quantityUsed} <= ${t.quantity})`),
    check("ticket_types_price", sql`${t.price} >= 0`),
    check("ticket_types_per_order", sql`${t.minPerOrder} >= 1 AND ${t.maxPerOrder} >= ${t.minPerOrder}`),
  ],
);

/** A number of tickets shared by several ticket types of one event (a room, a section, early birds). */
export const quotas = sqliteTable(
  "quotas",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    used: integer("used").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("quotas_event").on(t.eventId, t.createdAt),
    check("quotas_used_within_size", sql`${t.used} >= 0 AND ${t.used} <= ${t.size}`),
  ],
);

/** Which ticket types draw on which quotas (a ticket takes one place in each of its type's quotas). */
export const ticketTypeQuotas = sqliteTable(
  "ticket_type_quotas",
  {
    orgId: orgId(),
    quotaId: text("quota_id")
      .notNull()
      .references(() => quotas.id, { onDelete: "cascade" }),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.quotaId, t.ticketTypeId] }), index("ticket_type_quotas_type").on(t.ticketTypeId)],
);

/** A checkout: `pending` while it holds its tickets (until `expires_at`), then paid, expired or cancelled. */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    status: text("status", { enum: ["pending", "paid", "expired", "cancelled", "refunded", "partially_refunded"] }).notNull(),
    buyerName: text("buyer_name").notNull(),
    buyerEmail: text("buyer_email").notNull(),
    total: integer("total").notNull(),
    currency: text("currency").notNull(),
    quantity: integer("quantity").notNull(),
    /** Unique, human-typable, no ambiguous characters. */
    confirmationCode: text("confirmation_code").notNull(),
    expiresAt: integer("expires_at").notNull(),
    /**
     * Set, with a fresh random value, by the one write that returns the order's tickets to sale
     * (expiry, cancellation): the counter updates of the same batch run only where it matches,
     * so two concurrent releases never return the stock twice.
     */
    releaseToken: text("release_token"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    paidAt: integer("paid_at"),
    cancelledAt: integer("cancelled_at"),
    /** The payments provider's PaymentIntent paying this order (none for a free order). */
    paymentIntentId: text("payment_intent_id"),
    /** Refunded so far, in minor units, as the provider's refund events say. */
    amountRefunded: integer("amount_refunded").notNull().default(0),
    /** The discount code applied at checkout, and what it took off the lines' sum (`total` is after it). */
    discountCodeId: text("discount_code_id"),
    discountCode: text("discount_code"),
    discountAmount: integer("discount_amount").notNull().default(0),
  },
  (t) => [
    uniqueIndex("orders_confirmation_code").on(t.confirmationCode),
    uniqueIndex("orders_payment_intent").on(t.paymentIntentId),
    index("orders_event_created").on(t.eventId, t.createdAt, t.id),
    index("orders_event_pending").on(t.eventId, t.status, t.expiresAt),
    index("orders_org_created").on(t.orgId, t.createdAt, t.id),
    check("orders_total", sql`${t.total} >= 0 AND ${t.quantity} >= 1`),
  ],
);

/** What an order holds of one ticket type. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
  },
  (t) => [index("order_lines_order").on(t.orderId), check("order_lines_quantity", sql`${t.quantity} >= 1 AND ${t.unitPrice} >= 0`)],
);

/** A paid order's tickets, one per seat, each with its own code (what is scanned at the door). */
export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id),
    /** Unique, unguessable, human-typable (see core's ticket codes). */
    code: text("code").notNull(),
    status: text("status", { enum: ["valid", "void"] })
      .notNull()
      .default("valid"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tickets_code").on(t.code), index("tickets_order").on(t.orderId), index("tickets_event").on(t.eventId, t.createdAt)],
);

/**
 * A discount code of one event: percent off or a fixed amount off each ticket of the types it
 * applies to (all when `ticket_type_ids` is null). `used` counts the orders holding or having
 * bought with it, taken in the checkout's batch like stock (the order is inserted only while
 * `used < max_uses`) and given back when a hold is released.
 */
export const discountCodes = sqliteTable(
  "discount_codes",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    /** Stored upper-case; matched case-insensitively. */
    code: text("code").notNull(),
    kind: text("kind", { enum: ["percent", "fixed"] }).notNull(),
    /** Percent (1–100) or minor units off each ticket. */
    value: integer("value").notNull(),
    ticketTypeIds: text("ticket_type_ids", { mode: "json" }).$type<string[]>(),
    maxUses: integer("max_uses"),
    used: integer("used").notNull().default(0),
    validFrom: integer("valid_from"),
    validUntil: integer("valid_until"),
    /** Deactivated by an organizer: no checkout takes it (its uses so far stay counted). */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("discount_codes_event_code").on(t.eventId, t.code),
    check("discount_codes_used", sql`${t.used} >= 0 AND (${t.maxUses} IS NULL OR ${t.used} <= ${t.maxUses})`),
    check("discount_codes_value", sql`${t.value} >= 1 AND (${t.kind} <> 'percent' OR ${t.value} <= 100)`),
  ],
);

/**
 * A check-in list of one event: what the door scans against. It admits tickets of the types it
 * names (every type when `ticket_type_ids` is null). Named generically: a list checks in
 * "targets" (tickets now; guests can be another kind of target later).
 */
export const checkinLists = sqliteTable(
  "checkin_lists",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    name: text("name").notNull(),
    ticketTypeIds: text("ticket_type_ids", { mode: "json" }).$type<string[]>(),
    /** Whether it also admits the event's confirmed guests (RSVP), by their personal token. */
    admitsGuests: integer("admits_guests", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("checkin_lists_event").on(t.eventId, t.createdAt)],
);

/**
 * One check-in of a target (a ticket) on a list. At most one live (not undone) check-in per
 * target and list, by a partial unique index: of two concurrent scans exactly one inserts. An
 * undo keeps the row (who and when) and frees the target to be checked in again.
 */
export const checkins = sqliteTable(
  "checkins",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    listId: text("list_id")
      .notNull()
      .references(() => checkinLists.id, { onDelete: "cascade" }),
    targetType: text("target_type", { enum: ["ticket", "guest"] }).notNull(),
    targetId: text("target_id").notNull(),
    checkedInAt: integer("checked_in_at").notNull(),
    /** Who scanned: a user id or a secret key id. */
    checkedInBy: text("checked_in_by").notNull(),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [
    uniqueIndex("checkins_live").on(t.listId, t.targetType, t.targetId).where(sql`undone_at IS NULL`),
    index("checkins_list").on(t.listId, t.checkedInAt),
    index("checkins_target").on(t.targetType, t.targetId),
  ],
);

/**
 * A refund of an order asked for by staff. Inserted (`pending`) only while the order's paid total
 * covers it and every earlier refund not failed, so two refunds at once can never give back more
 * than was paid; the provider is then asked with the refund's id as idempotency key. The order's
 * `amount_refunded` and status follow the provider's `charge.refunded` events, not this row.
 */
export const orderRefunds = sqliteTable(
  "order_refunds",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    amount: integer("amount").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    providerRefundId: text("provider_refund_id"),
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("order_refunds_order").on(t.orderId, t.createdAt), check("order_refunds_amount", sql`${t.amount} >= 1`)],
);

/**
 * A buyer waiting for a sold-out ticket type. When tickets come back (a hold expires, an order is
 * cancelled or refunded) the first waiting entry they fit is offered them: a hold in the entry's
 * name (`orderId`, `offered`), emailed with its payment link. Paying it makes the entry `claimed`;
 * letting it run out makes it `expired`, and the tickets go to the next entry. While anyone waits
 * for a type, the type is not sold to anyone else. One live entry per email and type.
 */
export const waitlistEntries = sqliteTable(
  "waitlist_entries",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: ["waiting", "offered", "claimed", "expired", "left"] }).notNull(),
    /** The hold offered to this entry. */
    orderId: text("order_id").references(() => orders.id),
    offeredAt: integer("offered_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("waitlist_type_status").on(t.ticketTypeId, t.status, t.createdAt, t.id),
    index("waitlist_event").on(t.eventId, t.createdAt, t.id),
    uniqueIndex("waitlist_live_email").on(t.ticketTypeId, t.email).where(sql`status IN ('waiting', 'offered')`),
    check("waitlist_quantity", sql`${t.quantity} >= 1`),
  ],
);
