import type { Member, Page, PageQuery, Role } from "@gatherkit/core";
import { members, refreshTokens, secretKeys, users } from "@gatherkit/db";
import { and, eq, isNull, notExists, type SQL, sql } from "drizzle-orm";
import { requireOwnerSession } from "../../../lib/auth.js";
import { forgetCredentials } from "../../../lib/credential-cache.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { publishToOrg } from "../organization/organization.service.js";

/** Who manages members: an owner or admin, signed in or through a secret key with that role. */
export type MemberManager = Extract<Caller, { kind: "user" | "secret_key" }>;

const memberColumns = {
  id: members.id,
  userId: members.userId,
  email: users.email,
  name: users.name,
  role: members.role,
  createdAt: members.createdAt,
};
type MemberRow = { id: string; userId: string; email: string; name: string; role: Role; createdAt: number };
const toMember = (r: MemberRow): Member => ({ ...r, createdAt: toIso(r.createdAt) });

function selectMembers(deps: Deps, orgId: string, where?: SQL) {
  return deps.db
    .select(memberColumns)
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), where));
}

async function findMember(deps: Deps, orgId: string, id: string): Promise<MemberRow> {
  const [row] = await selectMembers(deps, orgId, eq(members.id, id)).limit(1);
  if (!row) throw notFound("Member");
  return row;
}

export function listMembers(deps: Deps, orgId: string, page: PageQuery): Promise<Page<Member>> {
  return paginate(
    members,
    page,
    (p) =>
      selectMembers(deps, orgId, p.where)
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toMember,
  );
}

/**
 * Who may change what. Staff change nothing (the handlers refuse them). Admins, and keys acting
 * as admin or owner, move people between staff and admin. Only an owner in person (a user
 * session with the owner role, never a key) makes someone an owner, or changes or removes an
 * owner: a credential never carries more power than the person who made it, and no key can take
 * the organization from its owners.
 */
function assertMayManage(actor: MemberManager, target: Role, newRole?: Role) {
  if (target === "owner" || newRole === "owner") requireOwnerSession(actor);
}

/**
 * Guards a change that takes `role` away from a member: it may not leave the organization
 * without an owner. Part of the same statement as the change, so two concurrent demotions of
 * the last two owners cannot both pass.
 */
const keepsAnOwner = sql`(members.role <> 'owner' OR (SELECT count(*) FROM members AS o WHERE o.org_id = members.org_id AND o.role = 'owner') > 1)`;

/** Why a guarded change matched no row: gone (404), changed meanwhile, or the last owner (409). */
async function explainNoChange(deps: Deps, orgId: string, id: string, seen: Role): Promise<never> {
  const now = await findMember(deps, orgId, id);
  if (now.role !== seen) throw new ApiError(409, "conflict", "This member's role changed meanwhile. Reload and try again.");
  throw new ApiError(409, "last_owner", "An organization needs at least one owner. Make someone else an owner first.");
}

export async function updateMember(deps: Deps, actor: MemberManager, orgId: string, id: string, role: Role): Promise<Member> {
  const current = await findMember(deps, orgId, id);
  assertMayManage(actor, current.role, role);
  if (current.role === role) return toMember(current);
  const [updated] = await deps.db
    .update(members)
    .set({ role })
    .where(and(eq(members.id, id), eq(members.orgId, orgId), eq(members.role, current.role), role === "owner" ? undefined : keepsAnOwner))
    .returning({ id: members.id });
  if (!updated) return explainNoChange(deps, orgId, id, current.role);
  forgetCredentials(deps.db); // the keys this member made are capped by their new role at once
  await publishToOrg(deps, orgId, { type: "member.changed", data: { id } });
  return toMember({ ...current, role });
}

/** Removes a member and ends their sessions in this organization. */
export async function removeMember(deps: Deps, actor: MemberManager, orgId: string, id: string): Promise<void> {
  const current = await findMember(deps, orgId, id);
  assertMayManage(actor, current.role);
  const db = deps.db;
  const now = deps.now();
  // One batch: the guarded removal, then (only if they are no longer a member) their sessions end
  // and the secret keys they made are revoked (authentication already refuses a key whose creator
  // left; revoking shows it in the key list).
  const gone = notExists(
    db
      .select({ one: sql`1` })
      .from(members)
      .where(and(eq(members.orgId, orgId), eq(members.userId, current.userId))),
  );
  const [[removed]] = await db.batch([
    db
      .delete(members)
      .where(and(eq(members.id, id), eq(members.orgId, orgId), eq(members.role, current.role), keepsAnOwner))
      .returning({ id: members.id }),
    db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.userId, current.userId), eq(refreshTokens.orgId, orgId), isNull(refreshTokens.revokedAt), gone)),
    db
      .update(secretKeys)
      .set({ revokedAt: now })
      .where(and(eq(secretKeys.orgId, orgId), eq(secretKeys.createdByUserId, current.userId), isNull(secretKeys.revokedAt), gone)),
  ]);
  if (!removed) return explainNoChange(deps, orgId, id, current.role);
  forgetCredentials(deps.db); // the keys they made stop working at once
  // Their open dashboard feed closes now; plan rooms they watched as staff close when their room
  // token expires, and the API refuses them a new one.
  await publishToOrg(deps, orgId, { type: "member.changed", data: { id } }, { disconnect: [current.userId] });
}
