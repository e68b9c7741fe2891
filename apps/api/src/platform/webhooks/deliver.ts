import { newId } from "@gatherkit/core";
import { members, users, webhookDeliveries, webhookEndpoints } from "@gatherkit/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type DeliveryDeps, DeliveryError, email, enqueue, type WebhookSender } from "../../lib/outbox.js";
import type { Config, Deps } from "../../lib/types.js";
import { webhookUrlRefusal } from "./address.js";
import { openSecret, signatureHeader } from "./signing.js";

/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_BYTES_KEPT = 1024;

/**
 * The webhook sender the outbox uses (`deps.webhooks`): POSTs one event to one endpoint, signed,
 * within `config.webhooks.timeoutMs`, never following redirects; logs the attempt; a 2xx resets
 * the endpoint's failure count, a 410 disables it at once, any other outcome counts a failure
 * (and disables it after `disableAfterFailures` in a row, emailing the organization's owners
 * and admins) and is retried by the outbox on the webhook schedule.
 */
export function webhookSender(
  config: Pick<Config, "webhooks" | "jwtSecret">,
  opts: { eventTypes: Iterable<string>; fetch?: typeof fetch; resolveHost?: Deps["resolveHost"] },
): WebhookSender {
  const send = opts.fetch ?? ((input, init) => fetch(input, init));
  return {
    eventTypes: new Set(opts.eventTypes),
    async deliver(deps, payload, row) {
      const { db } = deps;
      const [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, payload.endpointId)).limit(1);
      // Deleted or disabled since the event was queued: dropped, as a disabled endpoint gets nothing.
      if (ep?.status !== "enabled") return;
      const event = payload.event;
      const body = JSON.stringify({
        id: event.id,
        object: "event",
        type: event.type,
        created: Math.floor(event.created / 1000),
        api_version: ep.apiVersion,
        data: event.data,
      });
      const started = deps.now();
      const secrets = [await openSecret(config.jwtSecret, ep.secret)];
      if (ep.previousSecret && (ep.previousSecretExpiresAt ?? 0) > started)
        secrets.push(await openSecret(config.jwtSecret, ep.previousSecret));
      const outcome = await post(send, ep.url, body, await signatureHeader(secrets, Math.floor(started / 1000), body), {
        timeoutMs: config.webhooks.timeoutMs,
        refusal: () => webhookUrlRefusal(ep.url, { allowPrivate: config.webhooks.allowPrivateUrls, resolveHost: opts.resolveHost }),
      });
      const log = db.insert(webhookDeliveries).values({
        id: newId("webhookDelivery"),
        orgId: ep.orgId,
        endpointId: ep.id,
        eventId: event.id,
        eventType: event.type,
        attempt: row.attempts,
        url: ep.url,
        requestBody: body,
        responseStatus: outcome.status ?? null,
        responseBody: outcome.body ?? null,
        error: outcome.error ?? null,
        durationMs: Math.max(0, deps.now() - started),
        createdAt: started,
      });
      const at = deps.now();
      if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
        await db.batch([
          log.onConflictDoNothing(),
          db
            .update(webhookEndpoints)
            .set({ consecutiveFailures: 0 })
            .where(and(eq(webhookEndpoints.id, ep.id), sql`${webhookEndpoints.consecutiveFailures} > 0`)),
        ]);
        return;
      }
      const gone = outcome.status === 410;
      const limit = config.webhooks.disableAfterFailures;
      const failures = sql`${webhookEndpoints.consecutiveFailures} + 1`;
      const reason = gone
        ? "The endpoint answered 410 Gone."
        : `${limit} deliveries in a row failed (the last: ${outcome.error ?? `HTTP ${outcome.status}`}).`;
      const [, updated] = await db.batch([
        log.onConflictDoNothing(),
        db
          .update(webhookEndpoints)
          .set({
            consecutiveFailures: failures,
            status: gone ? "disabled" : sql`CASE WHEN ${failures} >= ${limit} THEN 'disabled' ELSE ${webhookEndpoints.status} END`,
            disabledReason: gone ? reason : sql`CASE WHEN ${failures} >= ${limit} THEN ${reason} ELSE NULL END`,
            updatedAt: at,
          })
          .where(and(eq(webhookEndpoints.id, ep.id), eq(webhookEndpoints.status, "enabled")))
          .returning({ status: webhookEndpoints.status }),
      ]);
      const disabledNow = updated[0]?.status === "disabled";
      if (disabledNow) await emailDisabled(deps, ep, reason);
      const what = outcome.error ?? `HTTP ${outcome.status}${outcome.body ? `: ${outcome.body.slice(0, 200)}` : ""}`;
      if (disabledNow || gone) throw new DeliveryError(`webhook endpoint disabled: ${what}`, { permanent: true });
      throw new DeliveryError(`webhook delivery failed: ${what}`, { retryAfterMs: outcome.retryAfterMs });
    },
  };
}

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
  retryAfterMs?: number;
}

async function post(
  send: typeof fetch,
  url: string,
  body: string,
  signature: string,
  opts: { timeoutMs: number; refusal: () => Promise<string | null> },
): Promise<Outcome> {
  // Again at each delivery: the name may point elsewhere than when the endpoint was saved.
  const refused = await opts.refusal();
  if (refused) return { error: `not sent: the URL ${refused}` };
  try {
    const res = await send(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Gatherkit-Webhooks/1", "gatherkit-signature": signature },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const retryAfter = Number(res.headers.get("retry-after"));
    return {
      status: res.status,
      body: await firstBytes(res, RESPONSE_BYTES_KEPT),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { error: `no answer within ${Math.round(opts.timeoutMs / 1000)} s` };
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return { error: `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 500) };
  }
}

/** The first `max` bytes of a response body as text; the rest is not read. */
async function firstBytes(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut short: keep what came.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, max));
  let offset = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - offset);
    all.set(part, offset);
    offset += part.length;
    if (offset >= all.length) break;
  }
  return new TextDecoder().decode(all);
}

/** Tells the organization's owners and admins that an endpoint was disabled, and why. */
async function emailDisabled(deps: DeliveryDeps, ep: typeof webhookEndpoints.$inferSelect, reason: string): Promise<void> {
  const to = await deps.db
    .select({ email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, ep.orgId), inArray(members.role, ["owner", "admin"])));
  const now = deps.now();
  for (const { email: address } of to) {
    await enqueue(
      deps.db,
      email({
        to: address,
        template: "webhook_endpoint_disabled",
        subject: "A Gatherkit webhook endpoint was disabled",
        text: [
          `Gatherkit stopped sending events to your webhook endpoint ${ep.url} (${ep.id}).`,
          `Why: ${reason}`,
          'Once the endpoint works again, enable it (PATCH /v1/webhook-endpoints/<id> with status "enabled") and resend the events you need from its delivery log.',
        ].join("\n\n"),
        data: { endpointId: ep.id, reason },
      }),
      { orgId: ep.orgId, now },
    );
  }
}
