import { requireCaller } from "../../lib/auth.js";
import type { RoomAccessCheck } from "../../lib/domain.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { CreateTokenRoute } from "./realtime.routes.js";
import * as service from "./realtime.service.js";

/** Handlers of the realtime routes, given the domains' room access rules. */
export function realtimeHandlers(rooms: Record<string, RoomAccessCheck>) {
  const createToken: AppRouteHandler<CreateTokenRoute> = async (c) => {
    const caller = requireCaller(c, "user", "secret_key", "participant", "publishable_key");
    return c.json(await service.createRoomToken(c.var.deps, caller, rooms, c.req.valid("json").room), 201);
  };
  return { createToken };
}
