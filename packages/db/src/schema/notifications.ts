import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations } from "./accounts.js";
import { createdAt } from "./columns.js";

// ============================================================================================
// Notifications: the delivery log of every email / SMS the outbox sends, what the local
// providers "sent" (the outbox viewer reads it), and each person's in-app inbox.
// ============================================================================================

/**
 * One row per (outbox message, channel): what happened to it at the provider. The unique
 * (source, channel) is what keeps a send exactly once where the provider has no idempotency
 * key: a second attempt finds the row in `sending` and knows a crash cut the first one short.
 */
export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").references(() => organizations.id),
    /** The outbox row (one message to one address on one channel). */
    sourceId: text("source_id").notNull(),
    /**
     * The notification that caused it: the `notify` outbox row whose fan-out queued it, or, for a
     * message a domain queued on its own (a booking's SMS), the message's own outbox row.
     */
    notificationId: text("notification_id"),
    /** `inbox` rows log a notification's fan-out to a person's inbox and other channels. */
    channel: text("channel", { enum: ["email", "sms", "push", "inbox"] }).notNull(),
    to: text("to").notNull(),
    template: text("template").notNull(),
    status: text("status", { enum: ["queued", "sending", "retrying", "sent", "delivered", "bounced", "failed", "suppressed"] }).notNull(),
    provider: text("provider").notNull(),
    providerMessageId: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("notification_deliveries_source_channel").on(t.sourceId, t.channel),
    index("notification_deliveries_org").on(t.orgId, t.createdAt),
    index("notification_deliveries_provider_id").on(t.provider, t.providerMessageId),
    index("notification_deliveries_notification").on(t.orgId, t.notificationId),
  ],
);

/**
 * What the local providers sent: the embedded default's stand-in for an inbox or a phone. The
 * idempotency key (the delivery's source) is unique, so a repeated send records nothing new.
 */
export const localMessages = sqliteTable(
  "local_messages",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").references(() => organizations.id),
    channel: text("channel", { enum: ["email", "sms", "push"] }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    from: text("from").notNull(),
    to: text("to").notNull(),
    subject: text("subject"),
    text: text("text").notNull(),
    html: text("html"),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("local_messages_idempotency").on(t.channel, t.idempotencyKey), index("local_messages_created").on(t.createdAt)],
);

/** A person's in-app inbox: every notification for a participant (`ptc_…`) or an organizer (`usr_…`). */
export const inboxItems = sqliteTable(
  "inbox_items",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    recipientId: text("recipient_id").notNull(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    /** What the notification is about (e.g. `plan_…`), for the widget to open it. */
    subjectId: text("subject_id"),
    readAt: integer("read_at"),
    createdAt: createdAt(),
  },
  (t) => [index("inbox_items_recipient").on(t.orgId, t.recipientId, t.createdAt)],
);

/** Browsers that subscribed to web push for a person (`ptc_…` or `usr_…`); deleted when the push service answers 404/410. */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    recipientId: text("recipient_id").notNull(),
    endpoint: text("endpoint").notNull(),
    /** The browser's P-256 public key (65 bytes, base64url) and auth secret (16 bytes, base64url), RFC 8291. */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint").on(t.endpoint), index("push_subscriptions_recipient").on(t.orgId, t.recipientId)],
);

/**
 * Kinds of notification a person or address turned off, per channel (absent: on). `recipient` is
 * a person id (`ptc_…`, `usr_…`) or, for email sent to an address alone, the address.
 */
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    recipient: text("recipient").notNull(),
    kind: text("kind").notNull(),
    channel: text("channel", { enum: ["email", "sms", "push", "inbox"] }).notNull(),
    optedOutAt: integer("opted_out_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.recipient, t.kind, t.channel] })],
);

/**
 * Addresses email is no longer sent to: one that hard-bounced (scope `*`: it exists for no one)
 * or whose recipient marked an organization's email as spam (scope: that organization). The
 * email deliverer checks it before each send and logs the message as suppressed.
 */
export const emailSuppressions = sqliteTable(
  "email_suppressions",
  {
    /** `*` for every organization, else an organization id. */
    scope: text("scope").notNull(),
    /** Lower-cased. */
    address: text("address").notNull(),
    reason: text("reason", { enum: ["bounced", "complained"] }).notNull(),
    /** What the provider said (e.g. the receiving server's answer). */
    detail: text("detail"),
    /** The delivery log entry that caused it. */
    deliveryId: text("delivery_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.address] })],
);

/**
 * Every lifted email suppression, kept for audit: who lifted which address, for which scope,
 * what it was suppressed for and since when. The suppression itself is deleted, so a new bounce
 * or complaint suppresses the address again.
 */
export const emailSuppressionLifts = sqliteTable(
  "email_suppression_lifts",
  {
    id: text("id").primaryKey(),
    /** The organization whose member or key lifted it. */
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    /** The suppression's scope (`*` or the organization id). */
    scope: text("scope").notNull(),
    address: text("address").notNull(),
    reason: text("reason", { enum: ["bounced", "complained"] }).notNull(),
    detail: text("detail"),
    suppressedAt: integer("suppressed_at").notNull(),
    /** `usr_…` or `sk_…`. */
    liftedBy: text("lifted_by").notNull(),
    liftedAt: integer("lifted_at").notNull(),
  },
  (t) => [index("email_suppression_lifts_org").on(t.orgId, t.liftedAt)],
);
