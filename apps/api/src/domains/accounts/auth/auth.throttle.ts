import { rateLimits, users } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError } from "../../../lib/errors.js";
import { email, enqueue } from "../../../lib/outbox.js";
import { hitRateLimit } from "../../../lib/rate-limit.js";
import type { Deps } from "../../../lib/types.js";

/**
 * Sign-in throttling that nobody can turn into a lockout of someone else (on top of the limit of
 * attempts per client address the handler enforces):
 *
 * - per (email, address): `perAddress` failed attempts per window, then 429 with Retry-After for
 *   that pair only. An attempt is counted before the password is checked (so concurrent guesses
 *   cannot slip past the count); a success clears the pair's count (whoever is there knows the password).
 * - per email: failures from every address are counted, and never refuse anyone. From
 *   `alertAfter` failures in a window the account is under attack: each address gets at most
 *   2 tries at it (a distributed guesser slows down; the right password from a fresh address still
 *   gets in at once), and the account's owner is emailed, once per window.
 */
export async function throttledSignIn<T>(deps: Deps, input: { email: string; address: string }, attempt: () => Promise<T>): Promise<T> {
  const limits = deps.config.signInFailures;
  const window = { windowSeconds: limits.windowSeconds };
  const emailBucket = `sign-in:failures:email:${input.email}`;
  const pairBucket = `sign-in:failures:pair:${input.email}:${input.address}`;

  const underAttack = (await currentCount(deps, emailBucket)) >= limits.alertAfter;
  const allowance = underAttack ? Math.min(2, limits.perAddress) : limits.perAddress;
  const retryAfter = await hitRateLimit(deps, [pairBucket], { max: Math.max(1, allowance), ...window });
  if (retryAfter > 0) {
    await failed(deps, input.email, emailBucket);
    throw new ApiError(
      429,
      "rate_limited",
      `Too many failed sign-ins for this email from your address. Try again in ${retryAfter} seconds.`,
      {
        headers: { "retry-after": String(retryAfter) },
      },
    );
  }
  try {
    const result = await attempt();
    await clear(deps, pairBucket);
    return result;
  } catch (err) {
    if (err instanceof ApiError && err.code === "invalid_credentials") await failed(deps, input.email, emailBucket);
    throw err;
  }
}

const windowStart = (deps: Deps) => {
  const now = deps.now();
  const ms = Math.max(1, deps.config.signInFailures.windowSeconds) * 1000;
  return now - (now % ms);
};

/** This window's count of `bucket` (0 when it has none yet). */
async function currentCount(deps: Deps, bucket: string): Promise<number> {
  const [row] = await deps.db
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.windowStart, windowStart(deps))))
    .limit(1);
  return row?.count ?? 0;
}

/** Clears a pair's count after a success: a person who finally types the right password loses nothing. */
async function clear(deps: Deps, bucket: string): Promise<void> {
  await deps.db.delete(rateLimits).where(eq(rateLimits.bucket, bucket));
}

/** Counts a failure against the email; the first time a window reaches `alertAfter`, emails the account's owner. */
async function failed(deps: Deps, to: string, emailBucket: string): Promise<void> {
  const limits = deps.config.signInFailures;
  const window = { windowSeconds: limits.windowSeconds };
  const reached = (await hitRateLimit(deps, [emailBucket], { max: limits.alertAfter - 1, ...window })) > 0;
  if (!reached) return;
  // Exactly one request per window gets 0 from this bucket: it sends the alert.
  if ((await hitRateLimit(deps, [`sign-in:alerted:${to}`], { max: 1, ...window })) > 0) return;
  const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, to)).limit(1);
  if (!user) return;
  const minutes = Math.round(limits.windowSeconds / 60);
  await enqueue(
    deps.db,
    email({
      to,
      template: "sign_in_failures",
      subject: "Failed sign-ins to your Gatherkit account",
      text: [
        `Someone tried to sign in to your Gatherkit account with a wrong password ${limits.alertAfter} times in the last ${minutes} minutes.`,
        "If it was you, nothing needs doing. If not, your password kept them out; addresses that keep failing are slowed down. Choose a new, unique password if you reuse this one elsewhere.",
      ].join("\n\n"),
      data: { userId: user.id, failures: limits.alertAfter, windowSeconds: limits.windowSeconds },
    }),
    { orgId: null, now: deps.now() },
  );
}
