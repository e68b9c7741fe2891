import { EmailSuppressionLiftSchema, EmailSuppressionPageSchema, LiftEmailSuppressionSchema, PageQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../lib/openapi.js";

export const list = createRoute({
  method: "get",
  path: "/v1/notifications/suppressions",
  operationId: "notifications.suppressions.list",
  tags: ["Notifications"],
  summary: "Addresses no email goes to, and why",
  description:
    "Organization staff (signed in, or a secret key), newest first: addresses whose recipient marked this organization's email as spam (`organization`), " +
    "and hard-bounced addresses this organization has emailed (`global`: no organization emails them). `liftable` says whether this organization may lift it.",
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: { 200: jsonResponse(EmailSuppressionPageSchema, "One page of suppressed addresses."), ...pickProblems(400, 401, 403) },
});
export type ListRoute = typeof list;

export const lift = createRoute({
  method: "post",
  path: "/v1/notifications/suppressions/lift",
  operationId: "notifications.suppressions.lift",
  tags: ["Notifications"],
  summary: "Lift a suppression, so email goes to the address again",
  description:
    "Owners and admins (signed in, or a secret key of that role): lifts the organization's own suppression of the address, or (`global`) a hard bounce that this organization's email caused. " +
    "A hard bounce caused by another organization's email is 403 `suppression_not_liftable`; a suppression the organization cannot see is 404. " +
    "The lift is kept for audit (who, when, what it was); a new bounce or complaint suppresses the address again.",
  security: security.organizer,
  request: {
    body: jsonBody(LiftEmailSuppressionSchema),
  },
  responses: {
    200: jsonResponse(EmailSuppressionLiftSchema, "Lifted; the next email to the address goes out."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type LiftRoute = typeof lift;
