import { HealthSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse } from "../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/health",
  tags: ["Health"],
  summary: "Check that the API is up",
  responses: { 200: jsonResponse(HealthSchema, "The API is up.") },
});
export type GetRoute = typeof get;
