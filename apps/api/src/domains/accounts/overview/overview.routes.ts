import { OrganizationOverviewSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/organization/overview",
  operationId: "organization.overview.get",
  tags: ["Organization"],
  summary: "The organization's key numbers",
  description:
    "Staff. Active plans, upcoming and draft events, RSVPs of the events that have not ended, places and their confirmed bookings of the next 7 days, and the orders, tickets, revenue (per currency) and bookings of the last 30 days, per day in the organization's time zone. Counted over all the organization's rows.",
  security: security.organizer,
  responses: {
    200: jsonResponse(OrganizationOverviewSchema, "The figures."),
    ...pickProblems(401, 403),
  },
});
export type GetRoute = typeof get;
