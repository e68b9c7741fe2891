import {
  ChatMessagePageSchema,
  ChatMessageSchema,
  CreateChatMessageSchema,
  PageQuerySchema,
  UpdateChatMessageSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Plan chat"];
const PlanParams = pathIds({ planId: "plan" });
const MessageParams = pathIds({ planId: "plan", messageId: "message" });
const live =
  "Each change is published to the plan's room (`plan:<planId>`) as `plan.message_changed`; typing indicators and presence go through the room only and are not stored.";

export const list = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/messages",
  operationId: "plans.messages.list",
  tags,
  summary: "List chat messages",
  description: `Newest first; walk back through the history with \`nextCursor\`. Deleted messages stay in place with \`body: null\`. Hidden messages (moderation) are listed, with \`hiddenAt\` set, only to the plan's organizers and staff; participants do not get them. For the plan's participants and organization staff. ${live}`,
  security: security.any,
  request: { params: PlanParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(ChatMessagePageSchema, "A page of messages."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/messages",
  operationId: "plans.messages.create",
  tags,
  summary: "Post a chat message",
  description: `As the calling participant; organization staff post through a participant token (403 \`not_a_participant\` otherwise). ${live}`,
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreateChatMessageSchema) },
  responses: {
    201: jsonResponse(ChatMessageSchema, "The message."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type CreateRoute = typeof create;

export const update = createRoute({
  method: "patch",
  path: "/v1/plans/{planId}/messages/{messageId}",
  operationId: "plans.messages.update",
  tags,
  summary: "Edit a chat message",
  description: "Only its author; `editedAt` is set. A deleted message cannot be edited (409 `message_deleted`).",
  security: security.any,
  request: { params: MessageParams, body: jsonBody(UpdateChatMessageSchema) },
  responses: {
    200: jsonResponse(ChatMessageSchema, "The edited message."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 429),
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/plans/{planId}/messages/{messageId}",
  operationId: "plans.messages.remove",
  tags,
  summary: "Delete a chat message",
  description:
    "Its author, or an organizer. The message stays in the history as deleted, without its body (409 `message_deleted` the second time).",
  security: security.any,
  request: { params: MessageParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 409, 413, 429),
  },
});
export type RemoveRoute = typeof remove;

const moderation = (verb: "hide" | "unhide") =>
  createRoute({
    method: "post",
    path: `/v1/plans/{planId}/messages/{messageId}/${verb}`,
    operationId: `plans.messages.${verb}`,
    tags,
    summary: verb === "hide" ? "Hide a chat message" : "Show a hidden chat message again",
    description:
      verb === "hide"
        ? 'Organizers and staff (moderation). The message stays, with its body, for organizers (`hiddenAt` set); participants no longer get it from the list, and the room\'s `plan.message_changed` with `change: "hidden"` (without the body) tells open chats to drop it. Hiding a hidden message answers it as it is; a deleted message answers 409 `message_deleted`. While hidden, its author cannot edit it (409 `message_hidden`).'
        : 'Organizers and staff. The message is listed to everyone again; the room\'s `plan.message_changed` with `change: "unhidden"` carries it so open chats put it back. Unhiding a visible message answers it as it is.',
    security: security.any,
    request: { params: MessageParams },
    responses: {
      200: jsonResponse(ChatMessageSchema, "The message as it is now."),
      ...pickProblems(400, 401, 403, 404, 409, 413, 429),
    },
  });

export const hide = moderation("hide");
export type HideRoute = typeof hide;
export const unhide = moderation("unhide");
export type UnhideRoute = typeof unhide;
