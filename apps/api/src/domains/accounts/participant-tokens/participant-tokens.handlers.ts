import { requireCaller } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute } from "./participant-tokens.routes.js";
import * as service from "./participant-tokens.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const caller = requireCaller(c, "secret_key");
  return c.json(await service.createParticipantToken(c.var.deps, caller.orgId, c.req.valid("json")), 201);
};
