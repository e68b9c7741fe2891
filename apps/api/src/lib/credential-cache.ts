import type { Role } from "@gatherkit/core";
import type { Db } from "@gatherkit/db";

/**
 * API keys that were verified against the database, remembered briefly so the hot path does not
 * hash and look up the same key on every request. Each process (Node) or isolate (Workers) keeps
 * its own, per database:
 *
 * - a key revoked, or a publishable key's origins changed, by this process takes effect here at
 *   once: the keys' services call {@link forgetCredentials}, and so do member changes (a secret
 *   key acts with at most its creator's current role);
 * - one changed by another process or isolate takes effect here within the cache's time to live
 *   (`CREDENTIAL_CACHE_SECONDS`, 5 s by default; 0 turns the cache off).
 *
 * Only what the database said about a key is kept (its organization, id, origins, whether
 * it is revoked); failed lookups are not remembered. Access and participant tokens are
 * not cached: they are verified by signature, and a member's role is read on every request.
 */
export interface VerifiedKey {
  kind: "secret_key" | "publishable_key";
  orgId: string;
  keyId: string;
  revoked: boolean;
  /** Secret keys: the role it acts with (its own, capped by its creator's current role). */
  role?: Role;
  /** Secret keys: its creator is no longer a member, so it does not work. */
  creatorGone?: boolean;
  /** Publishable keys: the origins allowed to use it. */
  allowedOrigins?: string[];
}

/** More keys than any one instance serves at once; past it, the oldest entries go first. */
const MAX_ENTRIES = 10_000;
const caches = new WeakMap<Db, Map<string, { key: VerifiedKey; until: number }>>();

function cacheOf(db: Db) {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/**
 * The verified key for `credential`: from the cache while it is fresh, else from `load` (which
 * reads the database; undefined when there is no such key). `ttlMs` 0 always loads.
 */
export async function verifiedKey(
  db: Db,
  credential: string,
  now: number,
  ttlMs: number,
  load: () => Promise<VerifiedKey | undefined>,
): Promise<VerifiedKey | undefined> {
  const cache = cacheOf(db);
  const hit = cache.get(credential);
  if (hit && hit.until > now) return hit.key;
  const key = await load();
  if (!key || ttlMs <= 0) {
    cache.delete(credential);
    return key;
  }
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.delete(credential); // re-inserted last: the Map's order is the age order
  cache.set(credential, { key, until: now + ttlMs });
  return key;
}

/** Forgets every cached key of this database: a key was revoked or changed by this process. */
export function forgetCredentials(db: Db): void {
  caches.get(db)?.clear();
}
