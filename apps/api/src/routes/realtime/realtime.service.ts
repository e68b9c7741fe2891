import { assertCan, type RoomKind, type RoomToken, randomToken } from "@gatherkit/core";
import { members, secretKeys, users } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { requireOrganizer } from "../../lib/auth.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { REALTIME_PARTY } from "../../lib/http-publisher.js";
import { loadPlan } from "../../lib/plan-access.js";
import { signRoomToken } from "../../lib/tokens.js";
import type { Caller, Deps } from "../../lib/types.js";

/**
 * Decides whether `caller` may join the room of the object `objectId`. Throws the ApiError to
 * answer: 404 when the object does not exist for the caller (including another organization's
 * object), 403 when it exists but the caller's role or kind may not watch it.
 */
export type RoomAccessCheck = (deps: Deps, caller: Caller, objectId: string) => Promise<void>;

const roomNotFound = () => notFound("Room");

/**
 * Who may join which room, per room kind. A domain that gets a room adds its check here,
 * usually "the caller may read the object": e.g. for plans, look the plan up scoped to
 * `caller.orgId` and, for a participant, require them to be on the plan. A kind without a
 * check answers 404.
 */
export const ROOM_ACCESS: Record<RoomKind, RoomAccessCheck | undefined> = {
  org: async (_deps, caller, orgId) => {
    if (caller.orgId !== orgId) throw roomNotFound();
    requireOrganizer({ var: { caller } });
  },
  // Whoever may read the plan: its participants (not removed) and the organization's staff;
  // another organization's plan is 404, a publishable key alone 403.
  plan: async (deps, caller, planId) => {
    const { plan, role } = await loadPlan(deps, caller, planId);
    assertCan(plan.type, role, "read");
  },
  event: undefined,
  premise: undefined,
};

/** Who the room shows in presence: one entry per `sub`, however many tabs. */
async function identityOf(deps: Deps, caller: Caller): Promise<{ sub: string; name: string }> {
  switch (caller.kind) {
    case "user": {
      const [row] = await deps.db
        .select({ name: users.name })
        .from(members)
        .innerJoin(users, eq(users.id, members.userId))
        .where(and(eq(members.orgId, caller.orgId), eq(members.userId, caller.userId)))
        .limit(1);
      if (!row) throw new ApiError(403, "permission_denied", "You are no longer a member of this organization.");
      return { sub: caller.userId, name: row.name };
    }
    case "secret_key": {
      const [row] = await deps.db.select({ name: secretKeys.name }).from(secretKeys).where(eq(secretKeys.id, caller.keyId)).limit(1);
      return { sub: caller.keyId, name: row?.name ?? "API key" };
    }
    case "participant":
      return { sub: caller.participantId, name: caller.name };
    case "publishable_key":
      // A browser with only a publishable key is an anonymous visitor: each token is its own guest.
      return { sub: `guest_${randomToken(20)}`, name: "Guest" };
  }
}

/** A room token for `room` if the caller may see its object (see ROOM_ACCESS). */
export async function createRoomToken(deps: Deps, caller: Caller, room: string): Promise<RoomToken> {
  const sep = room.indexOf(":");
  const kind = room.slice(0, sep) as RoomKind;
  const check = ROOM_ACCESS[kind];
  if (!check) throw roomNotFound();
  await check(deps, caller, room.slice(sep + 1));
  const { sub, name } = await identityOf(deps, caller);
  const { jwt, expiresAt } = await signRoomToken(deps.config, { room, sub, name, org: caller.orgId }, deps.now?.() ?? Date.now());
  return { room, token: jwt, expiresAt: expiresAt.toISOString(), host: deps.config.realtimeHost, party: REALTIME_PARTY };
}
