import { pageSchema } from "../pagination.js";
import { z } from "../zod.js";

export const InboxItemSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_0123456789abcdefghjk" }),
    kind: z.string().openapi({ example: "plan_finalized", description: "What the notification is about; one template per kind." }),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().openapi({ description: "Where the notification leads, if anywhere." }),
    subjectId: z.string().nullable().openapi({ example: "plan_0123456789abcdefghjk", description: "The object it is about." }),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("InboxItem");
export type InboxItem = z.infer<typeof InboxItemSchema>;

export const InboxPageSchema = pageSchema(InboxItemSchema, "InboxPage");

export const InboxUnreadSchema = z
  .object({
    unread: z.number().int().nonnegative().openapi({ example: 3 }),
    recipientId: z.string().openapi({
      example: "ptc_0123456789abcdefghjk",
      description: "Whose inbox it is (the participant or user id): its live updates come through the room `person:<recipientId>`.",
    }),
  })
  .openapi("InboxUnread", { description: "How many inbox items the caller has not read, and whose inbox it is." });
export type InboxUnread = z.infer<typeof InboxUnreadSchema>;

export const InboxReadAllResultSchema = z
  .object({ marked: z.number().int().nonnegative(), unread: z.literal(0) })
  .openapi("InboxReadAllResult");

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`)
    .refine((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, `must be ${bytes} bytes (${what})`);

/** What a browser's `PushSubscription.toJSON()` gives (expirationTime is ignored). */
export const CreatePushSubscriptionSchema = z
  .object({
    endpoint: z.url().max(2000).openapi({
      example: "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
      description: "The push service URL the browser gave.",
    }),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({
      p256dh: base64url(65, "an uncompressed P-256 public key").refine(
        (s) => s.startsWith("B"),
        "must be an uncompressed P-256 point (starts with 0x04)",
      ),
      auth: base64url(16, "the auth secret"),
    }),
  })
  .openapi("CreatePushSubscriptionRequest");
export type CreatePushSubscription = z.infer<typeof CreatePushSubscriptionSchema>;

/** Which browser subscription to drop: its endpoint, as `PushSubscription.endpoint` gives it (a guest's link has no subscription ids). */
export const PushEndpointQuerySchema = z
  .object({
    endpoint: z
      .url()
      .max(2000)
      .openapi({
        param: { name: "endpoint", in: "query" },
        example: "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
        description: "The push service URL of the subscription to delete.",
      }),
  })
  .openapi("PushEndpointQuery");

export const PushSubscriptionSchema = z
  .object({ id: z.string().openapi({ example: "psub_0123456789abcdefghjk" }), endpoint: z.string(), createdAt: z.iso.datetime() })
  .openapi("PushSubscription");
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionSchema>;

export const PushKeySchema = z
  .object({
    publicKey: z
      .string()
      .openapi({ description: "The VAPID public key (base64url): pass it as `applicationServerKey` to `pushManager.subscribe`." }),
  })
  .openapi("PushKey");

/** Every kind of notification the API sends (one template each). */
export const NOTIFICATION_KINDS = [
  "plan_invite",
  "plan_finalized",
  "plan_cancelled",
  "plan_voting_closes",
  "calendar_connection_invalid",
  "place_booking_confirmed",
  "place_booking_cancelled",
  "place_booking_extended",
  "place_booking_ends_soon",
  "event_reminder",
  "event_changed",
  "event_cancelled",
  "session_changed",
  "session_cancelled",
] as const;
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS).openapi("NotificationKind");
export type NotificationKindName = z.infer<typeof NotificationKindSchema>;

/** Where a notification reaches a person. */
export const NOTIFICATION_CHANNELS = ["inbox", "email", "sms", "push"] as const;
export const NotificationChannelSchema = z.enum(NOTIFICATION_CHANNELS).openapi("NotificationChannel");
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

const channelSwitches = z.object({ inbox: z.boolean(), email: z.boolean(), sms: z.boolean(), push: z.boolean() });

export const NotificationPreferenceSchema = z
  .object({
    kind: NotificationKindSchema,
    channels: channelSwitches.openapi({ description: "On (true) or off, per channel." }),
    transactional: z.string().nullable().openapi({
      description: "Why this kind cannot be turned off (a receipt, a ticket), or null when it can.",
    }),
  })
  .openapi("NotificationPreference");
export type NotificationPreference = z.infer<typeof NotificationPreferenceSchema>;

export const NotificationPreferencesSchema = z
  .object({ data: z.array(NotificationPreferenceSchema) })
  .openapi("NotificationPreferences", { description: "Every kind of notification, and the channels it reaches you on." });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

export const UpdateNotificationPreferencesSchema = z
  .strictObject({
    changes: z
      .array(z.strictObject({ kind: NotificationKindSchema, channel: NotificationChannelSchema, enabled: z.boolean() }))
      .min(1)
      .max(50),
  })
  .openapi("UpdateNotificationPreferencesRequest", {
    example: { changes: [{ kind: "plan_voting_closes", channel: "email", enabled: false }] },
  });
export type UpdateNotificationPreferences = z.infer<typeof UpdateNotificationPreferencesSchema>;

export const NOTIFICATION_DELIVERY_STATUSES = [
  "queued",
  "sending",
  "retrying",
  "sent",
  "delivered",
  "bounced",
  "failed",
  "suppressed",
] as const;

export const NotificationDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "dlv_0123456789abcdefghjk" }),
    notificationId: z.string().nullable().openapi({
      example: "obx_0123456789abcdefghjk",
      description:
        "The notification that caused it (`GET /v1/notifications/log/{notificationId}` lists all its deliveries): the notification whose fan-out queued it, or, for a message a domain sent on its own (a booking's SMS), the message itself. Its `inbox` entry logs the fan-out.",
    }),
    channel: NotificationChannelSchema,
    to: z.string().openapi({ description: "The address, number or push service (host) it went to; for `inbox`, how many people." }),
    kind: z.string().openapi({ example: "plan_finalized", description: "The template." }),
    status: z.enum(NOTIFICATION_DELIVERY_STATUSES).openapi({
      description:
        "`queued` (written, not yet attempted: waiting for the deliverer or, for a scheduled notification, its time), `sending` (or cut short), `retrying` (after a 429/5xx), `sent` (the provider took it), `delivered` (the provider's status callback or event said so), `bounced` (the receiving server refused it; see `error`), `failed` (see `error`), `suppressed` (the recipient turned it off, the address bounced or complained before, or it no longer applied).",
    }),
    provider: z.string().openapi({ example: "resend" }),
    providerMessageId: z.string().nullable(),
    attempts: z.number().int().nonnegative(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("NotificationDelivery");
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;
export const NotificationDeliveryPageSchema = pageSchema(NotificationDeliverySchema, "NotificationDeliveryPage");

export const SentNotificationSchema = z
  .object({
    id: z.string().openapi({ example: "obx_0123456789abcdefghjk" }),
    kind: z.string().openapi({ example: "plan_finalized" }),
    createdAt: z.iso.datetime(),
    deliveries: z.array(NotificationDeliverySchema).openapi({
      description: "Every delivery it caused, oldest first: its fan-out (`inbox`), then each email, SMS and push.",
    }),
  })
  .openapi("SentNotification", { description: "A notification as its organization sent it, with each delivery it caused." });
export type SentNotification = z.infer<typeof SentNotificationSchema>;

export const EmailSuppressionSchema = z
  .object({
    address: z.string().openapi({ example: "ada@example.com" }),
    scope: z.enum(["organization", "global"]).openapi({
      description:
        "`organization`: the recipient marked this organization's email as spam; `global`: the address hard-bounced, so no organization emails it.",
    }),
    reason: z.enum(["bounced", "complained"]),
    detail: z.string().nullable().openapi({ description: "What the provider said." }),
    liftable: z.boolean().openapi({
      description:
        "Whether the caller's organization may lift it: its own suppressions, and a hard bounce only when its own email bounced.",
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi("EmailSuppression", { description: "An address no email is sent to, and why." });
export type EmailSuppression = z.infer<typeof EmailSuppressionSchema>;
export const EmailSuppressionPageSchema = pageSchema(EmailSuppressionSchema, "EmailSuppressionPage");

export const EmailSuppressionLiftSchema = z
  .object({
    id: z.string().openapi({ example: "sup_0123456789abcdefghjk" }),
    address: z.string(),
    scope: z.enum(["organization", "global"]),
    reason: z.enum(["bounced", "complained"]),
    liftedBy: z.string().openapi({ description: "The member (`usr_…`) or secret key (`sk_…`) that lifted it." }),
    liftedAt: z.iso.datetime(),
  })
  .openapi("EmailSuppressionLift", { description: "A lifted suppression, as kept for audit." });
export type EmailSuppressionLift = z.infer<typeof EmailSuppressionLiftSchema>;

export const LiftEmailSuppressionSchema = z
  .strictObject({
    address: z.email().max(320).openapi({ example: "ada@example.com" }),
    scope: z.enum(["organization", "global"]).openapi({ description: "Which suppression of the address to lift." }),
  })
  .openapi("LiftEmailSuppressionRequest", { example: { address: "ada@example.com", scope: "organization" } });
export type LiftEmailSuppression = z.infer<typeof LiftEmailSuppressionSchema>;

export const LocalMessageSchema = z
  .object({
    id: z.string().openapi({ example: "lm_0123456789abcdefghjk" }),
    channel: z.enum(["email", "sms", "push"]),
    from: z.string(),
    to: z.string(),
    subject: z.string().nullable(),
    text: z.string(),
    html: z
      .string()
      .nullable()
      .openapi({ description: "An email's HTML, as its recipient's mail client would show it (show it sandboxed)." }),
    headers: z.record(z.string(), z.string()).openapi({ description: "An email's extra headers (`List-Unsubscribe`, …)." }),
    createdAt: z.iso.datetime(),
  })
  .openapi("LocalMessage", { description: "A message the local providers of the embedded default 'sent' (recorded instead)." });
export type LocalMessage = z.infer<typeof LocalMessageSchema>;
export const LocalMessagePageSchema = pageSchema(LocalMessageSchema, "LocalMessagePage");
