import { webhookEventSchema } from "@gatherkit/core";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppBindings } from "../../lib/types.js";

/**
 * The event types an endpoint can subscribe to, each with the schema of its `data`: built from
 * the messages the domains publish (each domain's `index.ts` exports them as `messages`), so a
 * domain that publishes a new message adds a webhook event type, and no list here names them.
 */
export type WebhookCatalogue = ReadonlyMap<string, z.ZodType>;

/** The catalogue of `messages` (zod objects `{ type: literal, data }`); a type published twice is an error. */
export function webhookCatalogue(messages: readonly z.ZodType[]): WebhookCatalogue {
  const out = new Map<string, z.ZodType>();
  for (const m of messages) {
    const shape = (m as { shape?: { type?: { value?: unknown }; data?: z.ZodType } }).shape;
    const type = shape?.type?.value;
    if (typeof type !== "string" || !shape?.data) throw new Error("a published message must be a zod object { type: literal, data }");
    if (out.has(type)) throw new Error(`two domains publish the event type ${type}`);
    out.set(type, shape.data);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Puts the catalogue in the OpenAPI document as OpenAPI 3.1 `webhooks`, one per event type. */
export function registerWebhookCatalogue(registry: OpenAPIHono<AppBindings>["openAPIRegistry"], catalogue: WebhookCatalogue): void {
  registry.registerComponent("securitySchemes", "webhookSignature", {
    type: "apiKey",
    in: "header",
    name: "Gatherkit-Signature",
    description:
      'How a receiver knows a webhook came from Gatherkit: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the endpoint\'s signing secret.',
  });
  for (const [type, data] of catalogue) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `webhook.${type}`,
      tags: ["Webhook events"],
      summary: `The ${type} event`,
      security: [{ webhookSignature: [] }],
      description:
        'POSTed to each enabled webhook endpoint subscribed to this type (or to `*`), signed in the `Gatherkit-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint\'s secret>` (one `v1` per live secret during a rotation). Verify it with `constructEvent` from `@gatherkit/sdk/webhooks`. Delivered at least once: deduplicate by `id`.',
      request: {
        body: { required: true, content: { "application/json": { schema: webhookEventSchema(type, data) } } },
      },
      responses: {
        200: {
          description:
            "Any 2xx acknowledges the event. Anything else, or no answer within the timeout, is retried with backoff for up to three days.",
        },
        410: { description: "Disables the endpoint at once: no more events are sent to it." },
      },
    });
  }
}
