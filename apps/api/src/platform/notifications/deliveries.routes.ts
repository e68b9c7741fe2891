import {
  NOTIFICATION_DELIVERY_STATUSES,
  NotificationChannelSchema,
  NotificationDeliveryPageSchema,
  PageQuerySchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../lib/openapi.js";

const DeliveryQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(NOTIFICATION_DELIVERY_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Only entries with this status (e.g. `failed`)." }),
  channel: NotificationChannelSchema.optional().openapi({ param: { name: "channel", in: "query" }, description: "Only this channel." }),
});

export const list = createRoute({
  method: "get",
  path: "/v1/notifications/deliveries",
  operationId: "notifications.deliveries.list",
  tags: ["Notifications"],
  summary: "The delivery log: what was sent, delivered or failed, and why",
  description:
    "Organization staff (signed in, or a secret key): one entry per message and channel, newest first, with its status, the provider's message id and the reason of a failure. " +
    "Twilio's status callbacks move an SMS to `delivered` or `failed`.",
  security: security.organizer,
  request: { query: DeliveryQuerySchema },
  responses: { 200: jsonResponse(NotificationDeliveryPageSchema, "One page of the log."), ...pickProblems(400, 401, 403) },
});
export type ListRoute = typeof list;
