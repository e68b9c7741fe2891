import type { Me, Role, Session } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { members, organizations, refreshTokens, users } from "@gatherkit/db";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { dummyPasswordHash, hashPassword, newSecret, sha256Hex, verifyPassword } from "../../../lib/crypto.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import { signAccessToken } from "../../../lib/tokens.js";
import type { Deps } from "../../../lib/types.js";

/** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
export const REFRESH_TOKEN_PREFIX = "gk_rt_";

export type UserRow = typeof users.$inferSelect;
type OrgRow = typeof organizations.$inferSelect;

export const toUser = (u: UserRow) => ({ id: u.id, email: u.email, name: u.name, createdAt: toIso(u.createdAt) });
export const toOrganization = (o: OrgRow) => ({
  id: o.id,
  name: o.name,
  timeZone: o.timeZone,
  checkoutMode: o.checkoutMode,
  createdAt: toIso(o.createdAt),
});

/** A new refresh token in `familyId` (a new family when omitted): the row to insert and the secret to hand out. */
async function newRefreshToken(deps: Deps, userId: string, orgId: string, now: number, familyId = newId("refreshToken")) {
  const token = newSecret(REFRESH_TOKEN_PREFIX);
  const row = {
    id: newId("refreshToken"),
    familyId,
    userId,
    orgId,
    tokenHash: await sha256Hex(token),
    expiresAt: now + deps.config.refreshTokenTtlSeconds * 1000,
    createdAt: now,
  };
  return { token, row };
}

async function session(
  deps: Deps,
  user: UserRow,
  org: OrgRow,
  role: Role,
  refresh: { token: string; row: { expiresAt: number } },
  now: number,
): Promise<Session> {
  const access = await signAccessToken(deps.config, { sub: user.id, org: org.id, role }, now);
  return {
    accessToken: access.jwt,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: toIso(refresh.row.expiresAt),
    user: toUser(user),
    organization: toOrganization(org),
    role,
  };
}

/**
 * Creates the user, their organization and their owner membership, and opens a session, all
 * in one batch. The unique index on `users.email` decides between concurrent sign-ups.
 */
export async function signUp(
  deps: Deps,
  input: { email: string; password: string; name: string; organizationName: string },
): Promise<Session> {
  const now = deps.now();
  const user: UserRow = {
    id: newId("user"),
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
  };
  const org: OrgRow = { id: newId("organization"), name: input.organizationName, timeZone: "UTC", checkoutMode: null, createdAt: now };
  const refresh = await newRefreshToken(deps, user.id, org.id, now);
  const answer = await session(deps, user, org, "owner", refresh, now);
  // Sealed with the write: the retry of a sign-up that died right after it gets this session.
  answerOnCommit(deps, 201, answer);
  const db = deps.db;
  try {
    await db.batch([
      db.insert(users).values(user),
      db.insert(organizations).values(org),
      db.insert(members).values({ id: newId("member"), orgId: org.id, userId: user.id, role: "owner", createdAt: now }),
      db.insert(refreshTokens).values(refresh.row),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "users.email")) {
      throw new ApiError(409, "email_taken", "An account with this email already exists. Sign in instead.");
    }
    throw err;
  }
  return answer;
}

/**
 * Checks the password (against a dummy hash when the email is unknown, so both failures cost
 * the same and read the same) and opens a session in the chosen or first-joined organization.
 */
export async function signIn(deps: Deps, input: { email: string; password: string; organizationId?: string }): Promise<Session> {
  const db = deps.db;
  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw new ApiError(401, "invalid_credentials", "The email or password is incorrect.");
  return openSession(deps, user, input.organizationId);
}

/** The user whose email this is, or undefined (single sign-on links accounts by verified email). */
export async function userByEmail(deps: Deps, email: string): Promise<UserRow | undefined> {
  const [user] = await deps.db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

/** A session for a user already authenticated (password or single sign-on), in the chosen or first-joined organization. */
export async function openSession(deps: Deps, user: UserRow, organizationId?: string): Promise<Session> {
  const db = deps.db;
  const input = { organizationId };
  const [m] = await db
    .select({ role: members.role, org: organizations })
    .from(members)
    .innerJoin(organizations, eq(organizations.id, members.orgId))
    .where(and(eq(members.userId, user.id), input.organizationId ? eq(members.orgId, input.organizationId) : undefined))
    .orderBy(asc(members.createdAt), asc(members.id))
    .limit(1);
  if (!m) {
    if (input.organizationId) throw new ApiError(404, "not_found", "You are not a member of this organization.");
    throw new ApiError(403, "permission_denied", "You are not a member of any organization any more.");
  }
  const now = deps.now();
  const refresh = await newRefreshToken(deps, user.id, m.org.id, now);
  const answer = await session(deps, user, m.org, m.role, refresh, now);
  // Sealed with the write (sign-in answers 200): its retry after a crash gets this session.
  answerOnCommit(deps, 200, answer);
  await db.insert(refreshTokens).values(refresh.row);
  return answer;
}

/** No token of the family has been revoked (sign-out or reuse detection revoke whole families). */
const familyIntact = sql`NOT EXISTS (SELECT 1 FROM refresh_tokens AS f WHERE f.family_id = refresh_tokens.family_id AND f.revoked_at IS NOT NULL)`;

async function revokeFamily(deps: Deps, familyId: string, now: number) {
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/**
 * Rotates a refresh token. One conditional UPDATE marks it used, so of concurrent refreshes
 * with the same token exactly one rotates it. Presenting a used token again within
 * `refreshReuseGraceSeconds` of its rotation (another tab refreshing at the same moment) gets a
 * new token of the same family too, as valid as the first; presenting it later means it was
 * copied: the whole family is revoked, the thief's and the owner's sessions alike.
 */
export async function refresh(deps: Deps, token: string): Promise<Session> {
  const db = deps.db;
  const now = deps.now();
  const tokenHash = await sha256Hex(token);
  const [used] = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, now),
        familyIntact,
      ),
    )
    .returning();

  let from = used;
  if (!from) {
    const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    if (!row) throw new ApiError(401, "invalid_token", "This refresh token is not valid. Sign in again.");
    if (row.expiresAt <= now) throw new ApiError(401, "token_expired", "This refresh token has expired. Sign in again.");
    if (row.usedAt !== null && row.revokedAt === null && now - row.usedAt <= deps.config.refreshReuseGraceSeconds * 1000) {
      from = row;
    } else if (row.usedAt !== null) {
      await revokeFamily(deps, row.familyId, now);
      throw new ApiError(
        401,
        "refresh_token_reused",
        "This refresh token was already used, so it may have been copied. Every session it started is now signed out; sign in again.",
      );
    } else {
      throw new ApiError(401, "invalid_token", "This session has been signed out. Sign in again.");
    }
  }

  const [m] = await db
    .select({ role: members.role, user: users, org: organizations })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .innerJoin(organizations, eq(organizations.id, members.orgId))
    .where(and(eq(members.orgId, from.orgId), eq(members.userId, from.userId)))
    .limit(1);
  if (!m) {
    await revokeFamily(deps, from.familyId, now);
    throw new ApiError(401, "invalid_token", "You are no longer a member of this organization. Sign in again.");
  }
  const next = await newRefreshToken(deps, from.userId, from.orgId, now, from.familyId);
  // Only into a family nobody signed out (or caught reusing) meanwhile.
  const [inserted] = await insertWhen(
    db,
    refreshTokens,
    next.row,
    sql`NOT EXISTS (SELECT 1 FROM refresh_tokens AS f WHERE f.family_id = ${from.familyId} AND f.revoked_at IS NOT NULL)`,
  ).returning({ id: refreshTokens.id });
  if (!inserted) throw new ApiError(401, "invalid_token", "This session has been signed out. Sign in again.");
  return session(deps, m.user, m.org, m.role, next, now);
}

/** Revokes the family of `token` (every token rotated from the same sign-in). Unknown tokens are ignored. */
export async function signOut(deps: Deps, token: string): Promise<void> {
  const tokenHash = await sha256Hex(token);
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: deps.now() })
    .where(
      and(
        sql`refresh_tokens.family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${tokenHash})`,
        isNull(refreshTokens.revokedAt),
      ),
    );
}

export async function me(deps: Deps, caller: { userId: string; orgId: string; role: Role }): Promise<Me> {
  const [row] = await deps.db
    .select({ user: users, org: organizations })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, caller.orgId))
    .where(eq(users.id, caller.userId))
    .limit(1);
  if (!row) throw new ApiError(401, "invalid_token", "This account no longer exists. Sign in again.");
  return { user: toUser(row.user), organization: toOrganization(row.org), role: caller.role };
}
