import type { AppRouteHandler } from "../../../lib/types.js";
import type { GetRoute } from "./analytics.routes.js";
import * as service from "./analytics.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.eventAnalytics(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);
