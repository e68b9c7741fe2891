import type { AppRouteHandler } from "../../../lib/types.js";
import type { CheckInRoute, CreateListRoute, GetListRoute, ListCheckinsRoute, ListListsRoute, UndoRoute } from "./checkins.routes.js";
import * as service from "./checkins.service.js";

export const createList: AppRouteHandler<CreateListRoute> = async (c) =>
  c.json(await service.createCheckinList(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const listLists: AppRouteHandler<ListListsRoute> = async (c) =>
  c.json(await service.listCheckinLists(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);

export const getList: AppRouteHandler<GetListRoute> = async (c) =>
  c.json(await service.getCheckinList(c.var.deps, c.var.caller, c.req.valid("param").listId), 200);

export const checkIn: AppRouteHandler<CheckInRoute> = async (c) =>
  c.json(await service.checkIn(c.var.deps, c.var.caller, c.req.valid("param").listId, c.req.valid("json")), 201);

export const listCheckins: AppRouteHandler<ListCheckinsRoute> = async (c) =>
  c.json(await service.listCheckins(c.var.deps, c.var.caller, c.req.valid("param").listId, c.req.valid("query")), 200);

export const undo: AppRouteHandler<UndoRoute> = async (c) => {
  const { listId, checkinId } = c.req.valid("param");
  return c.json(await service.undoCheckin(c.var.deps, c.var.caller, listId, checkinId), 200);
};
