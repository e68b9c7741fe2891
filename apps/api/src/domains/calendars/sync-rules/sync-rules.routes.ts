import { CreateSyncRuleSchema, SyncRuleListSchema, SyncRuleSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, problems, security } from "../../../lib/openapi.js";
import { ClientParams } from "../clients/clients.routes.js";

const tags = ["Calendars"];

export const create = createRoute({
  method: "post",
  path: "/v1/clients/{clientId}/sync-rules",
  operationId: "clients.syncRules.create",
  tags,
  summary: "Push a Gatherkit source to a calendar",
  description:
    "From now on the source's items are created on the calendar, updated when they change and deleted when cancelled, through the outbox (each change applied once, in order). A plan: each timed activity of its itinerary once it is finalized. The calendar must be one the connection may write. The same source and calendar again answers the existing rule (200). Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams, body: jsonBody(CreateSyncRuleSchema) },
  responses: {
    200: jsonResponse(SyncRuleSchema, "The rule that already linked them."),
    201: jsonResponse(SyncRuleSchema, "The rule."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
    502: problems[502],
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/sync-rules",
  operationId: "clients.syncRules.list",
  tags,
  summary: "List a client's sync rules",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    200: jsonResponse(SyncRuleListSchema, "The rules, oldest first."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const remove = createRoute({
  method: "delete",
  path: "/v1/clients/{clientId}/sync-rules/{syncRuleId}",
  operationId: "clients.syncRules.delete",
  tags,
  summary: "Stop pushing a source",
  description: "Events already on the calendar stay. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: pathIds({ clientId: "client", syncRuleId: "syncRule" }) },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type RemoveRoute = typeof remove;
