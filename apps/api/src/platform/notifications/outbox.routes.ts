import { LocalMessagePageSchema, LocalMessageSchema, PageQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

const what =
  "Organization staff (signed in, or a secret key): what the local email and SMS providers of the embedded default 'sent' for this organization (they record messages instead of sending them), newest first. " +
  "Empty where real providers send (see the delivery log instead).";

export const list = createRoute({
  method: "get",
  path: "/v1/notifications/outbox",
  operationId: "notifications.outbox.list",
  tags: ["Notifications"],
  summary: "The local outbox: messages the local providers recorded",
  description: what,
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: { 200: jsonResponse(LocalMessagePageSchema, "One page of recorded messages."), ...pickProblems(400, 401, 403) },
});
export type ListRoute = typeof list;

export const retrieve = createRoute({
  method: "get",
  path: "/v1/notifications/outbox/{localMessageId}",
  operationId: "notifications.outbox.retrieve",
  tags: ["Notifications"],
  summary: "One message of the local outbox, as its recipient would see it",
  description: `${what} Another organization's message is 404.`,
  security: security.organizer,
  request: { params: pathIds({ localMessageId: "localMessage" }) },
  responses: { 200: jsonResponse(LocalMessageSchema, "The message."), ...pickProblems(400, 401, 403, 404) },
});
export type RetrieveRoute = typeof retrieve;
