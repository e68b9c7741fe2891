import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute, RemoveRoute, UpdateRoute } from "./clients.routes.js";
import * as service from "./clients.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createClient(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listClients(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getClient(c.var.deps, c.var.caller, c.req.valid("param").clientId), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) =>
  c.json(await service.updateClient(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("json")), 200);

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  await service.deleteClient(c.var.deps, c.var.caller, c.req.valid("param").clientId);
  return c.body(null, 204);
};
