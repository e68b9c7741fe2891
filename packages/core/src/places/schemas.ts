import { idSchema } from "../ids.js";
import { CurrencySchema, MinorUnitsSchema, MoneySchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { TimeZoneSchema } from "../time.js";
import { ImageRefSchema } from "../uploads/schemas.js";
import { z } from "../zod.js";
import { minuteOf, WEEKDAYS } from "./rules.js";

export const PlaceId = idSchema("place");
export const BookingId = idSchema("booking");
export const ReviewId = idSchema("review");
const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const IsoDate = z.iso.date({ message: "must be a date such as 2030-07-01" });
/** `schema` or null, leaving a registered component itself non-nullable (see plans' orNull). */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

export const PLACE_KINDS = ["parking", "venue", "room", "desk", "other"] as const;
export const PlaceKindSchema = z.enum(PLACE_KINDS).openapi("PlaceKind", {
  description:
    "`parking`: spots booked by the minute. `venue`, `room`, `desk`: usually booked by slot. The engine is the same: a capacity over time.",
});
export type PlaceKind = z.infer<typeof PlaceKindSchema>;

export const PLACE_FEATURES = [
  "covered",
  "cctv",
  "ev_charging",
  "accessible",
  "height_limit",
  "open_24_7",
  "staffed",
  "bike_parking",
  "wifi",
  "projector",
  "kitchen",
  "outdoor",
] as const;
export const PlaceFeatureSchema = z.enum(PLACE_FEATURES).openapi("PlaceFeature");
export type PlaceFeature = z.infer<typeof PlaceFeatureSchema>;

export const AddressSchema = z
  .strictObject({
    line1: text().trim().min(1).max(200).openapi({ example: "Rua Augusta 24" }),
    line2: text().trim().max(200).optional(),
    city: text().trim().min(1).max(120).openapi({ example: "Lisbon" }),
    postalCode: text().trim().max(20).optional(),
    region: text().trim().max(120).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as PT")
      .openapi({ example: "PT" }),
  })
  .openapi("Address");

export const LatLngSchema = z
  .strictObject({
    lat: z.number().min(-90).max(90).openapi({ example: 38.7107 }),
    lng: z.number().min(-180).max(180).openapi({ example: -9.1366 }),
  })
  .openapi("LatLng");

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a local time HH:MM (00:00–24:00)");
export const HoursIntervalSchema = z
  .strictObject({ open: HHMM.openapi({ example: "08:00" }), close: HHMM.openapi({ example: "20:00" }) })
  .refine((i) => minuteOf(i.close) > minuteOf(i.open), { message: "close must be after open", path: ["close"] })
  .openapi("HoursInterval");

const DayHours = z
  .array(HoursIntervalSchema)
  .max(6)
  .refine((list) => {
    const sorted = [...list].sort((a, b) => minuteOf(a.open) - minuteOf(b.open));
    return sorted.every((i, k) => k === 0 || minuteOf(i.open) >= minuteOf(sorted[k - 1]?.close ?? "00:00"));
  }, "intervals of one day must not overlap");

export const OpeningHoursSchema = z
  .strictObject({
    weekly: z
      .strictObject(
        Object.fromEntries(WEEKDAYS.map((d) => [d, DayHours.default([])])) as Record<
          (typeof WEEKDAYS)[number],
          z.ZodDefault<typeof DayHours>
        >,
      )
      .openapi({ description: "Local opening intervals per weekday (`sun`…`sat`); a day left out is closed." }),
    exceptions: z
      .array(z.strictObject({ date: IsoDate, hours: DayHours }))
      .max(366)
      .default([])
      .refine((list) => new Set(list.map((e) => e.date)).size === list.length, "one exception per date")
      .openapi({ description: "Dates whose hours replace their weekday's (a holiday: `hours: []`)." }),
  })
  .openapi("OpeningHours", { description: "Local hours in the place's time zone. null: open around the clock." });

export const PricingSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("hourly"),
      currency: CurrencySchema,
      perHour: MinorUnitsSchema.openapi({ description: "Per hour, charged pro rata to the minute (rounded up to a minor unit)." }),
      dailyMax: MinorUnitsSchema.nullable()
        .default(null)
        .openapi({ description: "Most charged for one local calendar day of a booking; null: no cap." }),
    }),
    z.strictObject({ mode: z.literal("slot"), currency: CurrencySchema, perSlot: MinorUnitsSchema }),
  ])
  .openapi("PlacePricing");

export const SlotSettingsSchema = z
  .strictObject({
    lengthMinutes: z.number().int().min(5).max(1440).openapi({ example: 60 }),
    bufferMinutes: z.number().int().min(0).max(720).default(0).openapi({ description: "Kept free after each booking." }),
  })
  .openapi("SlotSettings", { description: "For places booked by slot: slots start at each opening, one every length + buffer minutes." });

/** An http(s) URL or a completed upload's id (answered as its lasting URL). */
export const ImageUrl = ImageRefSchema;

const placeFields = {
  kind: PlaceKindSchema,
  name: text().trim().min(1).max(200).openapi({ example: "Baixa Garage" }),
  description: text().trim().max(5000),
  address: AddressSchema,
  location: LatLngSchema,
  timeZone: TimeZoneSchema,
  capacity: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .openapi({ description: "Spots, seats or 1 for a room: bookings that may overlap at any instant." }),
  pricing: PricingSchema,
  openingHours: orNull(OpeningHoursSchema),
  features: z
    .array(PlaceFeatureSchema)
    .max(PLACE_FEATURES.length)
    .refine((f) => new Set(f).size === f.length, "list each feature once"),
  images: z.array(ImageUrl).max(20),
  active: z.boolean(),
  slots: orNull(SlotSettingsSchema),
  horizonDays: z.number().int().min(1).max(730).openapi({ description: "A booking may start at most this many days ahead." }),
  leadMinutes: z.number().int().min(0).max(10_080).openapi({ description: "A booking must start at least this many minutes from now." }),
  reviewModeration: z.boolean().openapi({ description: "Reviews stay hidden until an organizer approves them." }),
  onlinePayment: z.boolean().openapi({
    description:
      "Priced bookings are paid online through the payments provider: they are `pending_payment` (holding their capacity for `paymentHoldMinutes`) until the provider confirms the payment. false: bookings are confirmed at once and paid on site.",
  }),
  paymentHoldMinutes: z
    .number()
    .int()
    .min(1)
    .max(120)
    .openapi({ description: "How long an unpaid booking or extension holds its capacity." }),
  freeCancellationMinutes: z
    .number()
    .int()
    .min(0)
    .max(43_200)
    .openapi({ description: "A booker who cancels at least this many minutes before the start is refunded in full." }),
  lateRefundPercent: z
    .number()
    .int()
    .min(0)
    .max(100)
    .openapi({ description: "The share of the price refunded to a booker who cancels later than that (but before the start)." }),
};

/** Cross-field problems of a place's settings (empty when fine), on create and after an update is merged. */
export function placeFieldIssues(p: { pricing?: { mode: string } | undefined; slots?: unknown }): { path: string; message: string }[] {
  if (p.pricing === undefined || p.slots === undefined) return [];
  if (p.pricing.mode === "slot" && p.slots === null) return [{ path: "slots", message: "slot pricing needs slot settings" }];
  if (p.pricing.mode === "hourly" && p.slots !== null) return [{ path: "pricing", message: "a place booked by slot is priced per slot" }];
  return [];
}

export const CreatePlaceSchema = z
  .strictObject({
    ...placeFields,
    description: placeFields.description.default(""),
    openingHours: placeFields.openingHours.default(null),
    features: placeFields.features.default([]),
    images: placeFields.images.default([]),
    active: placeFields.active.default(true),
    slots: placeFields.slots.default(null),
    horizonDays: placeFields.horizonDays.default(90),
    leadMinutes: placeFields.leadMinutes.default(0),
    reviewModeration: placeFields.reviewModeration.default(true),
    onlinePayment: placeFields.onlinePayment.default(false),
    paymentHoldMinutes: placeFields.paymentHoldMinutes.default(15),
    freeCancellationMinutes: placeFields.freeCancellationMinutes.default(0),
    lateRefundPercent: placeFields.lateRefundPercent.default(0),
  })
  .superRefine((p, ctx) => {
    for (const i of placeFieldIssues(p)) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("CreatePlaceRequest");
export type CreatePlaceInput = z.input<typeof CreatePlaceSchema>;
export type CreatePlace = z.output<typeof CreatePlaceSchema>;

export const UpdatePlaceSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(placeFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof placeFields]: z.ZodOptional<(typeof placeFields)[K]>;
    },
  )
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .openapi("UpdatePlaceRequest");
export type UpdatePlaceInput = z.input<typeof UpdatePlaceSchema>;
export type UpdatePlace = z.output<typeof UpdatePlaceSchema>;

export const RatingSchema = z
  .object({
    average: z.number().nullable().openapi({ example: 4.5, description: "Mean of the approved reviews; null without any." }),
    count: z.number().int(),
  })
  .openapi("PlaceRating");

export const PlaceSchema = z
  .object({
    id: PlaceId,
    kind: PlaceKindSchema,
    name: z.string(),
    description: z.string(),
    address: AddressSchema,
    location: LatLngSchema,
    timeZone: z.string(),
    capacity: z.number().int(),
    pricing: PricingSchema,
    openingHours: orNull(OpeningHoursSchema),
    features: z.array(PlaceFeatureSchema),
    images: z.array(z.string()),
    active: z.boolean(),
    slots: orNull(SlotSettingsSchema),
    horizonDays: z.number().int(),
    leadMinutes: z.number().int(),
    reviewModeration: z.boolean(),
    onlinePayment: z.boolean(),
    paymentHoldMinutes: z.number().int(),
    freeCancellationMinutes: z.number().int(),
    lateRefundPercent: z.number().int(),
    rating: RatingSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Place");
export type Place = z.infer<typeof PlaceSchema>;

const q = (name: string) => ({ param: { name, in: "query" as const } });
const BoolParam = z.enum(["true", "false"]).transform((s) => s === "true");

export const PlaceListQuerySchema = PageQuerySchema.extend({
  kind: PlaceKindSchema.optional().openapi({ ...q("kind"), description: "Only places of this kind." }),
  active: BoolParam.optional().openapi({
    ...q("active"),
    description: "Only active (true) or inactive (false) places; organizers only see inactive ones.",
  }),
});
export type PlaceListQuery = z.output<typeof PlaceListQuerySchema>;
export const PlacePageSchema = pageSchema(PlaceSchema, "PlacePage");

/** A window in a query: `start` and `end`, both or neither. */
const windowQuery = {
  start: Instant.optional().openapi({ ...q("start"), example: "2030-07-01T09:00:00Z" }),
  end: Instant.optional().openapi({ ...q("end"), example: "2030-07-01T12:00:00Z" }),
};
const windowOrdered = (w: { start?: string | undefined; end?: string | undefined }) =>
  w.start === undefined || w.end === undefined || Date.parse(w.end) > Date.parse(w.start);
const windowBoth = (w: { start?: string | undefined; end?: string | undefined }) => (w.start === undefined) === (w.end === undefined);

export const MAX_WINDOW_DAYS = 31;
const windowShort = (w: { start?: string | undefined; end?: string | undefined }) =>
  w.start === undefined || w.end === undefined || Date.parse(w.end) - Date.parse(w.start) <= MAX_WINDOW_DAYS * 86_400_000;

export const AvailabilityQuerySchema = z
  .object({ start: windowQuery.start.unwrap(), end: windowQuery.end.unwrap() })
  .refine(windowOrdered, { message: "must be after start", path: ["end"] })
  .refine(windowShort, { message: `a window is at most ${MAX_WINDOW_DAYS} days`, path: ["end"] });
export type AvailabilityQuery = z.output<typeof AvailabilityQuerySchema>;

export const PlaceAvailabilitySchema = z
  .object({
    placeId: PlaceId,
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    capacity: z.number().int(),
    freeCapacity: z.number().int().openapi({ description: "Capacity less the most bookings at any one instant of the window." }),
    open: z.boolean().openapi({ description: "Whether the place is open for the whole window." }),
    price: orNull(MoneySchema).openapi({
      description: "What the window costs (a slot place: one slot); null when it cannot be booked as one booking.",
    }),
  })
  .openapi("PlaceAvailability");
export type PlaceAvailability = z.infer<typeof PlaceAvailabilitySchema>;

export const SlotsQuerySchema = z.object({
  date: IsoDate.openapi({ ...q("date"), description: "A local date at the place." }),
});
export const SlotListSchema = z
  .object({
    placeId: PlaceId,
    date: z.string(),
    slots: z.array(z.object({ start: z.iso.datetime(), end: z.iso.datetime(), freeCapacity: z.number().int() })),
  })
  .openapi("PlaceSlots");
export type SlotList = z.infer<typeof SlotListSchema>;

/** A query parameter in decimal degrees between `min` and `max`. */
const Degrees = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,20})?$/, "must be a decimal number of degrees such as 38.71")
    .transform(Number)
    .pipe(z.number().min(min).max(max));

export const SEARCH_SORTS = ["distance", "price"] as const;
export const PlaceSearchQuerySchema = z
  .object({
    lat: Degrees(-90, 90).openapi({ ...q("lat"), example: "38.71", description: "Latitude in degrees." }),
    lng: Degrees(-180, 180).openapi({ ...q("lng"), example: "-9.14", description: "Longitude in degrees." }),
    radiusKm: z.coerce
      .number()
      .gt(0)
      .max(200)
      .default(5)
      .openapi({ ...q("radiusKm"), example: 2 }),
    kind: PlaceKindSchema.optional().openapi(q("kind")),
    features: z
      .string()
      .max(400)
      .refine((s) => s.split(",").every((f) => (PLACE_FEATURES as readonly string[]).includes(f)), {
        message: `must be a comma-separated list of features: ${PLACE_FEATURES.join(", ")}`,
      })
      .transform((s) => s.split(",") as PlaceFeature[])
      .optional()
      .openapi({ ...q("features"), description: "Comma-separated features every result has.", example: "covered,ev_charging" }),
    ...windowQuery,
    available: BoolParam.optional().openapi({
      ...q("available"),
      description: "With a window: only places with a free spot for all of it.",
    }),
    sort: z
      .enum(SEARCH_SORTS)
      .default("distance")
      .openapi({ ...q("sort"), description: "`price` needs a window." }),
    limit: PageQuerySchema.shape.limit,
    cursor: PageQuerySchema.shape.cursor,
  })
  .refine(windowBoth, { message: "give both start and end, or neither", path: ["end"] })
  .refine(windowOrdered, { message: "must be after start", path: ["end"] })
  .refine(windowShort, { message: `a window is at most ${MAX_WINDOW_DAYS} days`, path: ["end"] })
  .refine((s) => s.sort !== "price" || s.start !== undefined, { message: "sorting by price needs start and end", path: ["sort"] })
  .refine((s) => s.available === undefined || s.start !== undefined, { message: "needs start and end", path: ["available"] });
export type PlaceSearchQuery = z.output<typeof PlaceSearchQuerySchema>;

export const PlaceSearchResultSchema = z
  .object({
    place: PlaceSchema,
    distanceKm: z.number(),
    freeCapacity: z.number().int().nullable().openapi({ description: "For the window asked for; null without one." }),
    price: orNull(MoneySchema).openapi({
      description: "For the window asked for; null without one or when it cannot be booked as one booking.",
    }),
  })
  .openapi("PlaceSearchResult");
export type PlaceSearchResult = z.infer<typeof PlaceSearchResultSchema>;
export const PlaceSearchPageSchema = pageSchema(PlaceSearchResultSchema, "PlaceSearchPage");

// --- Bookings -------------------------------------------------------------------------------

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

export const CreateBookingSchema = z
  .strictObject({
    placeId: PlaceId,
    start: Instant.openapi({ example: "2030-07-01T09:00:00Z" }),
    durationMinutes: z
      .number()
      .int()
      .min(1, "must be at least one minute")
      .max(MAX_WINDOW_DAYS * 1440)
      .optional()
      .openapi({ description: "Required for a place booked by the hour; for a slot place, omit it (or give the slot's length)." }),
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
    durationMinutes: z
      .number()
      .int()
      .min(1, "must be at least one minute")
      .max(MAX_WINDOW_DAYS * 1440)
      .optional()
      .openapi({ description: "As for a booking: required for a place booked by the hour, omitted for a slot." }),
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

// --- Reviews --------------------------------------------------------------------------------

export const REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES).openapi("ReviewStatus");

export const CreateReviewSchema = z
  .strictObject({
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    text: text().trim().max(2000).default(""),
  })
  .openapi("CreateReviewRequest");
export type CreateReview = z.output<typeof CreateReviewSchema>;

export const ModerateReviewSchema = z
  .strictObject({
    status: z.enum(["approved", "rejected"]),
    reason: text().trim().min(1).max(500).optional(),
  })
  .refine((m) => m.status !== "rejected" || m.reason !== undefined, { message: "say why the review is rejected", path: ["reason"] })
  .openapi("ModerateReviewRequest");
export type ModerateReview = z.output<typeof ModerateReviewSchema>;

export const ReplyReviewSchema = z
  .strictObject({
    text: text()
      .trim()
      .min(1, "must not be empty")
      .max(2000)
      .openapi({ example: "Thank you! The entrance is now signposted from the street." }),
  })
  .openapi("ReplyReviewRequest");
export type ReplyReview = z.output<typeof ReplyReviewSchema>;

export const ReviewSchema = z
  .object({
    id: ReviewId,
    placeId: PlaceId,
    bookingId: BookingId,
    rating: z.number().int(),
    text: z.string(),
    authorName: z.string(),
    status: ReviewStatusSchema,
    moderationReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    moderatedAt: z.iso.datetime().nullable(),
    reply: z
      .object({ text: z.string(), at: z.iso.datetime() })
      .nullable()
      .openapi({ description: "The organizer's public reply, shown with the review; null: none." }),
  })
  .openapi("Review");
export type Review = z.infer<typeof ReviewSchema>;

export const ReviewListQuerySchema = PageQuerySchema.extend({
  status: ReviewStatusSchema.optional().openapi({ ...q("status"), description: "Organizers only; others see approved reviews." }),
});
export type ReviewListQuery = z.output<typeof ReviewListQuerySchema>;
export const ReviewPageSchema = pageSchema(ReviewSchema, "ReviewPage");

export { MoneySchema };

const minutes = z.number().int().min(0);

/**
 * How busy a place was over a date range, counted by the database over all its confirmed and
 * completed bookings: booked minutes (summed over bookings, so at most capacity × 60 per hour)
 * per day and per hour of the day, in the place's own time zone.
 */
export const PlaceOccupancySchema = z
  .object({
    placeId: PlaceId,
    timeZone: z.string().openapi({ example: "Europe/Lisbon", description: "The place's time zone, which the days and hours are in." }),
    capacity: z.number().int().openapi({ description: "Spots or seats booked at once at most." }),
    from: z.string().openapi({ example: "2031-06-03" }),
    to: z.string().openapi({ example: "2031-07-02" }),
    totals: z.object({
      bookings: z.number().int().min(0).openapi({ description: "Bookings starting in the range." }),
      bookedMinutes: minutes.openapi({ description: "Booked time inside the range, summed over bookings." }),
    }),
    byDay: z
      .array(z.object({ date: z.string(), bookings: z.number().int().min(0), bookedMinutes: minutes }))
      .openapi({ description: "Every day of the range, in order, zeros included." }),
    byHour: z
      .array(z.object({ hour: z.number().int().min(0).max(23), bookedMinutes: minutes }))
      .openapi({ description: "Hours of the day 0–23, summed over the range's days." }),
  })
  .openapi("PlaceOccupancy");
export type PlaceOccupancy = z.infer<typeof PlaceOccupancySchema>;
