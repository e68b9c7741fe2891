import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import { realtimeOf, type SubscribeHandlers, type Subscription } from "../realtime-client.js";
import type {
  EmailSuppression,
  EmailSuppressionLift,
  InboxItem,
  InboxUnread,
  LiftEmailSuppressionParams,
  LocalMessage,
  NotificationDelivery,
  NotificationPreferences,
  NotificationPreferencesUpdateParams,
  PushSubscriptionInfo,
  SentNotification,
} from "../types.js";
import { APIResource, path } from "./resource.js";

/** What `subscribePush` needs of a service worker registration (a browser's `ServiceWorkerRegistration`). */
export interface PushRegistration {
  pushManager: { subscribe(options: { userVisibleOnly: boolean; applicationServerKey: string }): Promise<{ toJSON(): unknown }> };
}

/**
 * The caller's own notifications (a participant token, or a signed-in organizer): the inbox,
 * preferences per kind and channel, and web push for this browser.
 */
export class Notifications extends APIResource {
  /** Newest first; `{ unread: true }` for unread items only. */
  list(params?: ListParams & { unread?: boolean }, options?: RequestOptions): PagePromise<InboxItem> {
    return this._transport.list("/v1/inbox", params, options);
  }

  async unreadCount(options?: RequestOptions): Promise<number> {
    return (await this.unread(options)).unread;
  }

  /** The unread count and whose inbox it is (`recipientId`, for {@link subscribe}). */
  unread(options?: RequestOptions): Promise<InboxUnread> {
    return this._transport.request("GET", "/v1/inbox/unread", options);
  }

  /** Organization staff: the delivery log, newest first (`status`, `channel`, `notification` narrow it). */
  deliveries(
    params?: ListParams & { status?: NotificationDelivery["status"]; channel?: NotificationDelivery["channel"]; notification?: string },
    options?: RequestOptions,
  ): PagePromise<NotificationDelivery> {
    return this._transport.list("/v1/notifications/deliveries", params, options);
  }

  /** Organization staff: one notification (a delivery's `notificationId`) with every delivery it caused. */
  notification(notificationId: string, options?: RequestOptions): Promise<SentNotification> {
    return this._transport.request("GET", path`/v1/notifications/log/${notificationId}`, options);
  }

  /** Organization staff: addresses no email goes to (spam complaints, hard bounces), newest first. */
  suppressions(params?: ListParams, options?: RequestOptions): PagePromise<EmailSuppression> {
    return this._transport.list("/v1/notifications/suppressions", params, options);
  }

  /** Owners and admins: lifts a suppression (`{ address, scope }`), so email goes to the address again. */
  liftSuppression(params: LiftEmailSuppressionParams, options?: RequestOptions): Promise<EmailSuppressionLift> {
    return this._transport.request("POST", "/v1/notifications/suppressions/lift", { ...options, body: params });
  }

  read(inboxItemId: string, options?: RequestOptions): Promise<InboxItem> {
    return this._transport.request("POST", path`/v1/inbox/${inboxItemId}/read`, options);
  }

  readAll(options?: RequestOptions): Promise<{ marked: number; unread: 0 }> {
    return this._transport.request("POST", "/v1/inbox/read-all", options);
  }

  preferences(options?: RequestOptions): Promise<NotificationPreferences> {
    return this._transport.request("GET", "/v1/notifications/preferences", options);
  }

  /** `{ changes: [{ kind, channel, enabled }] }`; answers the preferences after. */
  updatePreferences(params: NotificationPreferencesUpdateParams, options?: RequestOptions): Promise<NotificationPreferences> {
    return this._transport.request("PATCH", "/v1/notifications/preferences", { ...options, body: params });
  }

  /** Organization staff: what the embedded default's local providers recorded (the outbox viewer), newest first. */
  outbox(params?: ListParams, options?: RequestOptions): PagePromise<LocalMessage> {
    return this._transport.list("/v1/notifications/outbox", params, options);
  }

  /** One recorded message of {@link outbox}, with an email's HTML. */
  outboxMessage(localMessageId: string, options?: RequestOptions): Promise<LocalMessage> {
    return this._transport.request("GET", path`/v1/notifications/outbox/${localMessageId}`, options);
  }

  /** Calls `onChange` whenever `personId`'s inbox changes (their room `person:<id>`; yours only). */
  subscribe(personId: string, onChange: () => void, handlers: SubscribeHandlers = {}): Subscription {
    return realtimeOf(this._client).subscribe(path`person:${personId}`, (e) => e.type === "inbox.changed" && onChange(), handlers);
  }

  /** Subscribes this browser to web push (with the API's VAPID key) and registers it. */
  async subscribePush(registration: PushRegistration, options?: RequestOptions): Promise<PushSubscriptionInfo> {
    const { publicKey } = await this._transport.request<{ publicKey: string }>("GET", "/v1/push/key", options);
    const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
    return this._transport.request("POST", "/v1/push/subscriptions", { ...options, body: sub.toJSON() });
  }
}
