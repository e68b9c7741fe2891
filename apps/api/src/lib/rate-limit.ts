import { rateLimits } from "@gatherkit/db";
import { lt, type SQL, sql } from "drizzle-orm";
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
  const window = currentWindow(deps, limit);
  const [first, ...rest] = buckets.map((bucket) => countAttempt(db, bucket, window));
  if (!first) return 0;
  const results = await db.batch([first, ...rest]);
  await pruneSometimes(deps, window);
  let retryAfter = 0;
  for (const rows of results) retryAfter = Math.max(retryAfter, secondsUntilReopen(rows, limit, window));
  return retryAfter;
}

interface Window {
  now: number;
  start: number;
  ms: number;
}

function currentWindow(deps: Pick<Deps, "now">, limit: RateLimit): Window {
  const now = deps.now();
  const ms = Math.max(1, limit.windowSeconds) * 1000;
  return { now, start: now - (now % ms), ms };
}

/** The atomic upsert counting one attempt in `bucket`'s window, returning its place in the window. */
function countAttempt(db: Deps["db"], bucket: string, window: Window) {
  return db
    .insert(rateLimits)
    .values({ bucket, windowStart: window.start, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.bucket,
      set: {
        count: sql`CASE WHEN ${rateLimits.windowStart} = excluded.window_start THEN ${rateLimits.count} + 1 ELSE 1 END`,
        windowStart: sql`excluded.window_start`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
}

/** Seconds until the window of a counted attempt reopens when it was over `limit`, else 0. */
function secondsUntilReopen(rows: { count: number; windowStart: number }[], limit: RateLimit, window: Window): number {
  const [row] = rows;
  if (!row || row.count <= limit.max) return 0;
  return Math.ceil((row.windowStart + window.ms - window.now) / 1000);
}

/**
 * Now and then forget windows that are over, so the table stays as small as the set of active clients.
 * Buckets have windows of different lengths (a minute for auth, 15 minutes for sign-in failures,
 * an hour for invitations), so only rows older than the longest window any bucket may use go.
 */
async function pruneSometimes(deps: Pick<Deps, "db">, window: Window): Promise<void> {
  if (Math.random() < 0.01) {
    await deps.db.delete(rateLimits).where(lt(rateLimits.windowStart, window.start - Math.max(window.ms, LONGEST_WINDOW_MS)));
  }
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
  const caller = c.var.caller;
  if (!caller) return;
  await enforceRateLimit(c, [writeBucket(caller, kind)], c.var.config.writeRateLimits[kind], WRITE_NOUNS[kind]);
}

/**
 * One write of `kind` counted inside the write's own `db.batch` instead of in a transaction of its
 * own before it (a chat message commits once, not twice). `count` goes first in the batch; the
 * write's statements are guarded by `within` (`insertWhen(…, within)`, then
 * `previousStatementChanged`), which holds, as the batch runs, only while this attempt's place in
 * its window is within the budget. The count and the write are one transaction on libSQL and D1
 * alike, so N concurrent writes over the limit write exactly `max`, and a refused attempt still
 * counts (as with `enforceWriteRateLimit`). After the batch, `refusal(rows)` is the 429 to throw
 * when the attempt was over. Build it right before the batch (its window is the current one). A
 * request refused before it gets to its write goes through `countRefusedWrite` instead.
 */
export interface CountedWrite {
  count: ReturnType<typeof countAttempt>;
  within: SQL;
  /** The 429 for the attempt `count` returned, or undefined when it was within the limit. */
  refusal(rows: { count: number; windowStart: number }[]): ApiError | undefined;
}

export function countWriteInBatch(deps: Deps, caller: Caller, kind: WriteKind): CountedWrite {
  const bucket = writeBucket(caller, kind);
  const limit = deps.config.writeRateLimits[kind];
  const window = currentWindow(deps, limit);
  return {
    count: countAttempt(deps.db, bucket, window),
    within: sql`EXISTS (SELECT 1 FROM ${rateLimits} WHERE ${rateLimits.bucket} = ${bucket} AND ${rateLimits.windowStart} = ${window.start} AND ${rateLimits.count} <= ${limit.max})`,
    refusal: (rows) => {
      const retryAfter = secondsUntilReopen(rows, limit, window);
      return retryAfter > 0 ? tooManyWrites(kind, retryAfter) : undefined;
    },
  };
}

/**
 * For a write counted with `countWriteInBatch` that was refused before its batch (no such plan,
 * not a participant, a closed plan): counts the attempt on its own, as `enforceWriteRateLimit`
 * does, then throws — 429 when the caller is over the limit, else `err`. So refused attempts still
 * spend the budget, and over it the answer is 429 first, as when the count came before the work.
 */
export async function countRefusedWrite(deps: Deps, caller: Caller | null, kind: WriteKind, err: unknown): Promise<never> {
  if (!caller) throw err;
  const retryAfter = await hitRateLimit(deps, [writeBucket(caller, kind)], deps.config.writeRateLimits[kind]);
  throw retryAfter > 0 ? tooManyWrites(kind, retryAfter) : err;
}

const tooManyWrites = (kind: WriteKind, retryAfter: number) =>
  new ApiError(429, "rate_limited", `Too many ${WRITE_NOUNS[kind]}. Try again in ${retryAfter} seconds.`, {
    headers: { "retry-after": String(retryAfter) },
  });

const writeBucket = (caller: Caller, kind: WriteKind) => `write:${kind}:${callerBucket(caller)}`;

function callerBucket(caller: Caller): string {
  switch (caller.kind) {
    case "participant":
      return `participant:${caller.participantId}`;
    case "secret_key":
    case "publishable_key":
      return `key:${caller.keyId}`;
    case "user":
      return `user:${caller.userId}`;
  }
}
