import { HealthSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems } from "../../lib/openapi.js";

export const get = createRoute({
  method: "get",
  path: "/v1/health",
  operationId: "health.get",
  security: [],
  tags: ["Health"],
  summary: "Check that the API is up",
  description:
    "Needs no credential; a credential that is sent is still checked (401 when unknown or revoked, 403 for a publishable key from another origin).",
  responses: { 200: jsonResponse(HealthSchema, "The API is up."), ...pickProblems(401, 403) },
});
export type GetRoute = typeof get;
