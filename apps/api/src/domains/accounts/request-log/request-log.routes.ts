import { RequestLogPageSchema, RequestLogQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

export const list = createRoute({
  method: "get",
  path: "/v1/request-log",
  operationId: "requestLog.list",
  tags: ["Request log"],
  summary: "Recent API calls of your organization",
  description:
    "Newest first: each call made with one of your organization's keys, participant tokens or sessions — its request id (the `x-request-id` of the answer), method, path (secret path segments such as tokens left out, no query string), status and problem code. Only the most recent calls are kept (`REQUEST_LOG_SIZE`, 200 by default); listing the log is not itself logged. Owners and admins, signed in or with a secret key.",
  security: security.organizer,
  request: { query: RequestLogQuerySchema },
  responses: {
    200: jsonResponse(RequestLogPageSchema, "A page of calls."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;
