import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpoint,
  Page,
  PageQuery,
  UpdateWebhookEndpoint,
  WebhookDelivery,
  WebhookEndpoint,
} from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { webhookDeliveries, webhookEndpoints } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import { answerOnCommit } from "../../lib/idempotent-writes.js";
import { deliverSoon, enqueue, webhook } from "../../lib/outbox.js";
import { paginate } from "../../lib/pagination.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { webhookUrlRefusal } from "./address.js";
import type { WebhookCatalogue } from "./catalogue.js";
import { newWebhookSecret, sealSecret } from "./signing.js";

type Row = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** How much of a secret is kept in clear to recognise it: `whsec_` and four characters. */
const SECRET_PREFIX_LENGTH = "whsec_".length + 4;

const toEndpoint = (r: Row): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.eventTypes,
  status: r.status,
  disabledReason: r.disabledReason,
  apiVersion: r.apiVersion,
  secretPrefix: r.secretPrefix,
  previousSecretExpiresAt: toIso(r.previousSecretExpiresAt),
  consecutiveFailures: r.consecutiveFailures,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpointId,
  eventId: r.eventId,
  eventType: r.eventType,
  attempt: r.attempt,
  request: { url: r.url, body: r.requestBody },
  responseStatus: r.responseStatus,
  responseBody: r.responseBody,
  error: r.error,
  durationMs: r.durationMs,
  createdAt: toIso(r.createdAt),
});

/** 422 unless every type is in the catalogue (or is `*`). */
function checkEventTypes(catalogue: WebhookCatalogue, types: string[]): void {
  const unknown = types.filter((t) => t !== "*" && !catalogue.has(t));
  if (unknown.length) {
    throw new ApiError(
      422,
      "unknown_event_type",
      `No such event type: ${unknown.join(", ")}. The catalogue: ${[...catalogue.keys()].join(", ")} (or "*" for all).`,
      { errors: unknown.map((t) => ({ path: `body.eventTypes`, message: `unknown event type ${t}` })) },
    );
  }
}

/** 422 when the URL may not receive webhooks here (not https, or a private address in production). */
async function checkUrl(deps: Deps, url: string): Promise<void> {
  const why = await webhookUrlRefusal(url, { allowPrivate: deps.config.webhooks.allowPrivateUrls, resolveHost: deps.resolveHost });
  if (why) throw new ApiError(422, "webhook_url_not_allowed", `The webhook URL ${why}.`, { errors: [{ path: "body.url", message: why }] });
}

export function listEndpoints(deps: Deps, orgId: string, page: PageQuery): Promise<Page<WebhookEndpoint>> {
  const db = deps.db;
  return paginate(
    webhookEndpoints,
    page,
    (p) =>
      db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toEndpoint,
  );
}

async function loadEndpoint(deps: Deps, orgId: string, id: string): Promise<Row> {
  const [row] = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export async function getEndpoint(deps: Deps, orgId: string, id: string): Promise<WebhookEndpoint> {
  return toEndpoint(await loadEndpoint(deps, orgId, id));
}

/** Creates an endpoint and returns its signing secret, this once (it is stored encrypted). */
export async function createEndpoint(
  deps: Deps,
  catalogue: WebhookCatalogue,
  orgId: string,
  input: CreateWebhookEndpoint,
): Promise<CreatedWebhookEndpoint> {
  checkEventTypes(catalogue, input.eventTypes);
  await checkUrl(deps, input.url);
  const secret = newWebhookSecret();
  const now = deps.now();
  const row: typeof webhookEndpoints.$inferSelect = {
    id: newId("webhookEndpoint"),
    orgId,
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.eventTypes,
    status: "enabled",
    disabledReason: null,
    apiVersion: deps.config.webhooks.apiVersion,
    secret: await sealSecret(deps.config.jwtSecret, secret),
    secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH),
    previousSecret: null,
    previousSecretExpiresAt: null,
    consecutiveFailures: 0,
    createdAt: now,
    updatedAt: now,
  };
  // Shown once: sealed with the write, so a client whose connection dropped gets the secret on retry.
  const created = { ...toEndpoint(row), secret };
  answerOnCommit(deps, 201, created);
  await deps.db.insert(webhookEndpoints).values(row);
  return created;
}

export async function updateEndpoint(
  deps: Deps,
  catalogue: WebhookCatalogue,
  orgId: string,
  id: string,
  input: UpdateWebhookEndpoint,
): Promise<WebhookEndpoint> {
  await loadEndpoint(deps, orgId, id);
  if (input.eventTypes) checkEventTypes(catalogue, input.eventTypes);
  if (input.url !== undefined) await checkUrl(deps, input.url);
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.eventTypes ? { eventTypes: input.eventTypes } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.status === "enabled" ? { status: "enabled" as const, disabledReason: null, consecutiveFailures: 0 } : {}),
      ...(input.status === "disabled" ? { status: "disabled" as const, disabledReason: "Disabled through the API." } : {}),
      updatedAt: deps.now(),
    })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .returning();
  if (!row) throw notFound("Webhook endpoint");
  return toEndpoint(row);
}

/** Deletes an endpoint; events queued for it are dropped when their turn comes. */
export async function deleteEndpoint(deps: Deps, orgId: string, id: string): Promise<WebhookEndpoint> {
  const [row] = await deps.db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .returning();
  if (!row) throw notFound("Webhook endpoint");
  return toEndpoint(row);
}

/**
 * A new signing secret, returned this once. The current one becomes the previous one and still
 * signs deliveries for `overlapSeconds` (a second `v1=`); an older previous secret is dropped.
 */
export async function rotateSecret(deps: Deps, orgId: string, id: string, overlapSeconds: number): Promise<CreatedWebhookEndpoint> {
  const current = await loadEndpoint(deps, orgId, id);
  const secret = newWebhookSecret();
  const now = deps.now();
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({
      secret: await sealSecret(deps.config.jwtSecret, secret),
      secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH),
      previousSecret: overlapSeconds > 0 ? current.secret : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? now + overlapSeconds * 1000 : null,
      updatedAt: now,
    })
    // Only over the secret we read: two rotations at once cannot both keep "their" previous one.
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.secret, current.secret)))
    .returning();
  if (!row) throw new ApiError(409, "conflict", "The secret was rotated at the same time by another request; rotate again if you need to.");
  return { ...toEndpoint(row), secret };
}

export async function listDeliveries(deps: Deps, orgId: string, endpointId: string, page: PageQuery): Promise<Page<WebhookDelivery>> {
  await loadEndpoint(deps, orgId, endpointId);
  const db = deps.db;
  return paginate(
    webhookDeliveries,
    page,
    (p) =>
      db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, endpointId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toDelivery,
  );
}

/** Queues the event of a logged delivery for its endpoint again (same event id, a fresh retry window). */
export async function resend(deps: Deps, orgId: string, endpointId: string, deliveryId: string) {
  const endpoint = await loadEndpoint(deps, orgId, endpointId);
  const [d] = await deps.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.orgId, orgId)))
    .limit(1);
  if (!d) throw new ApiError(404, "webhook_delivery_not_found", "No such delivery of this endpoint (the log keeps 30 days).");
  if (endpoint.status !== "enabled")
    throw new ApiError(409, "conflict", "The endpoint is disabled: enable it (PATCH status) before resending.");
  const sent = JSON.parse(d.requestBody) as { id: string; type: string; created: number; data: unknown };
  await enqueue(deps.db, webhook({ endpointId, event: { id: sent.id, type: sent.type, created: sent.created * 1000, data: sent.data } }), {
    orgId,
    now: deps.now(),
  });
  deliverSoon(deps);
  return { eventId: d.eventId, endpointId, queued: true as const };
}
