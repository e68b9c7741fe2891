import type { Member, Page, PageQuery, Role } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { members, refreshTokens, users } from "@gatherkit/db";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { publishToOrg } from "../organization/organization.service.js";

/** Who manages members: an owner or admin user, or a secret key (which acts as an owner). */
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

/** Adds an existing Gatherkit user to the organization. The unique (org, user) index refuses a second membership. */
export async function addMember(deps: Deps, orgId: string, input: { email: string; role: "admin" | "staff" }): Promise<Member> {
  const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1);
  if (!user) {
    throw new ApiError(404, "not_found", "No Gatherkit account uses this email. Ask them to sign up first, then add them.");
  }
  const now = deps.now();
  const [inserted] = await deps.db
    .insert(members)
    .values({ id: newId("member"), orgId, userId: user.id, role: input.role, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: members.id });
  if (!inserted) throw new ApiError(409, "already_member", "This person is already a member of the organization.");
  await publishToOrg(deps, orgId, { type: "member.changed", data: { id: inserted.id } });
  return toMember(await findMember(deps, orgId, inserted.id));
}

/** Owners (and secret keys) may do anything; admins only touch staff and admins, and only make staff or admins. */
function assertMayManage(actor: MemberManager, target: Role, newRole?: Role) {
  if (actor.kind === "secret_key" || actor.role === "owner") return;
  if (target === "owner" || newRole === "owner") {
    throw new ApiError(403, "permission_denied", "Only an owner can change or remove an owner, or make someone an owner.");
  }
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
  await publishToOrg(deps, orgId, { type: "member.changed", data: { id } });
  return toMember({ ...current, role });
}

/** Removes a member and ends their sessions in this organization. */
export async function removeMember(deps: Deps, actor: MemberManager, orgId: string, id: string): Promise<void> {
  const current = await findMember(deps, orgId, id);
  assertMayManage(actor, current.role);
  const [removed] = await deps.db
    .delete(members)
    .where(and(eq(members.id, id), eq(members.orgId, orgId), eq(members.role, current.role), keepsAnOwner))
    .returning({ id: members.id });
  if (!removed) return explainNoChange(deps, orgId, id, current.role);
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: deps.now() })
    .where(and(eq(refreshTokens.userId, current.userId), eq(refreshTokens.orgId, orgId), isNull(refreshTokens.revokedAt)));
  // Their open dashboard feed closes now; plan rooms they watched as staff close when their room
  // token expires, and the API refuses them a new one.
  await publishToOrg(deps, orgId, { type: "member.changed", data: { id } }, { disconnect: [current.userId] });
}
