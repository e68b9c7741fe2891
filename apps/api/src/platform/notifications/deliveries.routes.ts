import {
  idSchema,
  NOTIFICATION_DELIVERY_STATUSES,
  NotificationChannelSchema,
  NotificationDeliveryPageSchema,
  PageQuerySchema,
  SentNotificationSchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

const DeliveryQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(NOTIFICATION_DELIVERY_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Only entries with this status (e.g. `failed`)." }),
  channel: NotificationChannelSchema.optional().openapi({ param: { name: "channel", in: "query" }, description: "Only this channel." }),
  notification: idSchema("outbox")
    .optional()
    .openapi({ param: { name: "notification", in: "query" }, description: "Only the deliveries this notification caused." }),
});

export const list = createRoute({
  method: "get",
  path: "/v1/notifications/deliveries",
  operationId: "notifications.deliveries.list",
  tags: ["Notifications"],
  summary: "The delivery log: what was sent, delivered or failed, and why",
  description:
    "Organization staff (signed in, or a secret key): one entry per message and channel, newest first, with its status (`queued` until first attempted), the provider's message id, the reason of a failure and the notification that caused it. " +
    "Twilio's status callbacks move an SMS to `delivered` or `failed`.",
  security: security.organizer,
  request: { query: DeliveryQuerySchema },
  responses: { 200: jsonResponse(NotificationDeliveryPageSchema, "One page of the log."), ...pickProblems(400, 401, 403) },
});
export type ListRoute = typeof list;

export const retrieveNotification = createRoute({
  method: "get",
  path: "/v1/notifications/log/{notificationId}",
  operationId: "notifications.log.retrieve",
  tags: ["Notifications"],
  summary: "One notification and every delivery it caused",
  description:
    "Organization staff (signed in, or a secret key): the deliveries of one notification (a delivery's `notificationId`), oldest first: its fan-out to people's inboxes (`inbox`), then each email, SMS and push with its status. Another organization's notification is 404.",
  security: security.organizer,
  request: { params: pathIds({ notificationId: "outbox" }) },
  responses: { 200: jsonResponse(SentNotificationSchema, "The notification and its deliveries."), ...pickProblems(400, 401, 403, 404) },
});
export type RetrieveNotificationRoute = typeof retrieveNotification;
