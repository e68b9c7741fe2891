import type { AppRouteHandler } from "../../../lib/types.js";
import type {
  CreateRoute,
  DropRoute,
  GetRoute,
  ListPicksRoute,
  ListRoute,
  PickRoute,
  RemoveRoute,
  UpdateRoute,
} from "./sessions.routes.js";
import * as service from "./sessions.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createSession(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listSessions(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const { eventId, sessionId } = c.req.valid("param");
  return c.json(await service.getSession(c.var.deps, c.var.caller, eventId, sessionId), 200);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { eventId, sessionId } = c.req.valid("param");
  return c.json(await service.updateSession(c.var.deps, c.var.caller, eventId, sessionId, c.req.valid("json")), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { eventId, sessionId } = c.req.valid("param");
  await service.deleteSession(c.var.deps, c.var.caller, eventId, sessionId);
  return c.body(null, 204);
};

export const listPicks: AppRouteHandler<ListPicksRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await service.personalAgenda(c.var.deps, eventId, guestToken), 200);
};

export const pick: AppRouteHandler<PickRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await service.pickSession(c.var.deps, eventId, guestToken, c.req.valid("json").sessionId), 200);
};

export const drop: AppRouteHandler<DropRoute> = async (c) => {
  const { eventId, guestToken, sessionId } = c.req.valid("param");
  await service.dropSession(c.var.deps, eventId, guestToken, sessionId);
  return c.body(null, 204);
};
