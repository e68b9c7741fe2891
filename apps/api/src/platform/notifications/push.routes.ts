import { CreatePushSubscriptionSchema, PushKeySchema, PushSubscriptionSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

export const key = createRoute({
  method: "get",
  path: "/v1/push/key",
  operationId: "push.key",
  tags: ["Notifications"],
  summary: "The VAPID public key to subscribe browsers with",
  description:
    "Pass `publicKey` as `applicationServerKey` to `registration.pushManager.subscribe`. 404 `push_not_configured` when this API sends no web push.",
  security: security.any,
  responses: { 200: jsonResponse(PushKeySchema, "The VAPID public key."), ...pickProblems(401, 403, 404) },
});
export type KeyRoute = typeof key;

export const subscribe = createRoute({
  method: "post",
  path: "/v1/push/subscriptions",
  operationId: "push.subscriptions.create",
  tags: ["Notifications"],
  summary: "Subscribe this browser to my notifications",
  description:
    "Send what `PushSubscription.toJSON()` gives. The caller's notifications are then also pushed to it (participant token or signed-in organizer). " +
    "The endpoint must be on a known push service; a subscription the push service reports gone (404/410) is deleted.",
  security: security.any,
  request: { body: jsonBody(CreatePushSubscriptionSchema) },
  responses: {
    201: jsonResponse(PushSubscriptionSchema, "The subscription."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type SubscribeRoute = typeof subscribe;

export const unsubscribe = createRoute({
  method: "delete",
  path: "/v1/push/subscriptions/{pushSubscriptionId}",
  operationId: "push.subscriptions.delete",
  tags: ["Notifications"],
  summary: "Unsubscribe a browser",
  security: security.any,
  request: { params: pathIds({ pushSubscriptionId: "pushSubscription" }) },
  responses: { 204: { description: "Unsubscribed." }, ...pickProblems(400, 401, 403, 404, 413) },
});
export type UnsubscribeRoute = typeof unsubscribe;
