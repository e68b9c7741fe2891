import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, ListRoute, RemoveRoute } from "./sync-rules.routes.js";
import * as service from "./sync-rules.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const { rule, created } = await service.createSyncRule(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("json"));
  return created ? c.json(rule, 201) : c.json(rule, 200);
};

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listSyncRules(c.var.deps, c.var.caller, c.req.valid("param").clientId), 200);

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { clientId, syncRuleId } = c.req.valid("param");
  await service.deleteSyncRule(c.var.deps, c.var.caller, clientId, syncRuleId);
  return c.body(null, 204);
};
