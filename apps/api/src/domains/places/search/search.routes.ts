import { PlaceSearchPageSchema, PlaceSearchQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

export const search = createRoute({
  method: "get",
  path: "/v1/search/places",
  operationId: "places.search",
  tags: ["Places"],
  summary: "Search places near a point",
  description:
    "Active places of the organization within `radiusKm` of `lat`,`lng` (an indexed latitude/longitude box, then the exact great-circle distance), filtered by kind and features. With `start` and `end`, each result carries its free capacity and price for that window, and `available=true` keeps those with a free spot for all of it. Sorted by distance or by price (then distance), cursor-paginated.",
  security: security.any,
  request: { query: PlaceSearchQuerySchema },
  responses: {
    200: jsonResponse(PlaceSearchPageSchema, "A page of places, nearest (or cheapest) first."),
    ...pickProblems(400, 401, 403),
  },
});
export type SearchRoute = typeof search;
