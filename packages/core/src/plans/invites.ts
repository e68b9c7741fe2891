import { DomainError } from "../errors.js";
import { randomToken } from "../ids.js";
import { type Instant, toMillis } from "../time.js";
import type { InviteStatus } from "./schemas/invites.js";

export interface InviteLike {
  expiresAt: Instant | null;
  maxUses: number | null;
  uses: number;
  revokedAt: Instant | null;
}

/** A new invite code for a shareable link: 22 base32 characters, 110 random bits. */
export function newInviteCode(): string {
  return randomToken(22);
}

/** revoked, else expired, else exhausted (no uses left), else active. */
export function inviteStatus(invite: InviteLike, now: Instant): InviteStatus {
  if (invite.revokedAt !== null) return "revoked";
  if (invite.expiresAt !== null && toMillis(now) >= toMillis(invite.expiresAt)) return "expired";
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return "exhausted";
  return "active";
}

/**
 * Throws 409 `invite_revoked`, `invite_expired` or `invite_exhausted` when the invite cannot be
 * used. The join itself must still take the use atomically, so two people can never both take
 * the last one:
 * `UPDATE plan_invites SET uses = uses + 1 WHERE code = ? AND revoked_at IS NULL
 *  AND (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses < max_uses) RETURNING *`
 * — when it returns no row, read the invite and call this to say why.
 */
export function assertInviteUsable(invite: InviteLike, now: Instant): void {
  const status = inviteStatus(invite, now);
  if (status === "revoked") throw new DomainError(409, "invite_revoked", "This invite link was revoked by the organizer.");
  if (status === "expired") throw new DomainError(409, "invite_expired", "This invite link has expired.");
  if (status === "exhausted") {
    throw new DomainError(409, "invite_exhausted", `This invite link has been used the maximum of ${invite.maxUses} times.`);
  }
}

/**
 * Someone removed from a plan by an organizer cannot come back through a link
 * (403 `participant_removed`); an organizer may restore them.
 */
export function assertMayJoin(existing: { removedAt: Instant | null } | null): void {
  if (existing?.removedAt != null) {
    throw new DomainError(403, "participant_removed", "You were removed from this plan; ask an organizer to add you again.");
  }
}
