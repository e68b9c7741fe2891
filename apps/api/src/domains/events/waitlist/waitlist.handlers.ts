import type { AppRouteHandler } from "../../../lib/types.js";
import type { JoinRoute, LeaveRoute, ListRoute } from "./waitlist.routes.js";
import * as service from "./waitlist.service.js";

export const join: AppRouteHandler<JoinRoute> = async (c) => {
  const { eventId, ticketTypeId } = c.req.valid("param");
  return c.json(await service.joinWaitlist(c.var.deps, c.var.caller, eventId, ticketTypeId, c.req.valid("json")), 201);
};

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listWaitlist(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("query")), 200);

export const leave: AppRouteHandler<LeaveRoute> = async (c) =>
  c.json(await service.leaveWaitlist(c.var.deps, c.var.caller, c.req.valid("param").entryId, c.req.valid("json")), 200);
