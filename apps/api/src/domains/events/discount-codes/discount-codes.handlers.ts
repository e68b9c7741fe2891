import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, ListRoute, RemoveRoute, UpdateRoute } from "./discount-codes.routes.js";
import * as service from "./discount-codes.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createDiscountCode(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listDiscountCodes(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("query")), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { eventId, discountCodeId } = c.req.valid("param");
  return c.json(await service.updateDiscountCode(c.var.deps, c.var.caller, eventId, discountCodeId, c.req.valid("json")), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { eventId, discountCodeId } = c.req.valid("param");
  await service.deleteDiscountCode(c.var.deps, c.var.caller, eventId, discountCodeId);
  return c.body(null, 204);
};
