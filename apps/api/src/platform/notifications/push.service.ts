import { type CreatePushSubscription, newId, type PushSubscriptionInfo } from "@gatherkit/core";
import { type Db, pushSubscriptions } from "@gatherkit/db";
import { and, eq, type SQL } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import { rerunOnRetry } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Deps } from "../../lib/types.js";
import { recipientOf } from "./inbox.service.js";

function webPush(deps: Deps) {
  const wp = deps.notifications?.webPush;
  if (!wp) throw new ApiError(404, "push_not_configured", "Web push is not configured on this API (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY).");
  return wp;
}

export function pushKey(deps: Deps): { publicKey: string } {
  return { publicKey: webPush(deps).publicKey };
}

/**
 * Saves a browser's subscription for the caller. The endpoint must be on a known push service
 * (PUSH_SERVICE_ORIGINS): the API posts to it, so any other URL is refused. Subscribing the same
 * endpoint again moves it to the caller, with the new keys.
 */
export const subscribe = (deps: Deps, caller: Caller, input: CreatePushSubscription): Promise<PushSubscriptionInfo> =>
  subscribeRecipient(deps, recipientOf(caller), input);

/** The same for a recipient named by its domain (a guest through their personal link). */
export async function subscribeRecipient(
  deps: Deps,
  who: { orgId: string; recipientId: string },
  input: CreatePushSubscription,
): Promise<PushSubscriptionInfo> {
  if (!webPush(deps).allowsEndpoint(input.endpoint)) {
    throw new ApiError(422, "push_endpoint_not_allowed", "body.endpoint: not the URL of a known push service.", {
      errors: [{ path: "body.endpoint", message: "not the URL of a known push service" }],
    });
  }
  const now = deps.now();
  // Subscribing again is an upsert: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  const [row] = await deps.db
    .insert(pushSubscriptions)
    .values({
      id: newId("pushSubscription"),
      orgId: who.orgId,
      recipientId: who.recipientId,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { orgId: who.orgId, recipientId: who.recipientId, p256dh: input.keys.p256dh, auth: input.keys.auth, createdAt: now },
    })
    .returning();
  return { id: row!.id, endpoint: row!.endpoint, createdAt: toIso(row!.createdAt) };
}

export async function unsubscribe(deps: Deps, caller: Caller, id: string): Promise<void> {
  const who = recipientOf(caller);
  const gone = await deps.db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.orgId, who.orgId), eq(pushSubscriptions.recipientId, who.recipientId)))
    .returning({ id: pushSubscriptions.id });
  if (gone.length === 0) throw notFound("Push subscription");
}

/**
 * Drops the subscription of `endpoint` if it is `who`'s (a guest turning reminders off on this
 * device, through their personal link). Another person's endpoint, or one already gone, changes
 * nothing: the answer is the same, so it tells nothing about other subscriptions.
 */
export async function unsubscribeRecipientEndpoint(
  deps: Deps,
  who: { orgId: string; recipientId: string },
  endpoint: string,
): Promise<void> {
  await deps.db
    .delete(pushSubscriptions)
    .where(
      and(
        eq(pushSubscriptions.endpoint, endpoint),
        eq(pushSubscriptions.orgId, who.orgId),
        eq(pushSubscriptions.recipientId, who.recipientId),
      ),
    );
}

/**
 * The statement (for the caller's `db.batch`) that deletes every browser subscription of a
 * recipient, while `when` holds as it runs: a guest whose personal links were all revoked, so a
 * browser subscribed through a leaked link stops hearing from the event.
 */
export function dropRecipientSubscriptions(db: Db, who: { orgId: string; recipientId: string }, when: SQL) {
  return db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.orgId, who.orgId), eq(pushSubscriptions.recipientId, who.recipientId), when));
}
