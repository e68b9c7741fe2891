import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { CreateTokenRoute } from "./realtime.routes.js";
import * as service from "./realtime.service.js";

export const createToken: AppRouteHandler<CreateTokenRoute> = async (c) => {
  const caller = requireCaller(c, "user", "secret_key", "participant", "publishable_key");
  return c.json(await service.createRoomToken(c.var.deps, caller, c.req.valid("json").room), 201);
};
