import type { AppRouteHandler } from "../../../lib/types.js";
import type { GetRoute } from "./occupancy.routes.js";
import * as service from "./occupancy.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.placeOccupancy(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("query")), 200);
