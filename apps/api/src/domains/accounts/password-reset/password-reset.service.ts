import { newId } from "@gatherkit/core";
import { passwordResets, refreshTokens, users } from "@gatherkit/db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { hashPassword, newSecret, sha256Hex } from "../../../lib/crypto.js";
import { ApiError } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { email, enqueue } from "../../../lib/outbox.js";
import { hitRateLimit } from "../../../lib/rate-limit.js";
import type { Deps } from "../../../lib/types.js";

/** Reset tokens are opaque random strings; only their SHA-256 is stored. */
export const RESET_TOKEN_PREFIX = "gk_pwr_";

export const REQUESTED_MESSAGE =
  "If an account uses this email, a link to choose a new password is on its way. It works once, for a limited time.";

/** The dashboard page the emailed link opens; the token travels in the fragment, which no server sees. */
export const resetUrl = (deps: Deps, token: string) =>
  `${deps.config.publicUrl.replace(/\/+$/, "")}/dashboard/reset-password#token=${token}`;

/**
 * Emails a reset link to the account using `address`, if there is one; the caller answers the
 * same either way. Each email gets at most `perEmail` links per window (silently: more requests
 * send nothing). A new link makes the earlier unused ones stop working (one batch).
 */
export async function requestReset(deps: Deps, address: string): Promise<void> {
  const db = deps.db;
  const limits = deps.config.passwordReset;
  const [user] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, address)).limit(1);
  if (!user) return;
  const over = await hitRateLimit(deps, [`password-reset:email:${address}`], { max: limits.perEmail, windowSeconds: limits.windowSeconds });
  if (over > 0) return;
  const now = deps.now();
  const token = newSecret(RESET_TOKEN_PREFIX);
  const minutes = Math.round(limits.ttlSeconds / 60);
  const url = resetUrl(deps, token);
  // The answer is the same whatever happens; sealed with the write (the link and its email in one
  // batch), a retry after a crash gets it without sending a second link.
  answerOnCommit(deps, 202, { message: REQUESTED_MESSAGE });
  await db.batch([
    db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt))),
    db.insert(passwordResets).values({
      id: newId("passwordReset"),
      userId: user.id,
      tokenHash: await sha256Hex(token),
      expiresAt: now + limits.ttlSeconds * 1000,
      usedAt: null,
      createdAt: now,
    }),
    enqueue(
      db,
      email({
        to: address,
        template: "password_reset",
        subject: "Choose a new Gatherkit password",
        text: [
          `Hello ${user.name},`,
          `Someone (we hope you) asked to choose a new password for your Gatherkit account. Open this link within ${minutes} minutes to do it; it works once:`,
          url,
          "If you did not ask, ignore this email: your password stays as it is.",
        ].join("\n\n"),
        data: { userId: user.id, token, url, expiresInSeconds: limits.ttlSeconds },
      }),
      { orgId: null, now },
    ),
  ]);
}

/**
 * Sets a new password with a reset token, in one batch: the token is marked used only if it is
 * unused and unexpired (so of two concurrent uses exactly one wins), the password is changed and
 * every refresh token of the account revoked only if that first statement did change the token.
 * When nothing changed, the token is read again to say why.
 */
export async function confirmReset(deps: Deps, input: { token: string; password: string }): Promise<void> {
  const db = deps.db;
  const now = deps.now();
  const tokenHash = await sha256Hex(input.token);
  const passwordHash = await hashPassword(input.password);
  // The user whose token this statement batch just used (used_at = now, by this very batch).
  const justUsedBy = sql`(SELECT user_id FROM password_resets WHERE token_hash = ${tokenHash} AND used_at = ${now})`;
  // Sealed with the write, if it used the token: a retry after a crash gets the 204.
  answerOnCommit(deps, 204, null, sql`EXISTS ${justUsedBy}`);
  const [used] = await db.batch([
    db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
      .returning({ userId: passwordResets.userId }),
    db
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, justUsedBy), sql`changes() > 0`)),
    db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.userId, justUsedBy), isNull(refreshTokens.revokedAt), sql`changes() > 0`)),
  ]);
  if (used.length > 0) return;
  const [row] = await db.select().from(passwordResets).where(eq(passwordResets.tokenHash, tokenHash)).limit(1);
  if (!row) throw new ApiError(422, "reset_link_invalid", "This reset link is not valid. Ask for a new one.");
  if (row.usedAt !== null)
    throw new ApiError(422, "reset_link_used", "This reset link was already used, or a newer one was sent. Ask for a new one.");
  throw new ApiError(422, "reset_link_expired", "This reset link has expired. Ask for a new one.");
}
