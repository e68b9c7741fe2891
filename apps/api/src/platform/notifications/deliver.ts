import { newId } from "@gatherkit/core";
import { emailSuppressions, notificationDeliveries, notificationPreferences, pushSubscriptions } from "@gatherkit/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type DeliveryDeps, DeliveryError, type MessageSender } from "../../lib/outbox.js";
import { type FanOutDeps, fanOut } from "./fanout.js";
import type { NotificationProviders, SendResult } from "./providers.js";
import { isTransactional } from "./templates.js";
import { sendWebPush } from "./webpush.js";

type Channel = "email" | "sms" | "push";
/** The outbox row a message is, and the notification that caused it (the row itself for a message queued on its own). */
type Source = { id: string; orgId: string | null; notification: string };
const sourceOf = (row: { id: string; orgId: string | null }, p: { notification?: string | undefined }): Source => ({
  id: row.id,
  orgId: row.orgId,
  notification: p.notification ?? row.id,
});

/**
 * The outbox's sender of emails and SMS: each outbox row is one message to one address on one
 * channel, and its delivery log row (unique per row and channel) records each step, so the
 * message goes out once as its recipient sees it:
 *
 * - sent already (the outbox lost its mark in a crash): nothing is sent again;
 * - an earlier attempt was cut short between the provider call and its record (`sending`): an
 *   idempotent provider (Resend, local) gets the same idempotency key again and sends nothing
 *   new; a provider without one (Twilio) is not called again: the message is parked as
 *   "may have been sent" rather than risk a duplicate;
 * - the provider refused the message (4xx): parked as failed with its reason, never retried;
 * - 429/5xx/unreachable: retried by the outbox with backoff, honouring Retry-After.
 */
export function createMessageSender(providers: NotificationProviders, fan?: FanOutDeps): MessageSender {
  return {
    notify: (deps, p, row) => fanOut(deps, fan, p, row),
    ...(providers.sms.verifyStatusCallback ? { verifySmsStatus: providers.sms.verifyStatusCallback } : {}),
    ...(providers.verifyEmailEvent ? { verifyEmailEvent: providers.verifyEmailEvent } : {}),
    email: async (deps, p, row) => {
      const what = { channel: "email" as const, to: p.to, template: p.template };
      const why = (await addressSuppressed(deps, row.orgId, p.to)) ?? (await turnedOff(deps, row.orgId, what, [recipientIn(p.data), p.to]));
      if (why) return suppress(deps, sourceOf(row, p), what, why);
      return deliverOnce(deps, sourceOf(row, p), { ...what, provider: providers.email }, () =>
        providers.email.send(
          { orgId: row.orgId, to: p.to, subject: p.subject, text: p.text, html: p.html, headers: p.headers, attachments: p.attachments },
          row.id,
        ),
      );
    },
    sms: async (deps, p, row) => {
      const what = { channel: "sms" as const, to: p.to, template: p.template };
      const why = await turnedOff(deps, row.orgId, what, [recipientIn(p.data), p.to]);
      if (why) return suppress(deps, sourceOf(row, p), what, why);
      return deliverOnce(deps, sourceOf(row, p), { ...what, provider: providers.sms }, () =>
        providers.sms.send({ orgId: row.orgId, to: p.to, text: p.text }, row.id),
      );
    },
    async push(deps, p, row) {
      const push = providers.push;
      if (!push) throw new DeliveryError("web push is not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)");
      const [sub] = await deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, p.subscriptionId));
      if (!sub) {
        // Unsubscribed since: nothing to send, and its queued log entry says so.
        const gone = { channel: "push" as const, to: "push", template: p.template };
        return suppress(deps, sourceOf(row, p), gone, "the browser unsubscribed before it was sent");
      }
      const what = { channel: "push" as const, to: new URL(sub.endpoint).host, template: p.template };
      const why = await turnedOff(deps, row.orgId, what, [sub.recipientId]);
      if (why) return suppress(deps, sourceOf(row, p), what, why);
      // Push services keep no idempotency key; `topic` (the row id) makes a repeat replace an
      // undelivered copy, and a crash mid-send is parked like Twilio's.
      await deliverOnce(deps, sourceOf(row, p), { ...what, provider: { name: "webpush", idempotent: false } }, async () => {
        const outcome = await sendWebPush(
          { keys: push.keys, fetch: push.fetch, now: deps.now(), topic: row.id.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32) },
          sub,
          { title: p.title, body: p.body, ...(p.url ? { url: p.url } : {}) },
        );
        if (!outcome.sent) {
          await deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
          throw new DeliveryError(`${outcome.reason}: the subscription is gone and was deleted`, { permanent: true });
        }
        return { providerMessageId: outcome.providerMessageId };
      });
    },
    ...(providers.push
      ? {
          webPush: {
            publicKey: providers.push.keys.publicKey,
            allowsEndpoint: (endpoint: string) => allowsEndpoint(providers.push?.serviceOrigins ?? [], endpoint),
          },
        }
      : {}),
  };
}

/** The push services browsers use; the API posts only to these (a subscription names any URL). */
export const DEFAULT_PUSH_SERVICE_ORIGINS = [
  "https://fcm.googleapis.com",
  "https://updates.push.services.mozilla.com",
  "https://web.push.apple.com",
  "https://*.notify.windows.com",
];

function allowsEndpoint(origins: string[], endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return origins.some((o) => {
    const star = o.indexOf("://*.");
    if (star === -1) return url.origin === o;
    return url.protocol === o.slice(0, star + 1) && url.host.endsWith(o.slice(star + 4)) && url.port === "";
  });
}

async function deliverOnce(
  deps: DeliveryDeps,
  source: Source,
  what: { channel: Channel; to: string; template: string; provider: { name: string; idempotent: boolean } },
  send: () => Promise<SendResult>,
): Promise<void> {
  const { db } = deps;
  const now = deps.now();
  const log = and(eq(notificationDeliveries.sourceId, source.id), eq(notificationDeliveries.channel, what.channel));
  const created = await db
    .insert(notificationDeliveries)
    .values({
      id: newId("delivery"),
      orgId: source.orgId,
      sourceId: source.id,
      notificationId: source.notification,
      channel: what.channel,
      to: what.to,
      template: what.template,
      status: "sending",
      provider: what.provider.name,
      attempts: 1,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: notificationDeliveries.id });
  if (created.length === 0) {
    const [earlier] = await db.select().from(notificationDeliveries).where(log);
    if (!earlier) throw new Error("delivery log row vanished");
    if (earlier.status === "sent" || earlier.status === "delivered") return;
    if (earlier.status === "failed") throw new DeliveryError(earlier.error ?? "failed", { permanent: true });
    if (earlier.status === "sending" && !(what.provider.idempotent && earlier.provider === what.provider.name)) {
      const reason = `an earlier attempt stopped after calling ${earlier.provider} and before recording its answer; it may have been sent, so it is not sent again`;
      await db
        .update(notificationDeliveries)
        .set({ status: "failed", error: reason, updatedAt: now })
        .where(and(log, eq(notificationDeliveries.status, "sending")));
      throw new DeliveryError(reason, { permanent: true });
    }
    // `queued` (written with the outbox row) or `retrying`: this is the next attempt.
    await db
      .update(notificationDeliveries)
      .set({
        status: "sending",
        to: what.to,
        provider: what.provider.name,
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        updatedAt: now,
      })
      .where(log);
  }
  let result: SendResult;
  try {
    result = await send();
  } catch (err) {
    const permanent = err instanceof DeliveryError && err.permanent;
    const message = err instanceof Error ? err.message : String(err);
    await db
      .update(notificationDeliveries)
      .set({ status: permanent ? "failed" : "retrying", error: message.slice(0, 1000), updatedAt: deps.now() })
      .where(log);
    throw err;
  }
  // Only from `sending`: a status callback that overtook this answer (delivered, failed) stands.
  await db
    .update(notificationDeliveries)
    .set({ status: "sent", providerMessageId: result.providerMessageId, error: null, updatedAt: deps.now() })
    .where(and(log, eq(notificationDeliveries.status, "sending")));
}

/** The person (`ptc_…`, `usr_…`) or address a message's preferences belong to, when its sender named one. */
const recipientIn = (data: Record<string, unknown>) => (typeof data.recipient === "string" ? data.recipient : undefined);

/**
 * Why this message is not sent, if its recipient turned its kind off on its channel (through the
 * preferences API or an email's unsubscribe link): checked for every email, SMS and push row at
 * send time, whoever wrote it (a notification's fan-out or a domain's own row). Transactional
 * kinds ignore it.
 */
async function turnedOff(
  deps: DeliveryDeps,
  orgId: string | null,
  what: { channel: Channel; template: string },
  recipients: (string | undefined)[],
): Promise<string | undefined> {
  const who = [...new Set(recipients.filter((r): r is string => Boolean(r)))];
  if (!orgId || who.length === 0 || isTransactional(what.template)) return undefined;
  const [row] = await deps.db
    .select({ at: notificationPreferences.optedOutAt })
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.orgId, orgId),
        inArray(notificationPreferences.recipient, who),
        eq(notificationPreferences.kind, what.template),
        eq(notificationPreferences.channel, what.channel),
      ),
    )
    .limit(1);
  return row ? `the recipient turned off ${what.template} by ${what.channel}` : undefined;
}

/** Why no email goes to `address`, if it hard-bounced (for anyone) or its recipient complained (to this organization). */
async function addressSuppressed(deps: DeliveryDeps, orgId: string | null, address: string): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ reason: emailSuppressions.reason, at: emailSuppressions.createdAt })
    .from(emailSuppressions)
    .where(and(eq(emailSuppressions.address, address.toLowerCase()), inArray(emailSuppressions.scope, orgId ? ["*", orgId] : ["*"])))
    .limit(1);
  if (!row) return undefined;
  const when = new Date(row.at).toISOString();
  return row.reason === "bounced"
    ? `the address hard-bounced on ${when}; no more email is sent to it`
    : `the recipient marked an email as spam on ${when}; no more email is sent to them`;
}

async function suppress(deps: DeliveryDeps, source: Source, what: { channel: Channel; to: string; template: string }, why: string) {
  const now = deps.now();
  await deps.db
    .insert(notificationDeliveries)
    .values({
      id: newId("delivery"),
      orgId: source.orgId,
      sourceId: source.id,
      notificationId: source.notification,
      channel: what.channel,
      to: what.to,
      template: what.template,
      status: "suppressed",
      provider: "none",
      error: why,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [notificationDeliveries.sourceId, notificationDeliveries.channel],
      set: { status: "suppressed", to: what.to, provider: "none", error: why, updatedAt: now },
      setWhere: eq(notificationDeliveries.status, "queued"),
    });
}
