import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns.js";

// Cross-domain machinery: idempotency keys, rate limits, the outbox.

/**
 * Idempotency keys: the first request with a key inserts a `pending` row (the primary key
 * makes a concurrent duplicate lose), does the work, then stores the response to replay.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: text("status", { enum: ["pending", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    responseHeaders: text("response_headers", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created").on(t.createdAt)],
);

/** Fixed-window counters for rate limits that must hold across instances (sign-in, sign-up). */
export const rateLimits = sqliteTable("rate_limits", {
  bucket: text("bucket").primaryKey(),
  windowStart: integer("window_start").notNull(),
  count: integer("count").notNull(),
});

/**
 * Durable outbox for side effects (realtime publishes, email, SMS, calendar pushes):
 * written in the same batch as the change, delivered after commit, retried until sent.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id"),
    kind: text("kind").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    sentAt: integer("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_pending").on(t.sentAt, t.nextAttemptAt)],
);

/**
 * Every payments-provider event (a Stripe webhook event, or the local provider's) handled, by
 * its id: recorded in the batch that applies it, so a duplicate or replayed delivery changes
 * nothing the second time.
 */
export const paymentEvents = sqliteTable("payment_events", {
  id: text("id").primaryKey(),
  provider: text("provider").notNull(),
  type: text("type").notNull(),
  receivedAt: integer("received_at").notNull(),
});
