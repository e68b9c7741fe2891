import type { Page, PageQuery, PublishableKey } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { publishableKeys } from "@gatherkit/db";
import { and, eq, isNull } from "drizzle-orm";
import { PUBLISHABLE_KEY_PREFIX } from "../../../lib/auth.js";
import { forgetCredentials } from "../../../lib/credential-cache.js";
import { newSecret } from "../../../lib/crypto.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import { enqueueOrgEvent, publishToOrg } from "../organization/organization.service.js";

type Row = typeof publishableKeys.$inferSelect;
const toPublishableKey = (r: Row): PublishableKey => ({
  id: r.id,
  name: r.name,
  key: r.key,
  allowedOrigins: r.allowedOrigins,
  createdAt: toIso(r.createdAt),
  revokedAt: toIso(r.revokedAt),
});

const byId = (orgId: string, id: string) => and(eq(publishableKeys.id, id), eq(publishableKeys.orgId, orgId));
const unique = (origins: string[]) => [...new Set(origins)];

export function listPublishableKeys(deps: Deps, orgId: string, page: PageQuery): Promise<Page<PublishableKey>> {
  const db = deps.db;
  return paginate(
    publishableKeys,
    page,
    (p) =>
      db
        .select()
        .from(publishableKeys)
        .where(and(eq(publishableKeys.orgId, orgId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toPublishableKey,
  );
}

/** A publishable key is public by design (it sits in web pages), so it is stored as is. */
export async function createPublishableKey(
  deps: Deps,
  orgId: string,
  input: { name: string; allowedOrigins: string[] },
): Promise<PublishableKey> {
  const db = deps.db;
  const id = newId("publishableKey");
  const row = {
    id,
    orgId,
    name: input.name,
    key: newSecret(PUBLISHABLE_KEY_PREFIX),
    allowedOrigins: unique(input.allowedOrigins),
    createdAt: deps.now(),
    revokedAt: null,
  };
  const key = toPublishableKey(row);
  answerOnCommit(deps, 201, key);
  await db.batch([db.insert(publishableKeys).values(row), enqueueOrgEvent(deps, orgId, { type: "key.changed", data: { id } })]);
  deliverSoon(deps);
  return key;
}

export async function getPublishableKey(deps: Deps, orgId: string, id: string): Promise<PublishableKey> {
  const [row] = await deps.db.select().from(publishableKeys).where(byId(orgId, id)).limit(1);
  if (!row) throw notFound("Publishable key");
  return toPublishableKey(row);
}

/** Renames a key or replaces its allowed origins. A revoked key stays as it was revoked (409). */
export async function updatePublishableKey(
  deps: Deps,
  orgId: string,
  id: string,
  input: { name?: string; allowedOrigins?: string[] },
): Promise<PublishableKey> {
  const [row] = await deps.db
    .update(publishableKeys)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.allowedOrigins !== undefined ? { allowedOrigins: unique(input.allowedOrigins) } : {}),
    })
    .where(and(byId(orgId, id), isNull(publishableKeys.revokedAt)))
    .returning();
  if (!row) {
    await getPublishableKey(deps, orgId, id); // 404 when it is not there
    throw new ApiError(409, "conflict", "This publishable key is revoked and can no longer be changed. Create a new one.");
  }
  forgetCredentials(deps.db);
  await publishToOrg(deps, orgId, { type: "key.changed", data: { id } });
  return toPublishableKey(row);
}

/** Revokes a key; revoking a revoked key answers it unchanged. */
export async function revokePublishableKey(deps: Deps, orgId: string, id: string): Promise<PublishableKey> {
  const [row] = await deps.db
    .update(publishableKeys)
    .set({ revokedAt: deps.now() })
    .where(and(byId(orgId, id), isNull(publishableKeys.revokedAt)))
    .returning();
  if (!row) return getPublishableKey(deps, orgId, id);
  forgetCredentials(deps.db);
  await publishToOrg(deps, orgId, { type: "key.changed", data: { id } });
  return toPublishableKey(row);
}

/** Every origin the organization's live publishable keys allow: where its own pages are. */
export async function organizationOrigins(deps: Deps, orgId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ allowedOrigins: publishableKeys.allowedOrigins })
    .from(publishableKeys)
    .where(and(eq(publishableKeys.orgId, orgId), isNull(publishableKeys.revokedAt)));
  return unique(rows.flatMap((r) => r.allowedOrigins));
}
