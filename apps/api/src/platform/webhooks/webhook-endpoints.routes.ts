import {
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointSchema,
  PageQuerySchema,
  ResentWebhookDeliverySchema,
  RotateWebhookSecretSchema,
  UpdateWebhookEndpointSchema,
  WEBHOOK_TEST_EVENT_TYPE,
  WebhookDeliveryListQuerySchema,
  WebhookDeliveryPageSchema,
  WebhookEndpointPageSchema,
  WebhookEndpointSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

const tags = ["Webhook endpoints"];
const who = "Organization staff (signed in) or a secret key.";
const Params = pathIds({ id: "webhookEndpoint" });

export const list = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "webhookEndpoints.list",
  tags,
  summary: "List webhook endpoints",
  description: `Newest first. ${who}`,
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(WebhookEndpointPageSchema, "A page of endpoints (without their secrets)."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "webhookEndpoints.create",
  tags,
  summary: "Create a webhook endpoint",
  description: `Events of the chosen types (the catalogue is this document's \`webhooks\`) are POSTed to \`url\`, signed with the endpoint's secret, which this response shows for the only time. ${who}`,
  security: security.organizer,
  request: { body: jsonBody(CreateWebhookEndpointSchema) },
  responses: {
    201: jsonResponse(CreatedWebhookEndpointSchema, "The endpoint, with its signing secret."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "webhookEndpoints.get",
  tags,
  summary: "Retrieve a webhook endpoint",
  description: who,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(WebhookEndpointSchema, "The endpoint (without its secret)."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "webhookEndpoints.update",
  tags,
  summary: "Update a webhook endpoint",
  description: `Change its URL, event types or description, or disable or re-enable it. ${who}`,
  security: security.organizer,
  request: { params: Params, body: jsonBody(UpdateWebhookEndpointSchema) },
  responses: {
    200: jsonResponse(WebhookEndpointSchema, "The endpoint as it is now."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "webhookEndpoints.del",
  tags,
  summary: "Delete a webhook endpoint",
  description: `No event is sent to it any more, including those still being retried. ${who}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(WebhookEndpointSchema, "The deleted endpoint."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type RemoveRoute = typeof remove;

export const rotateSecret = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "webhookEndpoints.rotateSecret",
  tags,
  summary: "Rotate a webhook endpoint's signing secret",
  description: `A new secret, shown this once. For \`overlapSeconds\` deliveries carry a signature with the old secret too (two \`v1=\`), so the receiver can switch without missing one. ${who}`,
  security: security.organizer,
  request: { params: Params, body: jsonBody(RotateWebhookSecretSchema) },
  responses: {
    200: jsonResponse(CreatedWebhookEndpointSchema, "The endpoint, with its new secret."),
    ...pickProblems(400, 401, 403, 404, 413, 415),
  },
});
export type RotateSecretRoute = typeof rotateSecret;

export const listDeliveries = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "webhookEndpoints.listDeliveries",
  tags,
  summary: "List an endpoint's deliveries",
  description: `Every attempt of the last 30 days, newest first: what was sent, the status and first bytes of the answer, how long it took, and for an event still being retried when its next attempt is due. \`status\` keeps only the attempts that succeeded or failed. ${who}`,
  security: security.organizer,
  request: { params: Params, query: WebhookDeliveryListQuerySchema },
  responses: {
    200: jsonResponse(WebhookDeliveryPageSchema, "A page of delivery attempts."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListDeliveriesRoute = typeof listDeliveries;

export const resend = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/resend",
  operationId: "webhookEndpoints.resend",
  tags,
  summary: "Resend an event",
  description: `Sends the event of that delivery to the endpoint again, now (same event id). If the event is still waiting for a retry, that retry (and those of the endpoint's events queued before it, which go first) is made due now; otherwise it is queued again with a fresh three days of retries. The endpoint must be enabled. ${who}`,
  security: security.organizer,
  request: { params: pathIds({ id: "webhookEndpoint", deliveryId: "webhookDelivery" }) },
  responses: {
    202: jsonResponse(ResentWebhookDeliverySchema, "The event is queued for the endpoint."),
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type ResendRoute = typeof resend;

export const sendTest = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/test",
  operationId: "webhookEndpoints.sendTest",
  tags,
  summary: "Send a test event",
  description: `Queues a \`${WEBHOOK_TEST_EVENT_TYPE}\` event (\`data\`: \`{ endpointId, test: true }\`) for this endpoint only, whatever event types it subscribes to: signed, logged and retried like any other. The endpoint must be enabled. ${who}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    202: jsonResponse(ResentWebhookDeliverySchema, "The test event is queued for the endpoint."),
    ...pickProblems(400, 401, 403, 404, 409),
  },
});
export type SendTestRoute = typeof sendTest;
