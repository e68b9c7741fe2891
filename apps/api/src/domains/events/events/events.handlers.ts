import type { AppRouteHandler } from "../../../lib/types.js";
import type { CancelRoute, CreateRoute, GetRoute, ListRoute, PublishRoute, UnpublishRoute, UpdateRoute } from "./events.routes.js";
import * as service from "./events.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createEvent(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listEvents(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getEvent(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) =>
  c.json(await service.updateEvent(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 200);

export const publish: AppRouteHandler<PublishRoute> = async (c) =>
  c.json(await service.transitionEvent(c.var.deps, c.var.caller, c.req.valid("param").eventId, "publish"), 200);

export const unpublish: AppRouteHandler<UnpublishRoute> = async (c) =>
  c.json(await service.transitionEvent(c.var.deps, c.var.caller, c.req.valid("param").eventId, "unpublish"), 200);

export const cancel: AppRouteHandler<CancelRoute> = async (c) =>
  c.json(await service.transitionEvent(c.var.deps, c.var.caller, c.req.valid("param").eventId, "cancel"), 200);
