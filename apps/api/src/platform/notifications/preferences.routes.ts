import { NotificationPreferencesSchema, UpdateNotificationPreferencesSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../lib/openapi.js";

const who =
  "The caller's own preferences: a participant token's, or a signed-in organizer's. Keys have none (403). " +
  "A channel turned off for a kind is skipped when a notification of that kind is sent; an email's one-click unsubscribe link turns off its kind's `email`. " +
  "Transactional kinds (`transactional` says why) cannot be turned off: 422 `notification_kind_transactional`.";

export const get = createRoute({
  method: "get",
  path: "/v1/notifications/preferences",
  operationId: "notifications.preferences.get",
  tags: ["Notifications"],
  summary: "My notification preferences",
  description: who,
  security: security.any,
  responses: { 200: jsonResponse(NotificationPreferencesSchema, "Every kind, on or off per channel."), ...pickProblems(401, 403) },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/notifications/preferences",
  operationId: "notifications.preferences.update",
  tags: ["Notifications"],
  summary: "Turn kinds of notification on or off per channel",
  description: who,
  security: security.any,
  request: { body: jsonBody(UpdateNotificationPreferencesSchema) },
  responses: {
    200: jsonResponse(NotificationPreferencesSchema, "The preferences after the change."),
    ...pickProblems(400, 401, 403, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;
