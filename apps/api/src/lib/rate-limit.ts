import { rateLimits } from "@gatherkit/db";
import { lt, sql } from "drizzle-orm";
import type { Context } from "hono";
import { ApiError } from "./errors.js";
import type { AppBindings, Caller, Config, Deps } from "./types.js";

/** No bucket's window is longer than this (a day); older rows are pruned. */
export const LONGEST_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/**
 * Counts one attempt in each bucket (fixed windows in the `rate_limits` table, so the limit
 * holds across instances). Each count is one atomic upsert that starts a new window when the
 * stored one is over; the returned count is this attempt's place in its window.
 * Resolves to the seconds until the fullest over-limit bucket reopens, or 0 if all are within.
 */
export async function hitRateLimit(deps: Deps, buckets: string[], limit: RateLimit): Promise<number> {
  const db = deps.db;
  const now = deps.now();
  const windowMs = Math.max(1, limit.windowSeconds) * 1000;
  const windowStart = now - (now % windowMs);
  const upsert = (bucket: string) =>
    db
      .insert(rateLimits)
      .values({ bucket, windowStart, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.bucket,
        set: {
          count: sql`CASE WHEN ${rateLimits.windowStart} = excluded.window_start THEN ${rateLimits.count} + 1 ELSE 1 END`,
          windowStart: sql`excluded.window_start`,
        },
      })
      .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  const [first, ...rest] = buckets.map(upsert);
  if (!first) return 0;
  const results = await db.batch([first, ...rest]);
  // Now and then forget windows that are over, so the table stays as small as the set of active clients.
  // Buckets have windows of different lengths (a minute for auth, 15 minutes for sign-in failures,
  // an hour for invitations), so only rows older than the longest window any bucket may use go.
  if (Math.random() < 0.01) {
    await db.delete(rateLimits).where(lt(rateLimits.windowStart, windowStart - Math.max(windowMs, LONGEST_WINDOW_MS)));
  }
  let retryAfter = 0;
  for (const [row] of results) {
    if (row && row.count > limit.max) retryAfter = Math.max(retryAfter, Math.ceil((row.windowStart + windowMs - now) / 1000));
  }
  return retryAfter;
}

/** The client's address for rate limits, as the runtime reports it (see `Deps.clientIp`). */
export function clientAddress(c: Context<AppBindings>): string {
  return c.var.deps.clientIp?.(c.req.raw, c.env) ?? "unknown";
}

/** Throws 429 `rate_limited` with `Retry-After` when any bucket is over `limit` (default: the auth limit). */
export async function enforceRateLimit(
  c: Context<AppBindings>,
  buckets: string[],
  limit: RateLimit = c.var.config.authRateLimit,
  what = "attempts",
): Promise<void> {
  const retryAfter = await hitRateLimit(c.var.deps, buckets, limit);
  if (retryAfter > 0) {
    throw new ApiError(429, "rate_limited", `Too many ${what}. Try again in ${retryAfter} seconds.`, {
      headers: { "retry-after": String(retryAfter) },
    });
  }
}

export type WriteKind = keyof Config["writeRateLimits"];
const WRITE_NOUNS: Record<WriteKind, string> = { chat: "chat messages", votes: "votes", proposals: "proposal changes" };

/**
 * Counts one write of `kind` (chat, votes, proposals) against the caller: the participant, the
 * key, or the signed-in user making it, each with its own budget (`config.writeRateLimits`).
 * Call it in the handler before the work, so a refused write changes nothing. An anonymous
 * caller is not counted here: the service refuses it anyway.
 */
export async function enforceWriteRateLimit(c: Context<AppBindings>, kind: WriteKind): Promise<void> {
  const who = callerBucket(c.var.caller);
  if (!who) return;
  await enforceRateLimit(c, [`write:${kind}:${who}`], c.var.config.writeRateLimits[kind], WRITE_NOUNS[kind]);
}

function callerBucket(caller: Caller | null): string | null {
  switch (caller?.kind) {
    case "participant":
      return `participant:${caller.participantId}`;
    case "secret_key":
    case "publishable_key":
      return `key:${caller.keyId}`;
    case "user":
      return `user:${caller.userId}`;
    default:
      return null;
  }
}
