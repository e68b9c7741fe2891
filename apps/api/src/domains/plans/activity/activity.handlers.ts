import type { AppRouteHandler } from "../../../lib/types.js";
import type { GetRoute } from "./activity.routes.js";
import * as service from "./activity.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.planActivity(c.var.deps, c.var.caller, c.req.valid("query")), 200);
