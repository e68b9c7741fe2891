import type { AppRouteHandler } from "../../../lib/types.js";
import type { FinalizeRoute } from "./finalize.routes.js";
import * as service from "./finalize.service.js";

export const finalize: AppRouteHandler<FinalizeRoute> = async (c) =>
  c.json(await service.finalizePlan(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 200);
