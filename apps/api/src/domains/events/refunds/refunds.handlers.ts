import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, ListRoute } from "./refunds.routes.js";
import * as service from "./refunds.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createRefund(c.var.deps, c.var.caller, c.req.valid("param").orderId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listRefunds(c.var.deps, c.var.caller, c.req.valid("param").orderId), 200);
