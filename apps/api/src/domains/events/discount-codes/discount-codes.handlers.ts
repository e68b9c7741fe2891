import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, ListRoute } from "./discount-codes.routes.js";
import * as service from "./discount-codes.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createDiscountCode(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listDiscountCodes(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);
