import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { KeyRoute, SubscribeRoute, UnsubscribeRoute } from "./push.routes.js";
import * as service from "./push.service.js";

export const key: AppRouteHandler<KeyRoute> = async (c) => {
  requireCaller(c, "participant", "user", "publishable_key", "secret_key");
  return c.json(service.pushKey(c.var.deps), 200);
};

export const subscribe: AppRouteHandler<SubscribeRoute> = async (c) =>
  c.json(await service.subscribe(c.var.deps, requireCaller(c, "participant", "user"), c.req.valid("json")), 201);

export const unsubscribe: AppRouteHandler<UnsubscribeRoute> = async (c) => {
  await service.unsubscribe(c.var.deps, requireCaller(c, "participant", "user"), c.req.valid("param").pushSubscriptionId);
  return c.body(null, 204);
};
