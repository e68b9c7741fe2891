import { enforceWriteRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, HideRoute, ListRoute, RemoveRoute, UnhideRoute, UpdateRoute } from "./chat.routes.js";
import * as service from "./chat.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listMessages(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

// The chat rate limit of a new message is counted in its own batch (see postMessage).
export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.postMessage(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  await enforceWriteRateLimit(c, "chat");
  const { planId, messageId } = c.req.valid("param");
  return c.json(await service.editMessage(c.var.deps, c.var.caller, planId, messageId, c.req.valid("json")), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  await enforceWriteRateLimit(c, "chat");
  const { planId, messageId } = c.req.valid("param");
  await service.deleteMessage(c.var.deps, c.var.caller, planId, messageId);
  return c.body(null, 204);
};

export const hide: AppRouteHandler<HideRoute> = async (c) => {
  await enforceWriteRateLimit(c, "chat");
  const { planId, messageId } = c.req.valid("param");
  return c.json(await service.setHidden(c.var.deps, c.var.caller, planId, messageId, true), 200);
};

export const unhide: AppRouteHandler<UnhideRoute> = async (c) => {
  await enforceWriteRateLimit(c, "chat");
  const { planId, messageId } = c.req.valid("param");
  return c.json(await service.setHidden(c.var.deps, c.var.caller, planId, messageId, false), 200);
};
