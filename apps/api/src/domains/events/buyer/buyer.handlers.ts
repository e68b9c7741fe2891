import type { AppRouteHandler } from "../../../lib/types.js";
import type { OrderRoute, QrRoute } from "./buyer.routes.js";
import * as service from "./buyer.service.js";

export const order: AppRouteHandler<OrderRoute> = async (c) =>
  c.json(await service.buyerOrder(c.var.deps, c.req.valid("param").orderId, c.req.valid("query").token), 200);

export const qr: AppRouteHandler<QrRoute> = async (c) =>
  c.body(await service.ticketQr(c.var.deps, c.req.valid("param").ticketId, c.req.valid("query").token), 200, {
    "content-type": "image/svg+xml; charset=utf-8",
  });
