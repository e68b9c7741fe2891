import type { AppRouteHandler } from "../../lib/types.js";
import type { ConfirmRoute, UnsubscribeRoute } from "./unsubscribe.routes.js";
import * as service from "./unsubscribe.service.js";

export const confirm: AppRouteHandler<ConfirmRoute> = async (c) => {
  const link = await service.readUnsubscribeToken(c.var.deps, c.req.valid("param").token);
  return c.html(service.confirmPage(link.kind), 200);
};

export const unsubscribe: AppRouteHandler<UnsubscribeRoute> = async (c) => {
  const link = await service.unsubscribe(c.var.deps, c.req.valid("param").token);
  return c.html(service.donePage(link.kind), 200);
};
