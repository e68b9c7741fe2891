import type { PushSubscriptionInfo } from "@gatherkit/core";
import type { RequestOptions } from "./core.js";
import type { PushRegistration } from "./resources/notifications.js";
import { APIResource, path } from "./resources/resource.js";

/**
 * Web push for a guest, through their personal token (no key is sent): reminders and agenda
 * changes then also reach the browser. Its own entry point, `@gatherkit/sdk/guest-push`, so pages
 * that never offer it do not download it:
 * `await new GuestPush(gk).subscribe(eventId, token, await navigator.serviceWorker.ready)`.
 */
export class GuestPush extends APIResource {
  /** The VAPID public key to subscribe with. */
  key(eventId: string, token: string, options?: RequestOptions): Promise<{ publicKey: string }> {
    return this._transport.request("GET", `${link(eventId, token)}/push-key`, { ...options, auth: "none" });
  }

  /** Subscribes this browser (the page's service worker `registration`) to the guest's notifications. */
  async subscribe(eventId: string, token: string, registration: PushRegistration, options?: RequestOptions): Promise<PushSubscriptionInfo> {
    const { publicKey } = await this.key(eventId, token, options);
    const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
    return this._transport.request("POST", `${link(eventId, token)}/push-subscriptions`, { ...options, auth: "none", body: sub.toJSON() });
  }

  /**
   * Stops the guest's notifications on this browser: the API forgets its subscription, then the
   * browser's own is unsubscribed. Resolves to whether there was one to stop.
   */
  async unsubscribe(eventId: string, token: string, registration: GuestPushRegistration, options?: RequestOptions): Promise<boolean> {
    const sub = await registration.pushManager.getSubscription();
    if (!sub) return false;
    await this._transport.request("DELETE", `${link(eventId, token)}/push-subscriptions`, {
      ...options,
      auth: "none",
      query: { endpoint: sub.endpoint },
    });
    await sub.unsubscribe();
    return true;
  }
}

/** What `unsubscribe` needs of a service worker registration (a `ServiceWorkerRegistration` has it). */
export interface GuestPushRegistration {
  pushManager: { getSubscription(): Promise<{ endpoint: string; unsubscribe(): Promise<boolean> } | null> };
}

const link = (eventId: string, token: string) => path`/v1/events/${eventId}/invitation/${token}`;
