import { DateRangeQuerySchema, PlanActivityReportSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/plan-activity",
  operationId: "plans.activity.get",
  tags: ["Plans"],
  summary: "Plan activity per day",
  description:
    "Staff. Plans created, proposals made, votes cast and chat messages posted per day, over all the organization's plans, by day in the organization's time zone. `from`/`to` are local dates, both included (default: the last 30 days; at most 366 days, else 422 `invalid_date_range`).",
  security: security.organizer,
  request: { query: DateRangeQuerySchema },
  responses: {
    200: jsonResponse(PlanActivityReportSchema, "The activity."),
    ...pickProblems(400, 401, 403, 422),
  },
});
export type GetRoute = typeof get;
