import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { z } from "../zod.js";

/** The name of an event type: `<object>.<what happened>`, e.g. `plan.finalized`. */
export const WebhookEventTypeSchema = z
  .string()
  .regex(/^[a-z][a-z_]*\.[a-z][a-z_]*$/, 'must be an event type such as "plan.finalized"')
  .max(100)
  .openapi({ example: "plan.finalized" });

/** `*` subscribes to every event type in the catalogue, today's and future ones. */
const EventTypesSchema = z
  .array(z.union([WebhookEventTypeSchema, z.literal("*")]))
  .min(1)
  .max(100)
  .refine((types) => new Set(types).size === types.length, "must not repeat an event type")
  .openapi({
    description:
      'The event types to receive, from the catalogue in this document\'s `webhooks` section, or `["*"]` for all of them. An unknown type is 422 `unknown_event_type`.',
    example: ["plan.finalized", "plan.updated"],
  });

const UrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/^[^:]+:\/\/[^/]*@/.test(u), "must not carry a user name or password")
  .openapi({
    example: "https://example.com/gatherkit/webhook",
    description:
      "Where events are POSTed. HTTPS, on a public address: a URL resolving to a private, loopback or link-local address is 422 `webhook_url_not_allowed` (the embedded default allows them, and plain http, for local receivers).",
  });

export const WebhookEndpointStatusSchema = z.enum(["enabled", "disabled"]);

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: "whe_0123456789abcdefghjk" }),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    status: WebhookEndpointStatusSchema,
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: "Why it was disabled: by a caller, a `410 Gone`, or a run of failed deliveries." }),
    apiVersion: z.string().openapi({ description: "The `api_version` of the events it receives.", example: "2026-12-01" }),
    secretPrefix: z.string().openapi({ description: "The first characters of the current signing secret.", example: "whsec_3k9x" }),
    previousSecretExpiresAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: "After a rotation: until when deliveries are also signed with the previous secret." }),
    consecutiveFailures: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (`whsec_…`), shown this once: verify `Gatherkit-Signature` with it.",
    example: "whsec_0123456789abcdefghjkmnpqrstvwx",
  }),
}).openapi("CreatedWebhookEndpoint");
export type CreatedWebhookEndpoint = z.infer<typeof CreatedWebhookEndpointSchema>;

export const WebhookEndpointPageSchema = pageSchema(WebhookEndpointSchema, "WebhookEndpointList");

export const CreateWebhookEndpointSchema = z
  .strictObject({
    url: UrlSchema,
    eventTypes: EventTypesSchema,
    description: text().max(500).optional(),
  })
  .openapi("CreateWebhookEndpointRequest");
export type CreateWebhookEndpoint = z.infer<typeof CreateWebhookEndpointSchema>;

export const UpdateWebhookEndpointSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    eventTypes: EventTypesSchema.optional(),
    description: text().max(500).nullable().optional(),
    status: WebhookEndpointStatusSchema.optional().openapi({
      description: "`enabled` turns a disabled endpoint back on (its failure count starts again); `disabled` stops deliveries.",
    }),
  })
  .openapi("UpdateWebhookEndpointRequest");
export type UpdateWebhookEndpoint = z.infer<typeof UpdateWebhookEndpointSchema>;

/** Longest overlap a rotation may ask for: 7 days. */
export const WEBHOOK_ROTATION_MAX_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

export const RotateWebhookSecretSchema = z
  .strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(WEBHOOK_ROTATION_MAX_OVERLAP_SECONDS)
      .default(24 * 60 * 60)
      .openapi({ description: "How long deliveries are also signed with the old secret (default 24 h, at most 7 days; 0: not at all)." }),
  })
  .openapi("RotateWebhookSecretRequest");

/** `succeeded`: the receiver answered 2xx; `failed`: anything else, or no answer (see `error`). */
export const WebhookDeliveryStatusSchema = z.enum(["succeeded", "failed"]).openapi({
  description: "`succeeded` when the receiver answered 2xx; `failed` otherwise (another status, no answer, a refused address).",
});
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatusSchema>;

export const WebhookDeliveryListQuerySchema = PageQuerySchema.extend({
  status: WebhookDeliveryStatusSchema.optional().openapi({
    param: { name: "status", in: "query" },
    description: "Only attempts with this outcome.",
  }),
});
export type WebhookDeliveryListQuery = z.output<typeof WebhookDeliveryListQuerySchema>;

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_0123456789abcdefghjk" }),
    endpointId: z.string(),
    eventId: z.string().openapi({ example: "whevt_0123456789abcdefghjk" }),
    eventType: z.string(),
    attempt: z.number().int().positive().openapi({ description: "Which attempt at this event this was (a resend starts again at 1)." }),
    request: z.object({ url: z.string(), body: z.string() }).openapi({ description: "What was POSTed (the signature header left out)." }),
    responseStatus: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when none came (see `error`)." }),
    responseBody: z.string().nullable().openapi({ description: "The first 1,024 bytes of the receiver's answer." }),
    error: z.string().nullable().openapi({ description: "Why no answer came: a timeout, a refused address, a network error." }),
    durationMs: z.number().int().nonnegative(),
    status: WebhookDeliveryStatusSchema,
    nextRetryAt: z.iso.datetime().nullable().openapi({
      description:
        "For the latest failed attempt at an event that is still being retried: when the next attempt is due. Null once it went through, was given up, or for an earlier attempt.",
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi("WebhookDelivery");
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryPageSchema = pageSchema(WebhookDeliverySchema, "WebhookDeliveryList");

export const ResentWebhookDeliverySchema = z
  .object({ eventId: z.string(), endpointId: z.string(), queued: z.literal(true) })
  .openapi("ResentWebhookDelivery");

/** The type of the event `POST /v1/webhook-endpoints/{id}/test` sends: to that endpoint only, whatever it subscribes to. */
export const WEBHOOK_TEST_EVENT_TYPE = "webhook_endpoint.test";

/**
 * The JSON body of every webhook delivery, whatever its type: `data` is the event's object, as
 * the catalogue (this document's `webhooks`) describes per type.
 */
export function webhookEventSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    id: z.string().openapi({ example: "whevt_0123456789abcdefghjk", description: "The event's id: the same on every retry and resend." }),
    object: z.literal("event"),
    type: z.literal(type),
    created: z.number().int().openapi({ description: "When the event happened, in Unix seconds." }),
    api_version: z.string(),
    data,
  });
}

/** The header that carries a delivery's signature. */
export const WEBHOOK_SIGNATURE_HEADER = "Gatherkit-Signature";
