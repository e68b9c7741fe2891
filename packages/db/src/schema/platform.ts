import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns.js";

// Cross-domain machinery: idempotency keys, rate limits, the outbox.

/**
 * Idempotency keys: the first request with a key inserts a `pending` row (the primary key
 * makes a concurrent duplicate lose) naming itself `holder` until `lease_expires_at`. Its write
 * carries a guard that aborts the write unless it still holds the key, and marks the key
 * `committed` (or `done` with the response, when the answer was known before the write) in the
 * same batch; the response is then stored (`done`). A retry takes over a `pending` key whose
 * lease ran out (its holder died before writing anything).
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: text("status", { enum: ["pending", "committed", "done"] }).notNull(),
    holder: text("holder"),
    leaseExpiresAt: integer("lease_expires_at"),
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
 * `claimed_by` names the deliverer (process or isolate) holding a row's lease, so a new process
 * can take over the claims of one it knows is dead instead of waiting the lease out.
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
    claimedBy: text("claimed_by"),
    createdAt: createdAt(),
    /**
     * The row's order key (a realtime row's room, a message's address, …): rows of one key go out
     * in order, different keys in parallel. Written with the row so the deliverer's claim reads a
     * column (through the `outbox_order` index) instead of parsing every queued payload. A row
     * written without one gets '' and shares that key with the others of its kind (still in order).
     */
    orderKey: text("order_key").notNull().default(""),
  },
  (t) => [index("outbox_pending").on(t.sentAt, t.nextAttemptAt), index("outbox_order").on(t.sentAt, t.kind, t.orderKey)],
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

/**
 * The recent API calls of each organization, for its developers: a ring of at most `slot`-count
 * rows per organization (the API writes row `seq % size`, so it never grows past its size).
 */
export const requestLog = sqliteTable(
  "request_log",
  {
    orgId: text("org_id").notNull(),
    slot: integer("slot").notNull(),
    seq: integer("seq").notNull(),
    requestId: text("request_id").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    code: text("code"),
    callerKind: text("caller_kind").notNull(),
    durationMs: integer("duration_ms").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.slot] }), index("request_log_seq").on(t.orgId, t.seq)],
);
