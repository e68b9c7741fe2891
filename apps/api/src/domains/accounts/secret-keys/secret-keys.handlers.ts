import { requireUser } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute, RevokeRoute } from "./secret-keys.routes.js";
import * as service from "./secret-keys.service.js";

const managers = ["owner", "admin"] as ("owner" | "admin")[];

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const caller = requireUser(c, managers);
  return c.json(await service.listSecretKeys(c.var.deps, caller.orgId, c.req.valid("query")), 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const caller = requireUser(c, managers);
  return c.json(await service.createSecretKey(c.var.deps, caller.orgId, c.req.valid("json"), caller), 201);
};

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const caller = requireUser(c, managers);
  return c.json(await service.getSecretKey(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};

export const revoke: AppRouteHandler<RevokeRoute> = async (c) => {
  const caller = requireUser(c, managers);
  return c.json(await service.revokeSecretKey(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};
