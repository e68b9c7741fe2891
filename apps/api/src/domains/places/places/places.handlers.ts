import type { AppRouteHandler } from "../../../lib/types.js";
import type { AvailabilityRoute, CreateRoute, GetRoute, ListRoute, SlotsRoute, UpdateRoute } from "./places.routes.js";
import * as service from "./places.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createPlace(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listPlaces(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getPlace(c.var.deps, c.var.caller, c.req.valid("param").placeId), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) =>
  c.json(await service.updatePlace(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("json")), 200);

export const availability: AppRouteHandler<AvailabilityRoute> = async (c) =>
  c.json(await service.availability(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("query")), 200);

export const slots: AppRouteHandler<SlotsRoute> = async (c) =>
  c.json(await service.daySlots(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("query").date), 200);
