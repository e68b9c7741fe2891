import type { AppRouteHandler } from "../../../lib/types.js";
import type { AuthorizeRoute, CallbackRoute, DisconnectRoute, GetRoute, SetAppRoute } from "./connections.routes.js";
import * as service from "./connections.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getConnection(c.var.deps, c.var.caller, c.req.valid("param").clientId), 200);

export const setApp: AppRouteHandler<SetAppRoute> = async (c) =>
  c.json(await service.setApp(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("json")), 200);

export const authorize: AppRouteHandler<AuthorizeRoute> = async (c) =>
  c.json(await service.authorize(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("json").returnTo), 200);

export const callback: AppRouteHandler<CallbackRoute> = async (c) => {
  const location = await service.callback(c.var.deps, c.var.caller, c.req.valid("query"));
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  return c.redirect(location, 302);
};

export const disconnect: AppRouteHandler<DisconnectRoute> = async (c) => {
  await service.disconnect(c.var.deps, c.var.caller, c.req.valid("param").clientId);
  return c.body(null, 204);
};
