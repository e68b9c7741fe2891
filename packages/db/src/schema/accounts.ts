import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns.js";

// Accounts: organizations, their users and members, sessions, API keys, and participants.

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** IANA time zone the dashboard shows times in and day-buckets its figures by (UTC until set). */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** How its buyers pay with Stripe (`payment_element`, `checkout_embedded`, `checkout_redirect`); null: the deployment's `STRIPE_CHECKOUT`. */
  checkoutMode: text("checkout_mode", { enum: ["payment_element", "checkout_embedded", "checkout_redirect"] }),
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

/**
 * Password resets: an emailed, single-use link (only the token's SHA-256 is stored) that expires.
 * Setting the new password marks it used in the same batch, and revokes the user's sessions.
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("password_resets_user").on(t.userId, t.createdAt)],
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
    /**
     * What the key may do, at most its creator's role when it was made; requests are also capped
     * by the creator's current role (`created_by_user_id`). Keys made before roles existed are admin.
     */
    role: text("role", { enum: ["owner", "admin", "staff"] })
      .notNull()
      .default("admin"),
    /** The member who made it (null for keys made before this was recorded). */
    createdByUserId: text("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("secret_keys_org").on(t.orgId, t.createdAt), index("secret_keys_creator").on(t.orgId, t.createdByUserId)],
);

/**
 * An emailed invitation to become a member. Only the SHA-256 of its token is kept; the token
 * travels in the email and works once, before `expires_at`, for a signed-in user with that email.
 */
export const memberInvitations = sqliteTable(
  "member_invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "staff"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedByUserId: text("invited_by_user_id").references(() => users.id),
    invitedByKeyId: text("invited_by_key_id"),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    acceptedByUserId: text("accepted_by_user_id").references(() => users.id),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("member_invitations_org").on(t.orgId, t.createdAt), index("member_invitations_email").on(t.orgId, t.email)],
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
