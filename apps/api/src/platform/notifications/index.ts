/**
 * The notifications platform: email, SMS and web push providers (real over fetch, local for the
 * embedded default), the outbox's sender for them, each person's inbox, and push subscriptions.
 */
import { createRouter } from "../../lib/create-app.js";
import * as deliveriesHandlers from "./deliveries.handlers.js";
import * as deliveries from "./deliveries.routes.js";
import * as emailEventsHandlers from "./email-events.handlers.js";
import * as emailEvents from "./email-events.routes.js";
import * as inboxHandlers from "./inbox.handlers.js";
import * as inbox from "./inbox.routes.js";
import * as outboxHandlers from "./outbox.handlers.js";
import * as outbox from "./outbox.routes.js";
import * as preferencesHandlers from "./preferences.handlers.js";
import * as preferences from "./preferences.routes.js";
import * as pushHandlers from "./push.handlers.js";
import * as push from "./push.routes.js";
import * as smsStatusHandlers from "./sms-status.handlers.js";
import * as smsStatus from "./sms-status.routes.js";
import * as suppressionsHandlers from "./suppressions.handlers.js";
import * as suppressions from "./suppressions.routes.js";
import * as unsubscribeHandlers from "./unsubscribe.handlers.js";
import * as unsubscribe from "./unsubscribe.routes.js";

export { notificationsFromEnv } from "./config.js";
export type { NotificationResolver, ResolvedNotification } from "./fanout.js";
export { type Notification, notificationWrites, personRoomAccess } from "./notify.js";
export { toE164 } from "./phone.js";
export { preferencesOf, updatePreferencesOf } from "./preferences.service.js";
export { dropRecipientSubscriptions, pushKey, subscribeRecipient, unsubscribeRecipientEndpoint } from "./push.service.js";
export { type NotificationKind, renderNotification } from "./templates.js";
export { templatedEmail } from "./unsubscribe.service.js";
export { generateVapidKeys } from "./webpush.js";

export const notificationsRouter = () =>
  createRouter()
    .openapi(inbox.list, inboxHandlers.list)
    .openapi(inbox.unread, inboxHandlers.unread)
    .openapi(inbox.readAll, inboxHandlers.readAll)
    .openapi(inbox.read, inboxHandlers.read)
    .openapi(preferences.get, preferencesHandlers.get)
    .openapi(preferences.update, preferencesHandlers.update)
    .openapi(deliveries.list, deliveriesHandlers.list)
    .openapi(deliveries.retrieveNotification, deliveriesHandlers.retrieveNotification)
    .openapi(suppressions.list, suppressionsHandlers.list)
    .openapi(suppressions.lift, suppressionsHandlers.lift)
    .openapi(outbox.list, outboxHandlers.list)
    .openapi(outbox.retrieve, outboxHandlers.retrieve)
    .openapi(smsStatus.status, smsStatusHandlers.status)
    .openapi(emailEvents.events, emailEventsHandlers.events)
    .openapi(push.key, pushHandlers.key)
    .openapi(push.subscribe, pushHandlers.subscribe)
    .openapi(push.unsubscribe, pushHandlers.unsubscribe)
    .openapi(unsubscribe.confirm, unsubscribeHandlers.confirm)
    .openapi(unsubscribe.unsubscribe, unsubscribeHandlers.unsubscribe);
