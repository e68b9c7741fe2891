import type { Role } from "@gatherkit/core";
import { members, publishableKeys, secretKeys } from "@gatherkit/db";
import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { type VerifiedKey, verifiedKey } from "./credential-cache.js";
import { sha256Hex } from "./crypto.js";
import { ApiError } from "./errors.js";
import { verifyApiToken } from "./tokens.js";
import type { AppBindings, Caller } from "./types.js";

export const ACCESS_COOKIE = "gk_access";
export const REFRESH_COOKIE = "gk_refresh";
export const SECRET_KEY_PREFIX = "gk_sk_";
export const PUBLISHABLE_KEY_PREFIX = "gk_pk_";

/**
 * Resolves the caller from `Authorization: Bearer …` (secret key, publishable key, access
 * token or participant token) or the dashboard's access cookie. A bearer credential that is
 * present but bad is answered 401 at once; no credential (or a stale or cross-origin cookie)
 * leaves `caller` null for routes to decide.
 * Publishable keys only work from their allowed origins.
 *
 * Called by the request shell (lib/shell.ts) on every /v1 request. Without any credential it
 * answers null at once, not a promise: most reads (health, public pages) carry none.
 */
export function requestCaller(c: Context<AppBindings>): Promise<Caller | null> | null {
  const header = c.req.header("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new ApiError(401, "invalid_token", 'The Authorization header must be "Bearer <key or token>".');
    return resolveCaller(c, m[1]);
  }
  const cookie = sessionCookie(c, ACCESS_COOKIE);
  return cookie ? cookieCaller(c, cookie) : null;
}

/**
 * The organizer behind the access cookie, or null. A stale cookie counts as no cookie: a
 * browser cannot drop an HTTP-only cookie itself and must still reach sign-in and refresh;
 * routes that need a caller then answer 401.
 */
async function cookieCaller(c: Context<AppBindings>, cookie: string): Promise<Caller | null> {
  try {
    const caller = await resolveCaller(c, cookie);
    return caller.kind === "user" ? caller : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/**
 * A session cookie, unless the request comes from another origin than the API's own (CSRF
 * guard): a page elsewhere can make the browser send our cookies, but not hide its Origin.
 * Such a request is treated as anonymous, as if the cookie were not there.
 */
export function sessionCookie(c: Context<AppBindings>, name: string): string | undefined {
  const value = getCookie(c, name);
  if (!value) return undefined;
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.get("config").publicUrl).origin) return undefined;
  return value;
}

async function resolveCaller(c: Context<AppBindings>, credential: string): Promise<Caller> {
  if (credential.startsWith(SECRET_KEY_PREFIX) || credential.startsWith(PUBLISHABLE_KEY_PREFIX)) {
    const key = await verifiedKey(c.get("db"), credential, c.get("deps").now(), c.get("config").credentialCacheSeconds * 1000, () =>
      loadKey(c, credential),
    );
    const what = key?.kind === "publishable_key" || (!key && credential.startsWith(PUBLISHABLE_KEY_PREFIX)) ? "publishable" : "secret";
    if (!key) throw new ApiError(401, "invalid_token", `This ${what} key does not exist.`);
    if (key.revoked) throw new ApiError(401, "key_revoked", `This ${what} key has been revoked.`);
    if (key.kind === "secret_key") {
      // A key never carries more power than the person who made it (see loadKey).
      if (key.creatorGone) {
        throw new ApiError(401, "key_revoked", "The person who created this secret key is no longer a member, so the key no longer works.");
      }
      return { kind: "secret_key", orgId: key.orgId, keyId: key.keyId, role: key.role ?? "admin" };
    }
    const origin = c.req.header("origin");
    if (origin && !key.allowedOrigins?.includes(origin)) {
      throw new ApiError(
        403,
        "origin_not_allowed",
        `The origin ${origin} is not allowed for this publishable key. Add it to the key's allowedOrigins with a secret key: PATCH /v1/publishable-keys/${key.keyId} (gk.publishableKeys.update in the SDK).`,
      );
    }
    return { kind: "publishable_key", orgId: key.orgId, keyId: key.keyId };
  }
  const claims = await verifyApiToken(c.get("config"), credential);
  if (claims.typ === "access") {
    // The membership is read on every request, so a removed or demoted member loses access at
    // once rather than when the access token expires.
    const [member] = await c
      .get("db")
      .select({ role: members.role })
      .from(members)
      .where(and(eq(members.orgId, claims.org), eq(members.userId, claims.sub)))
      .limit(1);
    if (!member) throw new ApiError(401, "invalid_token", "You are no longer a member of this organization. Sign in again.");
    return { kind: "user", orgId: claims.org, userId: claims.sub, role: member.role };
  }
  return { kind: "participant", orgId: claims.org, participantId: claims.sub, name: claims.name };
}

/** Reads an API key from the database (see lib/credential-cache.ts for how long the answer is kept). */
async function loadKey(c: Context<AppBindings>, credential: string): Promise<VerifiedKey | undefined> {
  const db = c.get("db");
  if (credential.startsWith(SECRET_KEY_PREFIX)) {
    const hash = await sha256Hex(credential);
    const [found] = await db
      .select({ key: secretKeys, creatorRole: members.role })
      .from(secretKeys)
      .leftJoin(members, and(eq(members.orgId, secretKeys.orgId), eq(members.userId, secretKeys.createdByUserId)))
      .where(eq(secretKeys.hash, hash))
      .limit(1);
    if (!found) return undefined;
    const row = found.key;
    const now = c.get("deps").now();
    // Coarse last-used stamp: at most one write a minute per key keeps the hot path read-only.
    if (row.revokedAt === null && (row.lastUsedAt === null || now - row.lastUsedAt > 60_000)) {
      await db
        .update(secretKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(secretKeys.id, row.id), isNull(secretKeys.revokedAt)));
    }
    // The key acts with the lower of its own role and its creator's current role; once its
    // creator has left the organization it does not work at all.
    return {
      kind: "secret_key",
      orgId: row.orgId,
      keyId: row.id,
      revoked: row.revokedAt !== null,
      role: lowerRole(row.role, found.creatorRole ?? row.role),
      creatorGone: row.createdByUserId !== null && found.creatorRole === null,
    };
  }
  const [row] = await db.select().from(publishableKeys).where(eq(publishableKeys.key, credential)).limit(1);
  if (!row) return undefined;
  return { kind: "publishable_key", orgId: row.orgId, keyId: row.id, revoked: row.revokedAt !== null, allowedOrigins: row.allowedOrigins };
}

const ROLE_RANK: Record<Role, number> = { staff: 0, admin: 1, owner: 2 };

/** Whether `role` is at most `limit` (staff < admin < owner). */
export const roleAtMost = (role: Role, limit: Role) => ROLE_RANK[role] <= ROLE_RANK[limit];
const lowerRole = (a: Role, b: Role): Role => (roleAtMost(a, b) ? a : b);

type Kind = Caller["kind"];
type Narrow<K extends Kind> = Extract<Caller, { kind: K }>;

/** The caller, if it is one of `kinds`; 401 when nobody is signed in, 403 for the wrong kind. */
export function requireCaller<K extends Kind>(c: { var: { caller: Caller | null } }, ...kinds: K[]): Narrow<K> {
  const caller = c.var.caller;
  if (!caller) throw new ApiError(401, "authentication_required", "Sign in or send a key: Authorization: Bearer <key or token>.");
  if (!(kinds as Kind[]).includes(caller.kind)) {
    throw new ApiError(403, "permission_denied", `This action is not available to a ${caller.kind.replace("_", " ")}.`);
  }
  return caller as Narrow<K>;
}

/** A signed-in organizer (not a key) with one of `roles`: for what only people may do, like minting secret keys. */
export function requireUser(
  c: { var: { caller: Caller | null } },
  roles: ("owner" | "admin" | "staff")[] = ["owner", "admin", "staff"],
): Narrow<"user"> {
  const caller = requireCaller(c, "user");
  if (!roles.includes(caller.role)) throw new ApiError(403, "permission_denied", `This action needs the ${roles.join(" or ")} role.`);
  return caller;
}

/** An organizer signed in with one of `roles`, or a secret key whose role is one of them. */
export function requireOrganizer(
  c: { var: { caller: Caller | null } },
  roles: ("owner" | "admin" | "staff")[] = ["owner", "admin", "staff"],
): Narrow<"user" | "secret_key"> {
  const caller = requireCaller(c, "user", "secret_key");
  if (!roles.includes(caller.role)) {
    const who = caller.kind === "secret_key" ? `a secret key with the ${caller.role} role` : `the ${caller.role} role`;
    throw new ApiError(403, "permission_denied", `This action needs the ${roles.join(" or ")} role; you act with ${who}.`);
  }
  return caller;
}

/**
 * An owner acting in person: a signed-in user with the owner role, never a key. For changes of
 * who owns the organization (making, demoting or removing an owner).
 */
export function requireOwnerSession(caller: Caller): void {
  if (caller.kind !== "user" || caller.role !== "owner") {
    throw new ApiError(
      403,
      "permission_denied",
      "Only an owner, signed in (not with a key), can make someone an owner, or change or remove an owner.",
    );
  }
}
