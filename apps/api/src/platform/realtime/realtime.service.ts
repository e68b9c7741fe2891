import { type RoomToken, randomToken } from "@gatherkit/core";
import { members, secretKeys, users } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import type { RoomAccessCheck } from "../../lib/domain.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { REALTIME_PARTY } from "../../lib/http-publisher.js";
import { signRoomToken } from "../../lib/tokens.js";
import type { Caller, Deps } from "../../lib/types.js";

const roomNotFound = () => notFound("Room");

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

/** A room token for `room` if the caller may see its object (`rooms`: the domains' access rules; a kind without one answers 404). */
export async function createRoomToken(
  deps: Deps,
  caller: Caller,
  rooms: Record<string, RoomAccessCheck>,
  room: string,
): Promise<RoomToken> {
  const sep = room.indexOf(":");
  const check = Object.hasOwn(rooms, room.slice(0, sep)) ? rooms[room.slice(0, sep)] : undefined;
  if (!check) throw roomNotFound();
  await check(deps, caller, room.slice(sep + 1));
  const { sub, name } = await identityOf(deps, caller);
  const { jwt, expiresAt } = await signRoomToken(deps.config, { room, sub, name, org: caller.orgId }, deps.now());
  return { room, token: jwt, expiresAt: expiresAt.toISOString(), host: deps.config.realtimeHost, party: REALTIME_PARTY };
}
