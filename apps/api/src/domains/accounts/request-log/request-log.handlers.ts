import { requireOrganizer } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { ListRoute } from "./request-log.routes.js";
import * as service from "./request-log.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  return c.json(await service.listRequests(c.var.deps, caller.orgId, c.req.valid("query")), 200);
};
