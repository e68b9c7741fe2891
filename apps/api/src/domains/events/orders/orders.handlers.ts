import type { AppRouteHandler } from "../../../lib/types.js";
import type { CancelRoute, CreateRoute, GetRoute, ListRoute } from "./orders.routes.js";
import * as service from "./orders.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(
    await service.placeOrder(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json"), c.req.header("origin")),
    201,
  );

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listOrders(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getOrder(c.var.deps, c.var.caller, c.req.valid("param").orderId), 200);

export const cancel: AppRouteHandler<CancelRoute> = async (c) =>
  c.json(await service.cancelOrder(c.var.deps, c.var.caller, c.req.valid("param").orderId), 200);
