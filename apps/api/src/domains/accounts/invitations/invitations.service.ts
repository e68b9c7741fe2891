import type { AcceptedInvitation, MemberInvitation, Page, PageQuery } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { memberInvitations, members, organizations, users } from "@gatherkit/db";
import { and, eq, gt, isNull, notExists, sql } from "drizzle-orm";
import { newSecret, sha256Hex } from "../../../lib/crypto.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { email, enqueue, enqueueWhen, realtime } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import { toOrganization } from "../auth/auth.service.js";
import type { MemberManager } from "../members/members.service.js";
import { orgRoom } from "../organization/organization.service.js";

/** Invitation tokens are opaque random strings; only their SHA-256 is stored. */
export const INVITATION_TOKEN_PREFIX = "gk_inv_";

type Row = typeof memberInvitations.$inferSelect;

function statusOf(r: Row, now: number): MemberInvitation["status"] {
  if (r.acceptedAt !== null) return "accepted";
  if (r.revokedAt !== null) return "revoked";
  return r.expiresAt <= now ? "expired" : "pending";
}

const toInvitation = (r: Row, now: number): MemberInvitation => ({
  id: r.id,
  email: r.email,
  role: r.role,
  status: statusOf(r, now),
  expiresAt: toIso(r.expiresAt),
  createdAt: toIso(r.createdAt),
});

/**
 * Invites `email` to the organization as admin or staff. Nothing is looked up about the address,
 * so the answer is the same whether or not it has a Gatherkit account (and nobody becomes a
 * member until they accept). An earlier pending invitation to the same address is revoked, so at
 * most one token works. The email is written to the outbox in the same batch (kind `email`,
 * template `member_invitation`); the token exists only there and in the person's inbox.
 */
export async function inviteMember(
  deps: Deps,
  actor: MemberManager,
  orgId: string,
  input: { email: string; role: "admin" | "staff" },
): Promise<MemberInvitation> {
  const db = deps.db;
  const now = deps.now();
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) throw notFound("Organization");
  const token = newSecret(INVITATION_TOKEN_PREFIX);
  const row: Row = {
    id: newId("memberInvitation"),
    orgId,
    email: input.email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedByUserId: actor.kind === "user" ? actor.userId : null,
    invitedByKeyId: actor.kind === "secret_key" ? actor.keyId : null,
    expiresAt: now + deps.config.memberInvitationTtlSeconds * 1000,
    acceptedAt: null,
    acceptedByUserId: null,
    revokedAt: null,
    createdAt: now,
  };
  const acceptUrl = `${deps.config.publicUrl.replace(/\/+$/, "")}/v1/member-invitations/accept`;
  // Sealed with the write (answered 202 by organization.handlers): a retry after a crash gets it
  // and sends no second email.
  const answer = toInvitation(row, now);
  answerOnCommit(deps, 202, answer);
  await db.batch([
    db
      .update(memberInvitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(memberInvitations.orgId, orgId),
          eq(memberInvitations.email, input.email),
          isNull(memberInvitations.acceptedAt),
          isNull(memberInvitations.revokedAt),
        ),
      ),
    db.insert(memberInvitations).values(row),
    enqueue(
      db,
      email({
        to: input.email,
        template: "member_invitation",
        subject: `You're invited to join ${org.name} on Gatherkit`,
        text: [
          `You're invited to join "${org.name}" on Gatherkit as ${input.role}.`,
          `Sign in (or sign up) with this email address, then accept the invitation with this token: ${token}`,
          `(POST ${acceptUrl} with {"token": "…"}.)`,
          `It expires on ${toIso(row.expiresAt)} and works once. If you did not expect it, ignore this email.`,
        ].join("\n\n"),
        data: { orgId, invitationId: row.id, role: input.role, token, acceptUrl },
      }),
      { orgId, now },
    ),
  ]);
  return answer;
}

const pending = (now: number) =>
  and(isNull(memberInvitations.acceptedAt), isNull(memberInvitations.revokedAt), gt(memberInvitations.expiresAt, now));

/** The organization's pending invitations, newest first. */
export function listInvitations(deps: Deps, orgId: string, page: PageQuery): Promise<Page<MemberInvitation>> {
  const now = deps.now();
  return paginate(
    memberInvitations,
    page,
    (p) =>
      deps.db
        .select()
        .from(memberInvitations)
        .where(and(eq(memberInvitations.orgId, orgId), pending(now), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r) => toInvitation(r, now),
  );
}

/** Revokes an invitation: its token stops working. Revoking again answers it unchanged; an accepted one is 409. */
export async function revokeInvitation(deps: Deps, orgId: string, id: string): Promise<MemberInvitation> {
  const now = deps.now();
  const byId = and(eq(memberInvitations.id, id), eq(memberInvitations.orgId, orgId));
  const [row] = await deps.db
    .update(memberInvitations)
    .set({ revokedAt: now })
    .where(and(byId, isNull(memberInvitations.acceptedAt), isNull(memberInvitations.revokedAt)))
    .returning();
  if (row) return toInvitation(row, now);
  const [existing] = await deps.db.select().from(memberInvitations).where(byId).limit(1);
  if (!existing) throw notFound("Invitation");
  if (existing.acceptedAt !== null) throw new ApiError(409, "invitation_used", "This invitation was already accepted.");
  return toInvitation(existing, now);
}

/**
 * Accepts an invitation for the signed-in user (signed in to any organization), whose email must
 * be the invited one. One batch: the invitation is marked accepted only while it is pending and
 * the person is not a member yet, and only then is the membership inserted and the
 * organization's room told; of concurrent accepts exactly one wins.
 */
export async function acceptInvitation(deps: Deps, user: { userId: string }, token: string): Promise<AcceptedInvitation> {
  const db = deps.db;
  const now = deps.now();
  const [found] = await db
    .select({ invitation: memberInvitations, org: organizations })
    .from(memberInvitations)
    .innerJoin(organizations, eq(organizations.id, memberInvitations.orgId))
    .where(eq(memberInvitations.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!found) throw notFound("Invitation");
  const [person] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, user.userId)).limit(1);
  if (!person) throw new ApiError(401, "invalid_token", "This account no longer exists. Sign in again.");
  const inv = found.invitation;
  if (person.email !== inv.email) {
    throw new ApiError(403, "invitation_email_mismatch", "This invitation was sent to another email address. Sign in with that address.");
  }
  const memberId = newId("member");
  const notMember = notExists(
    db
      .select({ one: sql`1` })
      .from(members)
      .where(and(eq(members.orgId, inv.orgId), eq(members.userId, user.userId))),
  );
  const accepted: AcceptedInvitation = {
    organization: toOrganization(found.org),
    member: { id: memberId, userId: user.userId, email: person.email, name: person.name, role: inv.role, createdAt: toIso(now) },
  };
  // Sealed with the write, if this membership lands: a retry after a crash gets it.
  answerOnCommit(deps, 201, accepted, sql`EXISTS (SELECT 1 FROM ${members} WHERE ${members.id} = ${memberId})`);
  return guardedWrite(
    deps,
    [
      db
        .update(memberInvitations)
        .set({ acceptedAt: now, acceptedByUserId: user.userId })
        .where(and(eq(memberInvitations.id, inv.id), pending(now), notMember))
        .returning({ id: memberInvitations.id }),
      insertWhen(
        db,
        members,
        { id: memberId, orgId: inv.orgId, userId: user.userId, role: inv.role, createdAt: now },
        previousStatementChanged,
      ),
      enqueueWhen(db, realtime(orgRoom(inv.orgId), { type: "member.changed", data: { id: memberId } }), previousStatementChanged, {
        orgId: inv.orgId,
        now,
      }),
    ] as const,
    {
      written: ([done]) => (done.length > 0 ? accepted : undefined),
      explain: () => explainNotAccepted(deps, inv.id, inv.orgId, user.userId),
    },
  );
}

async function explainNotAccepted(deps: Deps, id: string, orgId: string, userId: string): Promise<never> {
  const now = deps.now();
  const [row] = await deps.db.select().from(memberInvitations).where(eq(memberInvitations.id, id)).limit(1);
  if (!row) throw notFound("Invitation");
  const [member] = await deps.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.userId, userId)))
    .limit(1);
  if (member) throw new ApiError(409, "already_member", "You are already a member of this organization.");
  switch (statusOf(row, now)) {
    case "accepted":
      throw new ApiError(409, "invitation_used", "This invitation has already been used.");
    case "revoked":
      throw new ApiError(409, "invitation_revoked", "This invitation was withdrawn. Ask for a new one.");
    case "expired":
      throw new ApiError(409, "invitation_expired", "This invitation has expired. Ask for a new one.");
    default:
      throw new ApiError(409, "conflict", "The invitation changed meanwhile. Try again.");
  }
}
