import type { AppRouteHandler } from "../../../lib/types.js";
import type { SearchRoute } from "./search.routes.js";
import * as service from "./search.service.js";

export const search: AppRouteHandler<SearchRoute> = async (c) =>
  c.json(await service.searchPlaces(c.var.deps, c.var.caller, c.req.valid("query")), 200);
