import { describe, expect, it } from "vitest";
import { assertInviteUsable, assertMayJoin, inviteStatus, newInviteCode } from "./invites.js";
import { InviteCodeSchema } from "./schemas/invites.js";
import { expectDomainError } from "./test-helpers.js";

const now = Date.parse("2030-01-01T00:00:00Z");
const base = { expiresAt: null, maxUses: null, uses: 0, revokedAt: null };

describe("invites", () => {
  it("status: revoked, then expired, then exhausted, else active", () => {
    expect(inviteStatus(base, now)).toBe("active");
    expect(inviteStatus({ ...base, maxUses: 3, uses: 2 }, now)).toBe("active");
    expect(inviteStatus({ ...base, maxUses: 3, uses: 3 }, now)).toBe("exhausted");
    expect(inviteStatus({ ...base, expiresAt: now, maxUses: 3, uses: 3 }, now)).toBe("expired");
    expect(inviteStatus({ ...base, expiresAt: "2030-01-01T00:00:01Z" }, now)).toBe("active");
    expect(inviteStatus({ ...base, expiresAt: now - 1, revokedAt: now - 5 }, now)).toBe("revoked");
  });

  it("refuses unusable invites with their own codes", () => {
    assertInviteUsable(base, now);
    expectDomainError(() => assertInviteUsable({ ...base, revokedAt: now }, now), 409, "invite_revoked");
    expectDomainError(() => assertInviteUsable({ ...base, expiresAt: now - 1 }, now), 409, "invite_expired");
    const err = expectDomainError(() => assertInviteUsable({ ...base, maxUses: 5, uses: 5 }, now), 409, "invite_exhausted");
    expect(err.detail).toContain("5");
  });

  it("codes are random and fit the schema", () => {
    const codes = new Set(Array.from({ length: 200 }, newInviteCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(InviteCodeSchema.safeParse(c).success).toBe(true);
  });

  it("removed participants cannot rejoin through a link", () => {
    assertMayJoin(null);
    assertMayJoin({ removedAt: null });
    expectDomainError(() => assertMayJoin({ removedAt: now }), 403, "participant_removed");
  });
});
