import { EventAnalyticsSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/analytics",
  operationId: "events.analytics.get",
  tags: ["Events"],
  summary: "An event's sales and check-in figures",
  description:
    "Staff. Orders, tickets and revenue (gross, refunded, net, discounts), sales per ticket type with what is held and remaining, paid orders per day in the event's time zone, the check-in rate and each discount code's use.",
  security: security.organizer,
  request: { params: pathIds({ eventId: "event" }) },
  responses: {
    200: jsonResponse(EventAnalyticsSchema, "The figures."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;
