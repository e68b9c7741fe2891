import type { Page, PageQuery, Role, SecretKey } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { secretKeys } from "@gatherkit/db";
import { and, eq, isNull } from "drizzle-orm";
import { roleAtMost, SECRET_KEY_PREFIX } from "../../../lib/auth.js";
import { forgetCredentials } from "../../../lib/credential-cache.js";
import { newSecret, sha256Hex } from "../../../lib/crypto.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import { enqueueOrgEvent, publishToOrg } from "../organization/organization.service.js";

/** How much of a secret key is kept in clear to recognise it: `gk_sk_` and four characters. */
const DISPLAY_PREFIX_LENGTH = SECRET_KEY_PREFIX.length + 4;

type Row = typeof secretKeys.$inferSelect;
const toSecretKey = (r: Row): SecretKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdAt: toIso(r.createdAt),
  lastUsedAt: toIso(r.lastUsedAt),
  revokedAt: toIso(r.revokedAt),
});

export function listSecretKeys(deps: Deps, orgId: string, page: PageQuery): Promise<Page<SecretKey>> {
  const db = deps.db;
  return paginate(
    secretKeys,
    page,
    (p) =>
      db
        .select()
        .from(secretKeys)
        .where(and(eq(secretKeys.orgId, orgId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toSecretKey,
  );
}

/**
 * Creates a key and returns its secret, this once: only its SHA-256 and display prefix are stored.
 * `creator` is the signed-in member making it: the key's role is theirs unless a lower one is
 * asked for, and a higher one is refused (403). Without a creator (the local demo seed) the key
 * gets `input.role`, by default admin.
 */
export async function createSecretKey(
  deps: Deps,
  orgId: string,
  input: { name: string; role?: Role },
  creator?: { userId: string; role: Role },
): Promise<SecretKey & { secret: string }> {
  const role = input.role ?? creator?.role ?? "admin";
  if (creator && !roleAtMost(role, creator.role)) {
    throw new ApiError(
      403,
      "permission_denied",
      `A key cannot have more power than you: you are ${creator.role}, the key asks for ${role}.`,
    );
  }
  const db = deps.db;
  const secret = newSecret(SECRET_KEY_PREFIX);
  const id = newId("secretKey");
  const row = {
    id,
    orgId,
    name: input.name,
    prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
    hash: await sha256Hex(secret),
    role,
    createdByUserId: creator?.userId ?? null,
    createdAt: deps.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  // Shown once: sealed with the write (under a key derived from the raw Idempotency-Key), so a
  // client whose connection dropped gets the secret on retry instead of a key it can never use.
  const created = { ...toSecretKey(row), secret };
  answerOnCommit(deps, 201, created);
  await db.batch([db.insert(secretKeys).values(row), enqueueOrgEvent(deps, orgId, { type: "key.changed", data: { id } })]);
  deliverSoon(deps);
  return created;
}

export async function getSecretKey(deps: Deps, orgId: string, id: string): Promise<SecretKey> {
  const [row] = await deps.db
    .select()
    .from(secretKeys)
    .where(and(eq(secretKeys.id, id), eq(secretKeys.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Secret key");
  return toSecretKey(row);
}

/** Revokes a key; revoking a revoked key answers it unchanged. Requests with it fail at once (`key_revoked`). */
export async function revokeSecretKey(deps: Deps, orgId: string, id: string): Promise<SecretKey> {
  const [row] = await deps.db
    .update(secretKeys)
    .set({ revokedAt: deps.now() })
    .where(and(eq(secretKeys.id, id), eq(secretKeys.orgId, orgId), isNull(secretKeys.revokedAt)))
    .returning();
  if (!row) return getSecretKey(deps, orgId, id);
  forgetCredentials(deps.db);
  await publishToOrg(deps, orgId, { type: "key.changed", data: { id } });
  return toSecretKey(row);
}
