import {
  BookingListQuerySchema,
  BookingPageSchema,
  BookingQuoteSchema,
  BookingSchema,
  CreateBookingSchema,
  ExtendBookingSchema,
  QuoteRequestSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Bookings"];
export const BookingParams = pathIds({ bookingId: "booking" });

const createExample = {
  placeId: "plc_7f3k9q2m8x1v4w6n0p5r",
  start: "2030-07-01T09:00:00Z",
  durationMinutes: 180,
  vehiclePlate: "AA-00-BB",
  contact: { name: "Grace Hopper", email: "grace@example.com", phone: "+351912345678" },
} satisfies z.input<typeof CreateBookingSchema>;

const live = "The place's room (`place:<placeId>`) gets `place.availability_changed` with the free capacity over the booking's window.";

export const create = createRoute({
  method: "post",
  path: "/v1/bookings",
  operationId: "places.bookings.create",
  tags,
  summary: "Book a place",
  description: `For a window the API computes: an hourly place from \`start\` and \`durationMinutes\` (real minutes), a slot place the slot starting at \`start\`; the price too. It never puts more bookings than the capacity at any instant: 409 \`place_full\` when no spot is free for all of the window. Refused: 422 \`place_closed\` (outside opening hours), \`booking_too_late\`, \`window_too_far_ahead\`, \`slot_misaligned\`, \`place_inactive\`. Publishable keys (a site's visitors), participant tokens (the booking is then theirs to manage and review) and staff may book. A visitor's answer carries \`access.token\`: a participant token that reads, cancels, extends and reviews this booking only (put it in the booker's link). \`contact.phone\` must be a real number (422 \`invalid_phone\`); it gets the confirmation, cancellation and "ends soon" (30 minutes before the end) SMS, \`contact.email\` the emails, through the outbox. A place with \`onlinePayment\`: a priced booking is \`pending_payment\`, holding its spot until \`payment.expiresAt\` (\`paymentHoldMinutes\`), with \`payment.clientSecret\` (Stripe's Payment Element) or \`payment.checkoutUrl\` (the local provider) in this answer only; the provider's webhook confirms it, an unpaid hold expires. 503 \`payment_provider_error\` when the provider cannot be reached (nothing held). ${live}`,
  security: security.any,
  request: {
    body: { ...jsonBody(CreateBookingSchema), content: { "application/json": { schema: CreateBookingSchema, example: createExample } } },
  },
  responses: {
    201: jsonResponse(BookingSchema, "The booking: confirmed, or pending_payment with its payment."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/bookings",
  operationId: "places.bookings.list",
  tags,
  summary: "List bookings",
  description:
    "Newest first. Staff see the organization's bookings (filter by place and status); a participant token its own. Publishable keys: 403.",
  security: security.any,
  request: { query: BookingListQuerySchema },
  responses: {
    200: jsonResponse(BookingPageSchema, "A page of bookings."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/bookings/{bookingId}",
  operationId: "places.bookings.get",
  tags,
  summary: "Get a booking",
  description: "Staff, or the participant who booked it.",
  security: security.any,
  request: { params: BookingParams },
  responses: {
    200: jsonResponse(BookingSchema, "The booking."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const cancel = createRoute({
  method: "post",
  path: "/v1/bookings/{bookingId}/cancel",
  operationId: "places.bookings.cancel",
  tags,
  summary: "Cancel a booking",
  description: `A confirmed booking: by staff at any time, by the participant who booked it before it starts (422 \`invalid_booking_transition\` after). Its spot is free again at once. 409 \`invalid_booking_transition\` when it is not confirmed. ${live}`,
  security: security.any,
  request: { params: BookingParams },
  responses: {
    200: jsonResponse(BookingSchema, "The cancelled booking."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CancelRoute = typeof cancel;

export const complete = createRoute({
  method: "post",
  path: "/v1/bookings/{bookingId}/complete",
  operationId: "places.bookings.complete",
  tags,
  summary: "Complete a booking",
  description:
    "Marks a confirmed booking completed once its end has passed (422 `booking_not_ended` before). Staff or the participant who booked it. A completed booking can be reviewed.",
  security: security.any,
  request: { params: BookingParams },
  responses: {
    200: jsonResponse(BookingSchema, "The completed booking."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CompleteRoute = typeof complete;

export const extend = createRoute({
  method: "post",
  path: "/v1/bookings/{bookingId}/extend",
  operationId: "places.bookings.extend",
  tags,
  summary: "Extend a booking",
  description: `Moves a confirmed booking's end later, if a spot stays free for the extra time (checked by the write itself, so concurrent extensions and bookings never overbook): 409 \`place_full\` if not. Staff or the booker (participant or booking token). Refused: 422 \`window_not_extended\` (not after the current end), \`booking_too_late\` (in the past), \`place_closed\`, \`window_too_far_ahead\` (longer than 31 days), \`slot_misaligned\` (slot places: book the next slot); 409 \`invalid_booking_transition\` (not confirmed), \`extension_pending\` (one waits for its payment). With online payment and a higher price, the extra time is held for \`paymentHoldMinutes\` (\`pendingExtension\`) and a PaymentIntent for the difference is in \`payment\` (this answer only): the webhook applies it. The "ends soon" SMS moves with the end. ${live}`,
  security: security.any,
  request: {
    params: BookingParams,
    body: {
      ...jsonBody(ExtendBookingSchema),
      content: { "application/json": { schema: ExtendBookingSchema, example: { end: "2030-07-01T13:00:00Z" } } },
    },
  },
  responses: {
    200: jsonResponse(BookingSchema, "The booking, extended or with its extension waiting for payment."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});
export type ExtendRoute = typeof extend;

export const quote = createRoute({
  method: "post",
  path: "/v1/places/{placeId}/quote",
  operationId: "places.quote",
  tags,
  summary: "Quote a booking",
  description:
    "The window and price a booking would get, with the free capacity as of now and a `token`: a booking of the same window that sends it as `quote` is charged this price until `expiresAt` (15 minutes), even if the place's price changes; after, 409 `quote_expired`; for another place or window, 422 `quote_invalid`. The same rules as a booking refuse a window (422 `place_closed`, `booking_too_late`, `window_too_far_ahead`, `slot_misaligned`, `place_inactive`). Nothing is held: the booking re-checks capacity. Anyone who may book.",
  security: security.any,
  request: {
    params: pathIds({ placeId: "place" }),
    body: {
      ...jsonBody(QuoteRequestSchema),
      content: { "application/json": { schema: QuoteRequestSchema, example: { start: "2030-07-01T09:00:00Z", durationMinutes: 180 } } },
    },
  },
  responses: {
    200: jsonResponse(BookingQuoteSchema, "The quote."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type QuoteRoute = typeof quote;
