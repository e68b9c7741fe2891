/**
 * Cross-domain services the app mounts beside the domains: health, realtime room tokens,
 * notifications (inbox, push subscriptions), the payments webhook and outgoing webhooks. The realtime
 * token service takes the room access rules the domains export, the payments webhook their payment
 * event handlers, the webhook endpoints the catalogue of the messages they publish.
 */
import { createRouter } from "../lib/create-app.js";
import type { PaymentEventHandler, RoomAccessCheck } from "../lib/domain.js";
import * as healthHandlers from "./health/health.handlers.js";
import * as health from "./health/health.routes.js";
import { notificationsRouter, personRoomAccess } from "./notifications/index.js";
import { paymentsHandlers } from "./payments/payments.handlers.js";
import * as payments from "./payments/payments.routes.js";
import { realtimeHandlers } from "./realtime/realtime.handlers.js";
import * as realtime from "./realtime/realtime.routes.js";
import { uploadsRouter } from "./uploads/index.js";
import type { WebhookCatalogue } from "./webhooks/catalogue.js";
import { webhooksRouter } from "./webhooks/index.js";

export function platformRouter(
  rooms: Record<string, RoomAccessCheck>,
  paymentHandlers: Record<string, PaymentEventHandler>,
  webhookEvents: WebhookCatalogue,
) {
  const rt = realtimeHandlers({ ...rooms, person: personRoomAccess });
  const pay = paymentsHandlers(paymentHandlers);
  return (
    createRouter()
      .openapi(health.get, healthHandlers.get)
      .openapi(realtime.createToken, rt.createToken)
      .openapi(payments.webhook, pay.webhook)
      // The local provider's checkout page: HTML for a person, not part of the API's contract.
      .get("/v1/payments/local/checkout", pay.localPage)
      .post("/v1/payments/local/checkout", pay.localSubmit)
      // Where Stripe Checkout sends the buyer back (`STRIPE_CHECKOUT=checkout_session`).
      .get("/v1/payments/return", pay.returnPage)
      .route("/", notificationsRouter())
      .route("/", webhooksRouter(webhookEvents))
      .route("/", uploadsRouter())
  );
}
