import type { CreatePushSubscription, NotificationPreferences, PushSubscriptionInfo, UpdateNotificationPreferences } from "@gatherkit/core";
import type { Deps } from "../../../lib/types.js";
import {
  preferencesOf,
  pushKey,
  subscribeRecipient,
  unsubscribeRecipientEndpoint,
  updatePreferencesOf,
} from "../../../platform/notifications/index.js";
import { guestOfToken } from "./guest-link.service.js";

/**
 * A guest's own notification settings through their personal link (the token is the credential):
 * which channels their reminders and other event messages reach them on, and this browser
 * subscribed to web push. The guest is the recipient (`gst_…`) the notifications platform's
 * deliverer checks when it sends.
 */
async function recipient(deps: Deps, eventId: string, token: string) {
  const { event, guest } = await guestOfToken(deps, eventId, token);
  return { orgId: event.orgId, recipientId: guest.id };
}

export async function guestPreferences(deps: Deps, eventId: string, token: string): Promise<NotificationPreferences> {
  return preferencesOf(deps, await recipient(deps, eventId, token));
}

export async function updateGuestPreferences(
  deps: Deps,
  eventId: string,
  token: string,
  input: UpdateNotificationPreferences,
): Promise<NotificationPreferences> {
  return updatePreferencesOf(deps, await recipient(deps, eventId, token), input);
}

export async function subscribeGuestPush(
  deps: Deps,
  eventId: string,
  token: string,
  input: CreatePushSubscription,
): Promise<PushSubscriptionInfo> {
  return subscribeRecipient(deps, await recipient(deps, eventId, token), input);
}

/** Stops pushes to this browser for the guest (their link): its subscription, named by endpoint, is deleted. */
export async function unsubscribeGuestPush(deps: Deps, eventId: string, token: string, endpoint: string): Promise<void> {
  await unsubscribeRecipientEndpoint(deps, await recipient(deps, eventId, token), endpoint);
}

/** The VAPID public key, for a guest's link (a guest has no other credential to ask `GET /v1/push/key` with). */
export async function guestPushKey(deps: Deps, eventId: string, token: string): Promise<{ publicKey: string }> {
  await guestOfToken(deps, eventId, token);
  return pushKey(deps);
}
