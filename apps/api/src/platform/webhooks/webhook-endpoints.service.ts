import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpoint,
  Page,
  PageQuery,
  UpdateWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryListQuery,
  WebhookEndpoint,
} from "@gatherkit/core";
import { newId, WEBHOOK_TEST_EVENT_TYPE } from "@gatherkit/core";
import { outbox, webhookDeliveries, webhookEndpoints } from "@gatherkit/db";
import { and, between, eq, gt, inArray, isNull, ne, not, or, sql } from "drizzle-orm";
import { sha256Hex } from "../../lib/crypto.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { answerOnCommit } from "../../lib/idempotent-writes.js";
import { deliverSoon, enqueueWhen, PARKED, webhook } from "../../lib/outbox.js";
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

const succeeded = (status: number | null) => status !== null && status >= 200 && status < 300;

const toDelivery = (r: DeliveryRow, nextRetryAt: number | null = null): WebhookDelivery => ({
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
  status: succeeded(r.responseStatus) ? "succeeded" : "failed",
  nextRetryAt: toIso(nextRetryAt),
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
  const set = {
    secret: await sealSecret(deps.config.jwtSecret, secret),
    secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH),
    previousSecret: overlapSeconds > 0 ? current.secret : null,
    previousSecretExpiresAt: overlapSeconds > 0 ? now + overlapSeconds * 1000 : null,
    updatedAt: now,
  };
  // The new secret is shown once: the answer is sealed with the write (if it lands), so the retry
  // of a request that died right after it still gets it.
  const answer = { ...toEndpoint({ ...current, ...set }), secret };
  answerOnCommit(
    deps,
    200,
    answer,
    sql`EXISTS (SELECT 1 FROM ${webhookEndpoints} WHERE ${webhookEndpoints.id} = ${id} AND ${webhookEndpoints.secret} = ${set.secret})`,
  );
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set(set)
    // Only over the secret we read: two rotations at once cannot both keep "their" previous one.
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.secret, current.secret)))
    .returning();
  if (!row) throw new ApiError(409, "conflict", "The secret was rotated at the same time by another request; rotate again if you need to.");
  return { ...toEndpoint(row), secret };
}

const is2xx = between(webhookDeliveries.responseStatus, 200, 299);

/**
 * An endpoint's delivery attempts, newest first, optionally only those that `succeeded` or
 * `failed`. A failed attempt that is its event's latest, with the event still queued for a retry,
 * carries `nextRetryAt` (read from the endpoint's outbox rows of the page's events).
 */
export async function listDeliveries(
  deps: Deps,
  orgId: string,
  endpointId: string,
  query: WebhookDeliveryListQuery,
): Promise<Page<WebhookDelivery>> {
  await loadEndpoint(deps, orgId, endpointId);
  const db = deps.db;
  const outcome =
    query.status === "succeeded" ? is2xx : query.status === "failed" ? or(isNull(webhookDeliveries.responseStatus), not(is2xx)) : undefined;
  const page = await paginate(
    webhookDeliveries,
    query,
    (p) =>
      db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, endpointId), outcome, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r: DeliveryRow) => r,
  );
  const retries = await pendingRetries(deps, endpointId, [
    ...new Set(page.data.filter((r) => !succeeded(r.responseStatus)).map((r) => r.eventId)),
  ]);
  return {
    ...page,
    data: page.data.map((r) => {
      const next = retries.get(r.eventId);
      return toDelivery(r, next && !succeeded(r.responseStatus) && next.attempts === r.attempt ? next.at : null);
    }),
  };
}

/** Per event id: the attempt count and due time of its unsent, not given-up outbox row for this endpoint. */
async function pendingRetries(deps: Deps, endpointId: string, eventIds: string[]) {
  const out = new Map<string, { attempts: number; at: number }>();
  if (eventIds.length === 0) return out;
  const eventId = sql<string>`json_extract(${outbox.payload}, '$.event.id')`;
  const pending = await deps.db
    .select({ eventId, attempts: outbox.attempts, at: outbox.nextAttemptAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, "webhook"),
        eq(outbox.orderKey, endpointId),
        isNull(outbox.sentAt),
        ne(outbox.nextAttemptAt, PARKED),
        inArray(eventId, eventIds),
      ),
    );
  for (const p of pending) out.set(p.eventId, { attempts: p.attempts, at: p.at });
  return out;
}

/**
 * Sends the event of a logged delivery to its endpoint again, now (same event id). An endpoint's
 * events go out in order, so a resend must not wait behind retries scheduled for later: the
 * endpoint's waiting rows (this event's own pending retry among them) are made due now, and a
 * new row (a fresh retry window) is queued only when this event has none left (it went through
 * or was given up). One batch, so two resends at once queue the event once.
 */
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
  const now = deps.now();
  const unsent = and(eq(outbox.kind, "webhook"), eq(outbox.orderKey, endpointId), isNull(outbox.sentAt), ne(outbox.nextAttemptAt, PARKED));
  const stillQueued = sql`SELECT 1 FROM ${outbox} WHERE ${and(unsent, eq(sql`json_extract(${outbox.payload}, '$.event.id')`, sent.id))}`;
  await deps.db.batch([
    enqueueWhen(
      deps.db,
      webhook({ endpointId, event: { id: sent.id, type: sent.type, created: sent.created * 1000, data: sent.data } }),
      sql`NOT EXISTS (${stillQueued})`,
      { orgId, now },
    ),
    deps.db
      .update(outbox)
      .set({ nextAttemptAt: now })
      .where(and(unsent, isNull(outbox.claimedBy), gt(outbox.nextAttemptAt, now))),
  ]);
  deliverSoon(deps);
  return { eventId: d.eventId, endpointId, queued: true as const };
}

/**
 * Queues a `webhook_endpoint.test` event for this endpoint only (whatever types it subscribes
 * to), delivered, signed, logged and retried like any other. The endpoint must be enabled.
 * Under an Idempotency-Key (`requestKey`: the key and whose it is) the event's id is derived from
 * it, and the event is queued only if no event of that id was queued or delivered to the endpoint:
 * a retry after a crash (the outbox is machinery, so the key was not marked carried out) sends no
 * second test event.
 */
export async function sendTestEvent(deps: Deps, orgId: string, endpointId: string, requestKey?: string) {
  const endpoint = await loadEndpoint(deps, orgId, endpointId);
  if (endpoint.status !== "enabled")
    throw new ApiError(409, "conflict", "The endpoint is disabled: enable it (PATCH status) before sending it a test event.");
  const now = deps.now();
  const eventId =
    requestKey === undefined ? newId("webhookEvent") : `whevt_${(await sha256Hex(`test:${endpointId}\n${requestKey}`)).slice(0, 32)}`;
  const queued = sql`SELECT 1 FROM ${outbox} WHERE ${and(
    eq(outbox.kind, "webhook"),
    eq(outbox.orderKey, endpointId),
    eq(sql`json_extract(${outbox.payload}, '$.event.id')`, eventId),
  )}`;
  const delivered = sql`SELECT 1 FROM ${webhookDeliveries} WHERE ${and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.eventId, eventId))}`;
  await enqueueWhen(
    deps.db,
    webhook({ endpointId, event: { id: eventId, type: WEBHOOK_TEST_EVENT_TYPE, created: now, data: { endpointId, test: true } } }),
    sql`NOT EXISTS (${queued}) AND NOT EXISTS (${delivered})`,
    { orgId, now },
  );
  deliverSoon(deps);
  return { eventId, endpointId, queued: true as const };
}
