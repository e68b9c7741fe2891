/**
 * Outgoing webhooks: organizations' endpoints (`/v1/webhook-endpoints…`), the catalogue of event
 * types (the domains' published messages, also the OpenAPI document's `webhooks`), and the sender
 * the outbox delivers webhook rows with (`deps.webhooks`, wired by node.ts and worker.ts).
 */
import { createRouter } from "../../lib/create-app.js";
import type { WebhookCatalogue } from "./catalogue.js";
import { webhookEndpointHandlers } from "./webhook-endpoints.handlers.js";
import * as routes from "./webhook-endpoints.routes.js";

export { registerWebhookCatalogue, type WebhookCatalogue, webhookCatalogue } from "./catalogue.js";
export { webhookSender } from "./deliver.js";

export function webhooksRouter(catalogue: WebhookCatalogue) {
  const h = webhookEndpointHandlers(catalogue);
  return createRouter()
    .openapi(routes.list, h.list)
    .openapi(routes.create, h.create)
    .openapi(routes.get, h.get)
    .openapi(routes.update, h.update)
    .openapi(routes.remove, h.remove)
    .openapi(routes.rotateSecret, h.rotateSecret)
    .openapi(routes.listDeliveries, h.listDeliveries)
    .openapi(routes.resend, h.resend)
    .openapi(routes.sendTest, h.sendTest);
}
