import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO 8601.
const createdAt = () => integer("created_at").notNull();

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ["owner", "admin", "staff"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("members_org_user").on(t.orgId, t.userId), index("members_user").on(t.userId)],
);

/**
 * Refresh tokens rotate: each use marks the row used and issues a successor in the same
 * family. Presenting a used token again revokes the whole family (reuse detection).
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("refresh_tokens_family").on(t.familyId)],
);

export const secretKeys = sqliteTable(
  "secret_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("secret_keys_org").on(t.orgId, t.createdAt)],
);

export const publishableKeys = sqliteTable(
  "publishable_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    key: text("key").notNull().unique(),
    allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("publishable_keys_org").on(t.orgId, t.createdAt)],
);

/** People who act without an organizer account: voters, attendees, bookers. */
export const participants = sqliteTable(
  "participants",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    externalId: text("external_id"),
    name: text("name").notNull(),
    email: text("email"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("participants_org_external").on(t.orgId, t.externalId)],
);

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

// ============================================================================================
// Plans: trips, events and group purchases with invites, proposals, votes, costs and chat.
// Every table carries org_id for tenant scoping. Counters that must never overshoot (invite
// uses, proposal places) are taken with one conditional UPDATE … WHERE uses < max_uses
// RETURNING, and CHECK constraints make the database refuse an overshoot regardless.
// ============================================================================================

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);
const planId = () =>
  text("plan_id")
    .notNull()
    .references(() => plans.id, { onDelete: "cascade" });
const participantRef = (name: string) => text(name).references(() => participants.id);

export const plans = sqliteTable(
  "plans",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    type: text("type", { enum: ["trip", "event", "purchase"] }).notNull(),
    status: text("status", { enum: ["planning", "finalized", "completed", "cancelled"] })
      .notNull()
      .default("planning"),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    locationName: text("location_name"),
    locationLat: real("location_lat"),
    locationLng: real("location_lng"),
    /** ISO dates (YYYY-MM-DD) in the plan's time zone; end inclusive. */
    startDate: text("start_date"),
    endDate: text("end_date"),
    timeZone: text("time_zone").notNull(),
    currency: text("currency").notNull(),
    votingDeadline: integer("voting_deadline"),
    hideVotesUntilDeadline: integer("hide_votes_until_deadline", { mode: "boolean" }).notNull().default(false),
    oneYesPerParticipant: integer("one_yes_per_participant", { mode: "boolean" }).notNull().default(false),
    /** Who created it: a participant (then its first organizer) or an organization user. */
    createdByParticipantId: participantRef("created_by_participant_id"),
    createdByUserId: text("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    finalizedAt: integer("finalized_at"),
    completedAt: integer("completed_at"),
    cancelledAt: integer("cancelled_at"),
    /** Secret in the plan's calendar feed URL (calendar apps cannot send headers); replacing it revokes old URLs. */
    calendarToken: text("calendar_token"),
  },
  (t) => [
    index("plans_org_created").on(t.orgId, t.createdAt, t.id),
    index("plans_org_status").on(t.orgId, t.status, t.createdAt),
    check("plans_dates_ordered", sql`${t.endDate} IS NULL OR (${t.startDate} IS NOT NULL AND ${t.endDate} >= ${t.startDate})`),
  ],
);

/** Membership of a participant in a plan. Removal keeps the row (balances still name them). */
export const planParticipants = sqliteTable(
  "plan_participants",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    participantId: text("participant_id")
      .notNull()
      .references(() => participants.id),
    role: text("role", { enum: ["organizer", "participant"] }).notNull(),
    /** The invite they joined through, if any. */
    inviteId: text("invite_id"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    removedAt: integer("removed_at"),
  },
  (t) => [
    uniqueIndex("plan_participants_plan_participant").on(t.planId, t.participantId),
    index("plan_participants_participant").on(t.participantId, t.createdAt),
    index("plan_participants_plan_role").on(t.planId, t.role, t.removedAt),
  ],
);

/**
 * Shareable invite links (and personal invites by email, single-use). Joining takes a use with
 * `UPDATE plan_invites SET uses = uses + 1 WHERE code = ? AND revoked_at IS NULL AND
 * (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses < max_uses) RETURNING *`.
 */
export const planInvites = sqliteTable(
  "plan_invites",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    code: text("code").notNull().unique(),
    email: text("email"),
    maxUses: integer("max_uses"),
    uses: integer("uses").notNull().default(0),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
    createdByParticipantId: participantRef("created_by_participant_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("plan_invites_plan").on(t.planId, t.createdAt),
    check("plan_invites_uses_within_max", sql`${t.uses} >= 0 AND (${t.maxUses} IS NULL OR ${t.uses} <= ${t.maxUses})`),
  ],
);

/**
 * Proposed activities or items. `taken_count` counts proposal_takers; a commitment takes a
 * place with `UPDATE proposals SET taken_count = taken_count + 1 WHERE id = ? AND
 * (capacity IS NULL OR taken_count < capacity) RETURNING *`.
 */
export const proposals = sqliteTable(
  "proposals",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    url: text("url"),
    startsAt: integer("starts_at"),
    endsAt: integer("ends_at"),
    costKind: text("cost_kind", { enum: ["total", "per_person"] }),
    costAmount: integer("cost_amount"),
    costCurrency: text("cost_currency"),
    capacity: integer("capacity"),
    takenCount: integer("taken_count").notNull().default(0),
    /** Who pays the vendor and collects the shares of the cost. */
    paidByParticipantId: participantRef("paid_by_participant_id"),
    status: text("status", { enum: ["proposed", "selected", "rejected"] })
      .notNull()
      .default("proposed"),
    createdByParticipantId: participantRef("created_by_participant_id"),
    decidedAt: integer("decided_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("proposals_plan").on(t.planId, t.createdAt, t.id),
    check("proposals_taken_within_capacity", sql`${t.takenCount} >= 0 AND (${t.capacity} IS NULL OR ${t.takenCount} <= ${t.capacity})`),
    check(
      "proposals_cost_complete",
      sql`(${t.costKind} IS NULL AND ${t.costAmount} IS NULL AND ${t.costCurrency} IS NULL) OR (${t.costKind} IS NOT NULL AND ${t.costAmount} > 0 AND ${t.costCurrency} IS NOT NULL)`,
    ),
    check("proposals_window_ordered", sql`${t.endsAt} IS NULL OR (${t.startsAt} IS NOT NULL AND ${t.endsAt} > ${t.startsAt})`),
  ],
);

/** Participants who committed to (took a place in) a proposal. */
export const proposalTakers = sqliteTable(
  "proposal_takers",
  {
    orgId: orgId(),
    planId: planId(),
    proposalId: text("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    participantId: text("participant_id")
      .notNull()
      .references(() => participants.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.participantId] }),
    index("proposal_takers_plan_participant").on(t.planId, t.participantId),
  ],
);

/**
 * One vote per participant per proposal (unique index; re-casting is an upsert on it).
 * `yes_lock` is `<plan>:<participant>` on a yes in a plan that allows one yes per participant,
 * else null: its unique index refuses a second yes even under concurrent requests.
 */
export const votes = sqliteTable(
  "votes",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    proposalId: text("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    participantId: text("participant_id")
      .notNull()
      .references(() => participants.id),
    value: text("value", { enum: ["yes", "maybe", "no"] }).notNull(),
    yesLock: text("yes_lock").unique(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("votes_proposal_participant").on(t.proposalId, t.participantId),
    index("votes_plan_participant").on(t.planId, t.participantId),
  ],
);

/** Money someone paid for the group; `split` is the SplitSpec as sent, shares are its result. */
export const expenses = sqliteTable(
  "expenses",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    description: text("description").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    paidByParticipantId: text("paid_by_participant_id")
      .notNull()
      .references(() => participants.id),
    proposalId: text("proposal_id").references(() => proposals.id),
    occurredAt: integer("occurred_at"),
    split: text("split", { mode: "json" }).$type<{ mode: string } & Record<string, unknown>>().notNull(),
    recordedByParticipantId: participantRef("recorded_by_participant_id"),
    createdAt: createdAt(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("expenses_plan").on(t.planId, t.createdAt, t.id), check("expenses_amount_positive", sql`${t.amount} > 0`)],
);

/** Each participant's part of an expense; written in the same batch as the expense. */
export const expenseShares = sqliteTable(
  "expense_shares",
  {
    orgId: orgId(),
    planId: planId(),
    expenseId: text("expense_id")
      .notNull()
      .references(() => expenses.id, { onDelete: "cascade" }),
    participantId: text("participant_id")
      .notNull()
      .references(() => participants.id),
    amount: integer("amount").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.expenseId, t.participantId] }),
    index("expense_shares_plan_participant").on(t.planId, t.participantId),
    check("expense_shares_amount_non_negative", sql`${t.amount} >= 0`),
  ],
);

/** Money one participant gave another to settle up: pending until the recipient confirms. */
export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    fromParticipantId: text("from_participant_id")
      .notNull()
      .references(() => participants.id),
    toParticipantId: text("to_participant_id")
      .notNull()
      .references(() => participants.id),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["pending", "received", "cancelled"] })
      .notNull()
      .default("pending"),
    note: text("note"),
    recordedByParticipantId: participantRef("recorded_by_participant_id"),
    createdAt: createdAt(),
    receivedAt: integer("received_at"),
    cancelledAt: integer("cancelled_at"),
  },
  (t) => [
    index("payments_plan").on(t.planId, t.createdAt, t.id),
    check("payments_between_two", sql`${t.fromParticipantId} <> ${t.toParticipantId}`),
    check("payments_amount_positive", sql`${t.amount} > 0`),
  ],
);

/** Plan chat. A deleted message keeps its row (a tombstone in the history) but loses its body. */
export const chatMessages = sqliteTable(
  "chat_messages",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    planId: planId(),
    authorParticipantId: text("author_participant_id")
      .notNull()
      .references(() => participants.id),
    body: text("body"),
    createdAt: createdAt(),
    editedAt: integer("edited_at"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("chat_messages_plan").on(t.planId, t.createdAt, t.id)],
);
