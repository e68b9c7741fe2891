import { FinalizeSchema, PlanSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";
import { base, PlanParams, tags } from "../proposals/proposals.openapi.js";

export const finalize = createRoute({
  method: "post",
  path: `${base}/finalize`,
  operationId: "plans.finalize",
  tags,
  summary: "Finalize the plan",
  description:
    "Organizers choose the itinerary — the listed proposals, or the `count` top-voted ones with at least one yes — and the plan moves planning → finalized: the chosen proposals are selected, every other proposed one rejected, voting closes and tallies are revealed. 409 `invalid_plan_transition` unless the plan is planning.",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(FinalizeSchema) },
  responses: {
    200: jsonResponse(PlanSchema, "The finalized plan."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type FinalizeRoute = typeof finalize;
