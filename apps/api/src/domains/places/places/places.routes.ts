import {
  AvailabilityQuerySchema,
  CreatePlaceSchema,
  PlaceAvailabilitySchema,
  PlaceListQuerySchema,
  PlacePageSchema,
  PlaceSchema,
  SlotListSchema,
  SlotsQuerySchema,
  UpdatePlaceSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Places"];
export const PlaceParams = pathIds({ placeId: "place" });

const createExample = {
  kind: "parking",
  name: "Baixa Garage",
  description: "Covered parking two minutes from Praça do Comércio.",
  address: { line1: "Rua Augusta 24", city: "Lisbon", postalCode: "1100-053", country: "PT" },
  location: { lat: 38.7107, lng: -9.1366 },
  timeZone: "Europe/Lisbon",
  capacity: 40,
  pricing: { mode: "hourly", currency: "EUR", perHour: 250, dailyMax: 1800 },
  openingHours: {
    weekly: { mon: [{ open: "07:00", close: "23:00" }], sat: [{ open: "09:00", close: "20:00" }] },
    exceptions: [{ date: "2030-12-25", hours: [] }],
  },
  features: ["covered", "cctv", "ev_charging"],
  images: ["https://images.example.com/baixa-garage.jpg"],
} satisfies z.input<typeof CreatePlaceSchema>;

export const create = createRoute({
  method: "post",
  path: "/v1/places",
  operationId: "places.create",
  tags,
  summary: "Create a place",
  description:
    "A bookable place: parking spots booked by the minute (`pricing.mode: hourly`), or a venue or room booked by slot (`pricing.mode: slot` with `slots`). Owners, admins and secret keys.",
  security: security.organizer,
  request: {
    body: { ...jsonBody(CreatePlaceSchema), content: { "application/json": { schema: CreatePlaceSchema, example: createExample } } },
  },
  responses: {
    201: jsonResponse(PlaceSchema, "The place."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/places",
  operationId: "places.list",
  tags,
  summary: "List places",
  description: "Newest first. Publishable keys and participants see active places only.",
  security: security.any,
  request: { query: PlaceListQuerySchema },
  responses: {
    200: jsonResponse(PlacePageSchema, "A page of places."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/places/{placeId}",
  operationId: "places.get",
  tags,
  summary: "Get a place",
  description: "With its rating (approved reviews). An inactive place is 404 except to staff.",
  security: security.any,
  request: { params: PlaceParams },
  responses: {
    200: jsonResponse(PlaceSchema, "The place."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/places/{placeId}",
  operationId: "places.update",
  tags,
  summary: "Update a place",
  description:
    "Fields sent replace the stored ones (`pricing`, `openingHours` and `slots` as a whole). Existing bookings keep their window and price. `active: false` takes it off search and booking. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: PlaceParams, body: jsonBody(UpdatePlaceSchema) },
  responses: {
    200: jsonResponse(PlaceSchema, "The updated place."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

export const availability = createRoute({
  method: "get",
  path: "/v1/places/{placeId}/availability",
  operationId: "places.availability",
  tags,
  summary: "Free capacity and price for a window",
  description:
    "`freeCapacity` is the capacity less the most bookings at any one instant of the window (with the place's buffer after each): exact, so bookings one after another do not add up. Live changes arrive in the place's room (`place:<placeId>`) as `place.availability_changed`.",
  security: security.any,
  request: { params: PlaceParams, query: AvailabilityQuerySchema },
  responses: {
    200: jsonResponse(PlaceAvailabilitySchema, "Availability for the window."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type AvailabilityRoute = typeof availability;

export const slots = createRoute({
  method: "get",
  path: "/v1/places/{placeId}/slots",
  operationId: "places.slots",
  tags,
  summary: "The slots of a day",
  description:
    "For a place booked by slot: each slot of the local date (from opening hours, slot length and buffer, in the place's time zone, DST included) with its free capacity. A place booked by the minute has none (`slots: []`): ask for its availability.",
  security: security.any,
  request: { params: PlaceParams, query: SlotsQuerySchema },
  responses: {
    200: jsonResponse(SlotListSchema, "The day's slots."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type SlotsRoute = typeof slots;
