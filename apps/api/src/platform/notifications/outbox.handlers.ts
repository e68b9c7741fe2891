import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { ListRoute, RetrieveRoute } from "./outbox.routes.js";
import * as service from "./outbox.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  return c.json(await service.listLocalMessages(c.var.deps, staff.orgId, c.req.valid("query")), 200);
};

export const retrieve: AppRouteHandler<RetrieveRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  return c.json(await service.getLocalMessage(c.var.deps, staff.orgId, c.req.valid("param").localMessageId), 200);
};
