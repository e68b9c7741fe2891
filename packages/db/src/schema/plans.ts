import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations, participants, users } from "./accounts.js";
import { createdAt } from "./columns.js";

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
    /** Images of the plan (the first is its cover): uploads' lasting URLs or external https URLs. */
    imageUrls: text("image_urls", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
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
    /** Tell participants (inbox, email, push) when the plan is finalized or cancelled and an hour before voting closes. */
    notifyParticipants: integer("notify_participants", { mode: "boolean" }).notNull().default(false),
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

/** A new calendar feed token: 40 hex characters, 160 random bits (the same shape as `FRESH_FEED_TOKEN_SQL`). */
export function newFeedToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SQL for a fresh feed token inside a statement (`UPDATE … SET calendar_token = <this>`), as `newFeedToken` makes. */
export const FRESH_FEED_TOKEN_SQL = sql`lower(hex(randomblob(20)))`;

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
    /**
     * Secret of this participant's own calendar feed URL of the plan; replaced when they are
     * removed (and when an organizer replaces the plan's feed URLs), so their old URL stops working.
     */
    calendarToken: text("calendar_token").$defaultFn(newFeedToken),
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
    /** Images of the proposal: uploads' lasting URLs or external https URLs. */
    imageUrls: text("image_urls", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
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
    /** Set while an organizer hides the message from participants (moderation); cleared on unhide. */
    hiddenAt: integer("hidden_at"),
  },
  (t) => [index("chat_messages_plan").on(t.planId, t.createdAt, t.id)],
);
