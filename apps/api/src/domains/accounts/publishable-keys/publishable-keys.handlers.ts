import { requireOrganizer } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute, RevokeRoute, UpdateRoute } from "./publishable-keys.routes.js";
import * as service from "./publishable-keys.service.js";

const managers = ["owner", "admin"] as ("owner" | "admin")[];

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.listPublishableKeys(c.var.deps, caller.orgId, c.req.valid("query")), 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const caller = requireOrganizer(c, managers);
  return c.json(await service.createPublishableKey(c.var.deps, caller.orgId, c.req.valid("json")), 201);
};

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.getPublishableKey(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const caller = requireOrganizer(c, managers);
  return c.json(await service.updatePublishableKey(c.var.deps, caller.orgId, c.req.valid("param").id, c.req.valid("json")), 200);
};

export const revoke: AppRouteHandler<RevokeRoute> = async (c) => {
  const caller = requireOrganizer(c, managers);
  return c.json(await service.revokePublishableKey(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};
