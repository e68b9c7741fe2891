import { z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems } from "../../lib/openapi.js";

export const webhook = createRoute({
  method: "post",
  path: "/v1/payments/webhook",
  operationId: "payments.webhook",
  tags: ["Payments"],
  summary: "Payments provider webhook",
  description:
    "Where Stripe (or the local provider's checkout page) sends payment events. Authorized by the `Stripe-Signature` header over the raw body (the endpoint's signing secret, 5-minute tolerance), not by a key: a missing, wrong or stale signature, or a changed body, answers 400 `invalid_signature`. Each event id is applied once; duplicates, replays and deliveries out of order are acknowledged without changing anything twice. Orders follow what the provider says happened, never what a browser says.",
  security: [],
  responses: {
    200: jsonResponse(z.object({ received: z.literal(true) }).openapi("WebhookReceived"), "Applied, or already applied."),
    ...pickProblems(400, 401, 403, 413),
  },
});
export type WebhookRoute = typeof webhook;
