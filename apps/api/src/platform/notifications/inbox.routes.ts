import { InboxItemSchema, InboxPageSchema, InboxReadAllResultSchema, InboxUnreadSchema, PageQuerySchema, z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

const who =
  "The caller's own inbox: a participant token's, or a signed-in organizer's. Keys have no inbox (403). " +
  "Join the room `person:<participant or user id>` (POST /v1/realtime/tokens) to hear `inbox.changed` when it changes.";

const InboxQuerySchema = PageQuerySchema.extend({
  unread: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ param: { name: "unread", in: "query" }, description: "Only unread items." }),
});

export const list = createRoute({
  method: "get",
  path: "/v1/inbox",
  operationId: "inbox.list",
  tags: ["Notifications"],
  summary: "List my inbox, newest first",
  description: who,
  security: security.any,
  request: { query: InboxQuerySchema },
  responses: { 200: jsonResponse(InboxPageSchema, "One page of inbox items."), ...pickProblems(400, 401, 403) },
});
export type ListRoute = typeof list;

export const unread = createRoute({
  method: "get",
  path: "/v1/inbox/unread",
  operationId: "inbox.unread",
  tags: ["Notifications"],
  summary: "Count my unread inbox items",
  description: who,
  security: security.any,
  responses: { 200: jsonResponse(InboxUnreadSchema, "The unread count."), ...pickProblems(401, 403) },
});
export type UnreadRoute = typeof unread;

export const read = createRoute({
  method: "post",
  path: "/v1/inbox/{inboxItemId}/read",
  operationId: "inbox.read",
  tags: ["Notifications"],
  summary: "Mark one inbox item read",
  description: `${who} Marking an item read again changes nothing.`,
  security: security.any,
  request: { params: pathIds({ inboxItemId: "inboxItem" }) },
  responses: { 200: jsonResponse(InboxItemSchema, "The item, read."), ...pickProblems(400, 401, 403, 404) },
});
export type ReadRoute = typeof read;

export const readAll = createRoute({
  method: "post",
  path: "/v1/inbox/read-all",
  operationId: "inbox.readAll",
  tags: ["Notifications"],
  summary: "Mark my whole inbox read",
  description: who,
  security: security.any,
  responses: { 200: jsonResponse(InboxReadAllResultSchema, "How many items were marked."), ...pickProblems(400, 401, 403) },
});
export type ReadAllRoute = typeof readAll;
