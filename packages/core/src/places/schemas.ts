import { idSchema } from "../ids.js";
import { CurrencySchema, MinorUnitsSchema, MoneySchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { TimeZoneSchema } from "../time.js";
import { ImageRefSchema } from "../uploads/schemas.js";
import { z } from "../zod.js";
import { minuteOf, WEEKDAYS } from "./rules.js";
import { Instant, q } from "./shared.js";

// Places: their settings, availability, slots, search and occupancy, and the ids the other places
// schemas share (see bookings.ts for bookings, reviews.ts for reviews).

export const PlaceId = idSchema("place");
export const BookingId = idSchema("booking");
export const ReviewId = idSchema("review");
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
