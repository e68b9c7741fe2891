import { DateRangeQuerySchema, PlaceOccupancySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/places/{placeId}/occupancy",
  operationId: "places.occupancy.get",
  tags: ["Places"],
  summary: "A place's occupancy per day and per hour of the day",
  description:
    "Staff. Booked minutes of confirmed and completed bookings (summed over bookings, cut to the range) per day and per hour of the day, and bookings starting per day, in the place's time zone. `from`/`to` are local dates, both included (default: the last 30 days; at most 366 days, else 422 `invalid_date_range`).",
  security: security.organizer,
  request: { params: pathIds({ placeId: "place" }), query: DateRangeQuerySchema },
  responses: {
    200: jsonResponse(PlaceOccupancySchema, "The occupancy."),
    ...pickProblems(400, 401, 403, 404, 422),
  },
});
export type GetRoute = typeof get;
