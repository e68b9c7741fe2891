import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations } from "./accounts.js";
import { createdAt } from "./columns.js";

// ============================================================================================
// Calendars: an organization's clients, each client's Google connection (OAuth app, encrypted
// tokens), the one-time OAuth states of connections in progress, and the sync rules that push
// Gatherkit items to a client's calendar with the Google event id each item became.
// Every secret column holds AES-256-GCM ciphertext (`v1.<keyId>.<iv>.<ciphertext>`), never plaintext.
// ============================================================================================

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);

export const calendarClients = sqliteTable(
  "calendar_clients",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    email: text("email"),
    notes: text("notes").notNull().default(""),
    timeZone: text("time_zone").notNull(),
    /** Lower-cased name and email, what `?q=` searches. */
    searchText: text("search_text").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("calendar_clients_org_created").on(t.orgId, t.createdAt, t.id)],
);

/** One Google connection per client. A row exists once an app is chosen (or a connection begins). */
export const calendarConnections = sqliteTable("calendar_connections", {
  clientId: text("client_id")
    .primaryKey()
    .references(() => calendarClients.id, { onDelete: "cascade" }),
  orgId: orgId(),
  app: text("app", { enum: ["platform", "organization"] }).notNull(),
  oauthClientId: text("oauth_client_id"),
  /** The organization's own app's secret, encrypted. */
  oauthClientSecretEnc: text("oauth_client_secret_enc"),
  scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status", { enum: ["not_connected", "valid", "invalid"] }).notNull(),
  grantedScopes: text("granted_scopes", { mode: "json" }).$type<string[]>().notNull(),
  accountEmail: text("account_email"),
  accessTokenEnc: text("access_token_enc"),
  refreshTokenEnc: text("refresh_token_enc"),
  /** When the access token expires (epoch ms). */
  expiresAt: integer("expires_at"),
  /** Bumped by every token change: a refresh is written only over the version it started from. */
  tokenVersion: integer("token_version").notNull().default(0),
  /** A refresh in flight holds this lease (epoch ms) so the connection refreshes once, not once per request. */
  refreshLeaseUntil: integer("refresh_lease_until"),
  invalidReason: text("invalid_reason"),
  connectedAt: integer("connected_at"),
  /** The UTC day (YYYY-MM-DD) the quota counters below count; a call on a later day starts them again. */
  quotaDay: text("quota_day"),
  /** Calendar v3 requests sent to Google for this connection on `quotaDay` (every attempt, retries included). */
  quotaCalls: integer("quota_calls").notNull().default(0),
  /** Of those, answers that were 429 or a rate-limit 403 (rateLimitExceeded, userRateLimitExceeded, quotaExceeded). */
  quotaRateLimited: integer("quota_rate_limited").notNull().default(0),
  /** Back-offs (waits before a retry) on `quotaDay`. */
  quotaBackoffs: integer("quota_backoffs").notNull().default(0),
  /** The last rate-limited answer (epoch ms), whatever the day. */
  quotaLastRateLimitedAt: integer("quota_last_rate_limited_at"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at").notNull(),
});

/** A connection in progress: what the callback needs, used once. */
export const calendarOauthStates = sqliteTable(
  "calendar_oauth_states",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    clientId: text("client_id")
      .notNull()
      .references(() => calendarClients.id, { onDelete: "cascade" }),
    /** Who started it: `user:<id>` or `secret_key:<id>`; the callback must come from the same caller. */
    issuedTo: text("issued_to").notNull(),
    /** The PKCE code verifier, encrypted. */
    codeVerifierEnc: text("code_verifier_enc").notNull(),
    returnTo: text("return_to").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("calendar_oauth_states_expires").on(t.expiresAt)],
);

export const calendarSyncRules = sqliteTable(
  "calendar_sync_rules",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    clientId: text("client_id")
      .notNull()
      .references(() => calendarClients.id, { onDelete: "cascade" }),
    calendarId: text("calendar_id").notNull(),
    sourceType: text("source_type", { enum: ["plan", "event", "place"] }).notNull(),
    sourceId: text("source_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("calendar_sync_rules_target").on(t.clientId, t.calendarId, t.sourceType, t.sourceId),
    index("calendar_sync_rules_source").on(t.orgId, t.sourceType, t.sourceId),
  ],
);

/** What each synced item became at Google, so a change updates that event and a cancel deletes it. */
export const calendarSyncedItems = sqliteTable(
  "calendar_synced_items",
  {
    ruleId: text("rule_id")
      .notNull()
      .references(() => calendarSyncRules.id, { onDelete: "cascade" }),
    /** The Gatherkit item, e.g. a plan's finalized activity `prop_…`. */
    itemId: text("item_id").notNull(),
    googleEventId: text("google_event_id").notNull(),
    /** A digest of what was last sent, so an unchanged item is not sent again. */
    contentHash: text("content_hash").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.itemId] })],
);

/**
 * A bulk job on a client's calendars (re-sync every rule, create or delete many events), worked
 * through by outbox tasks a chunk at a time: its progress is here, so it survives a restart.
 */
export const calendarJobs = sqliteTable(
  "calendar_jobs",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    clientId: text("client_id")
      .notNull()
      .references(() => calendarClients.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["resync", "create_events", "delete_events", "import_ics"] }).notNull(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull(),
    /** The job's rows as asked (rule ids, events to create, events to delete). */
    items: text("items", { mode: "json" }).$type<unknown[]>().notNull(),
    total: integer("total").notNull(),
    /** Rows worked through so far (succeeded or failed); the next chunk starts here. */
    processed: integer("processed").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    /** The rows that failed, with why (at most 200 kept). */
    failures: text("failures", { mode: "json" }).$type<{ index: number; code: string; detail: string }[]>().notNull(),
    /** Why the whole job stopped (the connection became invalid), when it failed. */
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("calendar_jobs_client_created").on(t.clientId, t.createdAt, t.id)],
);

/**
 * A calendar feed URL that calendar apps poll (an event's schedule, a place's bookings, a guest's
 * signed-up sessions). Its secret is stored only as a SHA-256 digest: the URL is shown when made
 * or rotated. Rotating replaces the digest (the previous one kept to answer 410 Gone); revoking
 * ends the feed. `etag`/`changedAt` remember the last body served, so Last-Modified moves exactly
 * when the feed's content does (a removed item too).
 */
export const calendarFeeds = sqliteTable(
  "calendar_feeds",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    subjectType: text("subject_type", { enum: ["event", "place", "guest"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    label: text("label").notNull().default(""),
    tokenHash: text("token_hash").notNull(),
    previousTokenHash: text("previous_token_hash"),
    etag: text("etag"),
    changedAt: integer("changed_at"),
    createdAt: createdAt(),
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    index("calendar_feeds_org_created").on(t.orgId, t.createdAt, t.id),
    index("calendar_feeds_subject").on(t.orgId, t.subjectType, t.subjectId),
  ],
);
