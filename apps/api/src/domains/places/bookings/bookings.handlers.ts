import type { AppRouteHandler } from "../../../lib/types.js";
import type { CancelRoute, CompleteRoute, CreateRoute, ExtendRoute, GetRoute, ListRoute, QuoteRoute } from "./bookings.routes.js";
import * as service from "./bookings.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createBooking(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listBookings(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getBooking(c.var.deps, c.var.caller, c.req.valid("param").bookingId), 200);

export const cancel: AppRouteHandler<CancelRoute> = async (c) =>
  c.json(await service.cancelBooking(c.var.deps, c.var.caller, c.req.valid("param").bookingId), 200);

export const complete: AppRouteHandler<CompleteRoute> = async (c) =>
  c.json(await service.completeBooking(c.var.deps, c.var.caller, c.req.valid("param").bookingId), 200);

export const extend: AppRouteHandler<ExtendRoute> = async (c) =>
  c.json(await service.extendBooking(c.var.deps, c.var.caller, c.req.valid("param").bookingId, c.req.valid("json")), 200);

export const quote: AppRouteHandler<QuoteRoute> = async (c) =>
  c.json(await service.quoteBooking(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("json")), 200);
