import { CheckoutModeSchema } from "../accounts/schemas.js";
import { idSchema } from "../ids.js";
import { CurrencySchema, MinorUnitsSchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { TimeZoneSchema } from "../time.js";
import { ImageRefSchema } from "../uploads/schemas.js";
import { z } from "../zod.js";
import { AVAILABILITIES, EVENT_STATUSES } from "./lifecycle.js";

export const EventId = idSchema("event");
export const TicketTypeId = idSchema("ticketType");
export const QuotaId = idSchema("quota");
export const OrderId = idSchema("order");

const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const Title = text().trim().min(1).max(200);
const Description = text().trim().max(5000);
const Name = text().trim().min(1).max(120);
const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "grace@example.com" });
/** An http(s) URL or a completed upload's id (answered as its lasting URL). */
const ImageUrl = ImageRefSchema;
const Category = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be a lower-case slug such as live-music (letters, digits, dashes; up to 40)")
  .openapi({ example: "live-music" });
/** `schema` or null, without making a registered component nullable everywhere (see plans/schemas/shared.ts). */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
const unique = (list: readonly string[]) => new Set(list).size === list.length;

export const EventStatusSchema = z.enum(EVENT_STATUSES).openapi("EventStatus", {
  description: "draft → published ⇄ unpublished; any but cancelled → cancelled. Only published events are public.",
});
export const AvailabilitySchema = z.enum(AVAILABILITIES).openapi("Availability", {
  description: "Derived from the status, the sales windows and the remaining stock at the time of the answer.",
});

const Line = text().trim().min(1).max(200);
export const EventAddressSchema = z
  .strictObject({
    line1: Line.nullish(),
    line2: Line.nullish(),
    city: Line.nullish(),
    region: Line.nullish(),
    postalCode: text().trim().min(1).max(20).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as PT")
      .nullish(),
  })
  .openapi("EventAddressInput");

export const EventVenueInputSchema = z
  .strictObject({
    name: Name.openapi({ example: "Coliseu dos Recreios" }),
    address: EventAddressSchema.optional(),
    lat: z.number().min(-90).max(90).nullish(),
    lng: z.number().min(-180).max(180).nullish(),
  })
  .refine((v) => (v.lat == null) === (v.lng == null), { message: "give both lat and lng, or neither", path: ["lat"] })
  .openapi("EventVenueInput");

export const EventVenueSchema = z
  .object({
    name: z.string(),
    address: z.object({
      line1: z.string().nullable(),
      line2: z.string().nullable(),
      city: z.string().nullable(),
      region: z.string().nullable(),
      postalCode: z.string().nullable(),
      country: z.string().nullable(),
    }),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
  })
  .openapi("EventVenue");

export const EventContactInputSchema = z.strictObject({ name: Name.nullish(), email: Email.nullish() }).openapi("EventContactInput");

export const EventSchema = z
  .object({
    id: EventId,
    status: EventStatusSchema,
    availability: AvailabilitySchema,
    title: z.string(),
    description: z.string(),
    venue: orNull(EventVenueSchema),
    timeZone: z.string().openapi({ example: "Europe/Lisbon" }),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    capacity: z.number().int().nullable().openapi({ description: "Most tickets across every type; null: no event-wide limit." }),
    remaining: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Tickets still for sale across the public types (holds count as taken); null: unlimited." }),
    currency: z.string().openapi({ example: "EUR" }),
    categories: z.array(z.string()),
    imageUrls: z.array(z.string()),
    contact: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
    holdMinutes: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    publishedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
  })
  .openapi("Event");
export type TicketedEvent = z.infer<typeof EventSchema>;

const eventFields = {
  title: Title.openapi({ example: "Fado night" }),
  description: Description,
  venue: EventVenueInputSchema,
  timeZone: TimeZoneSchema,
  startsAt: Instant,
  endsAt: Instant,
  capacity: z.number().int().min(1).max(1_000_000),
  categories: z.array(Category).max(10).refine(unique, "list each category once"),
  imageUrls: z.array(ImageUrl).max(10),
  contact: EventContactInputSchema,
  holdMinutes: z.number().int().min(1).max(60),
};

function windowIssue(startsAt: string | undefined, endsAt: string | undefined) {
  return startsAt !== undefined && endsAt !== undefined && Date.parse(endsAt) <= Date.parse(startsAt);
}

export const CreateEventSchema = z
  .strictObject({
    title: eventFields.title,
    description: eventFields.description.default(""),
    venue: eventFields.venue.optional(),
    timeZone: eventFields.timeZone,
    startsAt: eventFields.startsAt,
    endsAt: eventFields.endsAt,
    capacity: eventFields.capacity.optional(),
    currency: CurrencySchema,
    categories: eventFields.categories.default([]),
    imageUrls: eventFields.imageUrls.default([]),
    contact: eventFields.contact.optional(),
    holdMinutes: eventFields.holdMinutes
      .default(10)
      .openapi({ description: "How long a checkout holds its tickets before they return to sale (1–60 minutes)." }),
  })
  .refine((e) => !windowIssue(e.startsAt, e.endsAt), { message: "must be after startsAt", path: ["endsAt"] })
  .openapi("CreateEventRequest");
export type CreateEventInput = z.input<typeof CreateEventSchema>;
export type CreateEvent = z.output<typeof CreateEventSchema>;

/** A partial update; `null` clears an optional field. The currency is fixed at creation. */
export const UpdateEventSchema = z
  .strictObject({
    title: eventFields.title.optional(),
    description: eventFields.description.optional(),
    venue: orNull(eventFields.venue).optional(),
    timeZone: eventFields.timeZone.optional(),
    startsAt: eventFields.startsAt.optional(),
    endsAt: eventFields.endsAt.optional(),
    capacity: eventFields.capacity.nullable().optional(),
    categories: eventFields.categories.optional(),
    imageUrls: eventFields.imageUrls.optional(),
    contact: orNull(eventFields.contact).optional(),
    holdMinutes: eventFields.holdMinutes.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .refine((e) => !windowIssue(e.startsAt, e.endsAt), { message: "must be after startsAt", path: ["endsAt"] })
  .openapi("UpdateEventRequest");
export type UpdateEventInput = z.input<typeof UpdateEventSchema>;
export type UpdateEvent = z.output<typeof UpdateEventSchema>;

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });
export const EventListQuerySchema = PageQuerySchema.extend({
  status: EventStatusSchema.optional().openapi(
    q("status", "Only events with this status (organizers; a publishable key sees published ones only)."),
  ),
  q: text().trim().min(1).max(100).optional().openapi(q("q", "Text to find in the title, description or venue name.")),
  category: Category.optional().openapi(q("category", "Only events with this category.")),
  from: Instant.optional().openapi(q("from", "Only events that end after this time.")),
  to: Instant.optional().openapi(q("to", "Only events that start before this time.")),
}).refine((x) => !(x.from && x.to && Date.parse(x.to) <= Date.parse(x.from)), { message: "must be after from", path: ["to"] });
export type EventListQuery = z.output<typeof EventListQuerySchema>;
export const EventPageSchema = pageSchema(EventSchema, "EventPage");

// ---- ticket types ----------------------------------------------------------------------------

const AccessCode = z
  .string()
  .trim()
  .min(4)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes only")
  .openapi({ example: "FRIENDS24" });

export const TicketTypeSchema = z
  .object({
    id: TicketTypeId,
    eventId: EventId,
    name: z.string(),
    description: z.string(),
    price: z.number().int().openapi({ description: "Minor units of `currency`; 0 is free.", example: 2500 }),
    currency: z.string(),
    quantity: z.number().int().nullable().openapi({ description: "Most of this type; null: limited by quotas and capacity only." }),
    remaining: z.number().int().nullable().openapi({ description: "Still for sale now (holds count as taken); null: unlimited." }),
    availability: AvailabilitySchema,
    minPerOrder: z.number().int(),
    maxPerOrder: z.number().int(),
    salesStartAt: z.iso.datetime().nullable(),
    salesEndAt: z.iso.datetime().nullable(),
    hidden: z.boolean(),
    accessCode: z.string().nullable().openapi({ description: "Shown to organizers only (null for everyone else)." }),
    sortOrder: z.number().int(),
    quotaIds: z.array(QuotaId),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("TicketType");
export type TicketType = z.infer<typeof TicketTypeSchema>;

const ticketTypeFields = {
  name: Name.openapi({ example: "General admission" }),
  description: Description,
  price: MinorUnitsSchema,
  quantity: z.number().int().min(1).max(1_000_000),
  minPerOrder: z.number().int().min(1).max(100),
  maxPerOrder: z.number().int().min(1).max(100),
  salesStartAt: Instant,
  salesEndAt: Instant,
  hidden: z.boolean(),
  accessCode: AccessCode,
  sortOrder: z.number().int().min(0).max(10_000),
};

interface TicketTypeCross {
  minPerOrder?: number;
  maxPerOrder?: number;
  salesStartAt?: string | null;
  salesEndAt?: string | null;
  hidden?: boolean;
  accessCode?: string | null;
}
/** Cross-field problems of a ticket type (also checked by the API after an update is merged). */
export function ticketTypeIssues(t: TicketTypeCross): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (t.minPerOrder !== undefined && t.maxPerOrder !== undefined && t.maxPerOrder < t.minPerOrder) {
    out.push({ path: "maxPerOrder", message: "must be at least minPerOrder" });
  }
  if (t.salesStartAt && t.salesEndAt && Date.parse(t.salesEndAt) <= Date.parse(t.salesStartAt)) {
    out.push({ path: "salesEndAt", message: "must be after salesStartAt" });
  }
  if (t.hidden === true && t.accessCode === null)
    out.push({ path: "accessCode", message: "a hidden ticket type needs an accessCode to unlock it" });
  return out;
}
const addIssues = (issues: { path: string; message: string }[], ctx: z.RefinementCtx) => {
  for (const i of issues) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
};

export const CreateTicketTypeSchema = z
  .strictObject({
    name: ticketTypeFields.name,
    description: ticketTypeFields.description.default(""),
    price: ticketTypeFields.price,
    currency: CurrencySchema.openapi({ description: "Must be the event's currency." }),
    quantity: ticketTypeFields.quantity.optional(),
    minPerOrder: ticketTypeFields.minPerOrder.default(1),
    maxPerOrder: ticketTypeFields.maxPerOrder.default(10),
    salesStartAt: ticketTypeFields.salesStartAt.optional(),
    salesEndAt: ticketTypeFields.salesEndAt.optional(),
    hidden: ticketTypeFields.hidden.default(false).openapi({ description: "Sold only to buyers who give its accessCode." }),
    accessCode: ticketTypeFields.accessCode.optional(),
    sortOrder: ticketTypeFields.sortOrder.default(0),
  })
  .superRefine((t, ctx) =>
    addIssues(ticketTypeIssues({ ...t, salesStartAt: t.salesStartAt, salesEndAt: t.salesEndAt, accessCode: t.accessCode ?? null }), ctx),
  )
  .openapi("CreateTicketTypeRequest");
export type CreateTicketTypeInput = z.input<typeof CreateTicketTypeSchema>;
export type CreateTicketType = z.output<typeof CreateTicketTypeSchema>;

export const UpdateTicketTypeSchema = z
  .strictObject({
    name: ticketTypeFields.name.optional(),
    description: ticketTypeFields.description.optional(),
    price: ticketTypeFields.price.optional(),
    quantity: ticketTypeFields.quantity.nullable().optional(),
    minPerOrder: ticketTypeFields.minPerOrder.optional(),
    maxPerOrder: ticketTypeFields.maxPerOrder.optional(),
    salesStartAt: ticketTypeFields.salesStartAt.nullable().optional(),
    salesEndAt: ticketTypeFields.salesEndAt.nullable().optional(),
    hidden: ticketTypeFields.hidden.optional(),
    accessCode: ticketTypeFields.accessCode.nullable().optional(),
    sortOrder: ticketTypeFields.sortOrder.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .superRefine((u, ctx) => addIssues(ticketTypeIssues(u), ctx))
  .openapi("UpdateTicketTypeRequest");
export type UpdateTicketType = z.output<typeof UpdateTicketTypeSchema>;

export const TicketTypeListQuerySchema = z.object({
  accessCode: AccessCode.optional().openapi(q("accessCode", "Also list the hidden types this code unlocks.")),
});
export const TicketTypeListSchema = z.object({ data: z.array(TicketTypeSchema) }).openapi("TicketTypeList");

// ---- quotas ----------------------------------------------------------------------------------

export const QuotaSchema = z
  .object({
    id: QuotaId,
    eventId: EventId,
    name: z.string(),
    size: z.number().int(),
    used: z.number().int().openapi({ description: "Held or sold." }),
    remaining: z.number().int(),
    ticketTypeIds: z.array(TicketTypeId),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Quota");
export type Quota = z.infer<typeof QuotaSchema>;

const QuotaTicketTypeIds = z
  .array(TicketTypeId)
  .min(1)
  .max(50)
  .refine(unique, "list each ticket type once")
  .openapi({ description: "The ticket types that draw on this quota (of the same event)." });

export const CreateQuotaSchema = z
  .strictObject({
    name: Name.openapi({ example: "Main hall" }),
    size: z.number().int().min(0).max(1_000_000),
    ticketTypeIds: QuotaTicketTypeIds,
  })
  .openapi("CreateQuotaRequest");
export type CreateQuota = z.output<typeof CreateQuotaSchema>;
export const QuotaListSchema = z.object({ data: z.array(QuotaSchema) }).openapi("QuotaList");

/**
 * Renames or resizes a quota, or changes which ticket types draw on it (the whole new set; it
 * then counts what those types hold or sold, which must fit its size).
 */
export const UpdateQuotaSchema = z
  .strictObject({
    name: Name.optional(),
    size: z.number().int().min(0).max(1_000_000).optional(),
    ticketTypeIds: QuotaTicketTypeIds.optional().openapi({
      description: "The ticket types that draw on this quota from now on (replaces the set; of the same event).",
    }),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .openapi("UpdateQuotaRequest");
export type UpdateQuota = z.output<typeof UpdateQuotaSchema>;

// ---- orders ----------------------------------------------------------------------------------

export const ORDER_STATUSES = ["pending", "paid", "expired", "cancelled", "refunded", "partially_refunded"] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES).openapi("OrderStatus", {
  description: "pending (holding its tickets until expiresAt) → paid → refunded | partially_refunded; pending → expired | cancelled.",
});

export const OrderLineInputSchema = z
  .strictObject({ ticketTypeId: TicketTypeId, quantity: z.number().int().min(1).max(100) })
  .openapi("OrderLineInput");

export const CreateOrderSchema = z
  .strictObject({
    buyer: z.strictObject({ name: Name.openapi({ example: "Grace Hopper" }), email: Email }),
    lines: z
      .array(OrderLineInputSchema)
      .min(1)
      .max(20)
      .refine((ls) => unique(ls.map((l) => l.ticketTypeId)), "list each ticket type once"),
    accessCode: AccessCode.optional().openapi({ description: "Unlocks hidden ticket types." }),
    discountCode: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes only")
      .optional()
      .openapi({ description: "A discount code of the event (any case).", example: "EARLYBIRD" }),
    returnUrl: text(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
      .max(2000)
      .optional()
      .openapi({
        description:
          "The buyer's page, where Stripe Checkout brings them back (`checkout_redirect` and `checkout_embedded`), with `gk_order` and `gk_payment` (`paid` or `cancelled`) added to its query. With a publishable key it must be on the request's own origin (one of the key's allowed origins). Without it: the API's own return page.",
        example: "https://tickets.example.com/spring-gala",
      }),
  })
  .openapi("CreateOrderRequest");
export type CreateOrderInput = z.input<typeof CreateOrderSchema>;
export type CreateOrder = z.output<typeof CreateOrderSchema>;

export const OrderPaymentSchema = z
  .object({
    provider: z.enum(["stripe", "local"]),
    paymentIntentId: z
      .string()
      .openapi({ description: "The PaymentIntent's id (`pi_…`), or the Checkout Session's (`cs_…`) in the Checkout modes." }),
    mode: CheckoutModeSchema.nullable().openapi({
      description:
        "How the buyer pays with Stripe (the organization's `checkoutMode`); null for the local provider, and in later reads. Only in the answer that started the checkout.",
    }),
    clientSecret: z.string().nullable().openapi({
      description:
        "For Stripe.js in the buyer's page: the PaymentIntent's (`payment_element`, with the Payment Element) or the Checkout Session's (`checkout_embedded`, with `initEmbeddedCheckout`). Only in the answer that started the checkout.",
    }),
    checkoutUrl: z.string().nullable().openapi({
      description:
        "A page to pay on: the local provider's checkout (embedded default) or Stripe Checkout's (`checkout_redirect`). Only in the answer that started the checkout.",
    }),
    publishableKey: z.string().nullable().openapi({
      description:
        "Stripe's publishable key (`pk_…`) for Stripe.js, with `clientSecret` (`payment_element`, `checkout_embedded`). Only in the answer that started the payment.",
    }),
    stripeAccount: z.string().nullable().openapi({
      description:
        "Stripe Connect: the connected account (`acct_…`) Stripe.js must act on; null for the platform account. Only in the answer that started the payment.",
    }),
  })
  .openapi("OrderPayment");

export const TicketSchema = z
  .object({
    id: idSchema("ticket"),
    ticketTypeId: TicketTypeId,
    code: z.string().openapi({ example: "K7QX-9MDA-3FHT", description: "What is scanned or typed at the door." }),
    status: z.enum(["valid", "void"]).openapi({ description: "void once its order is fully refunded." }),
    qrUrl: z.string().nullable().openapi({
      description: "An SVG QR code of the ticket's code (no credential needed: the link carries the order's buyerToken); null in lists.",
    }),
  })
  .openapi("Ticket");
export type Ticket = z.infer<typeof TicketSchema>;

export const OrderSchema = z
  .object({
    id: OrderId,
    eventId: EventId,
    status: OrderStatusSchema,
    buyer: z.object({ name: z.string(), email: z.string() }),
    lines: z.array(z.object({ ticketTypeId: TicketTypeId, quantity: z.number().int(), unitPrice: z.number().int() })),
    quantity: z.number().int(),
    total: z.number().int().openapi({ description: "Minor units of `currency`." }),
    currency: z.string(),
    confirmationCode: z.string().openapi({ example: "K7QX-9MDA" }),
    expiresAt: z.iso.datetime().openapi({ description: "A pending order's hold ends then; its tickets return to sale." }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    payment: orNull(OrderPaymentSchema).openapi({ description: "How the order is paid; null for a free order." }),
    tickets: z.array(TicketSchema).openapi({ description: "Issued once the order is paid (at once for a free order)." }),
    discount: orNull(z.object({ code: z.string(), amount: z.number().int() })).openapi({
      description: "The discount code applied at checkout and what it took off (`total` is after it); null without one.",
    }),
    amountRefunded: z.number().int().openapi({ description: "Refunded so far, as the payments provider reported it." }),
    buyerToken: z.string().nullable().openapi({
      description:
        "Lets the buyer read this order and its tickets without a credential (GET /v1/buyer/orders/{orderId}?token=…); the confirmation email links to it. Null in lists.",
    }),
  })
  .openapi("Order");
export type Order = z.infer<typeof OrderSchema>;

export const OrderListQuerySchema = PageQuerySchema.extend({
  status: OrderStatusSchema.optional().openapi(q("status", "Only orders with this status.")),
  q: text().trim().min(1).max(100).optional().openapi(q("q", "Text to find in the buyer's name or email or the confirmation code.")),
});
export type OrderListQuery = z.output<typeof OrderListQuerySchema>;
export const OrderPageSchema = pageSchema(OrderSchema, "OrderPage");
