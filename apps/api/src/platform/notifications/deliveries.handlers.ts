import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { ListRoute, RetrieveNotificationRoute } from "./deliveries.routes.js";
import * as service from "./deliveries.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  return c.json(await service.listDeliveries(c.var.deps, staff.orgId, c.req.valid("query")), 200);
};

export const retrieveNotification: AppRouteHandler<RetrieveNotificationRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  return c.json(await service.retrieveNotification(c.var.deps, staff.orgId, c.req.valid("param").notificationId), 200);
};
