import { IDEMPOTENCY_HEADER, scopeOf } from "../../../lib/idempotency.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute, RemoveRoute, UpdateRoute } from "./calendar-events.routes.js";
import * as service from "./calendar-events.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { clientId, calendarId } = c.req.valid("param");
  return c.json(await service.listEvents(c.var.deps, c.var.caller, clientId, calendarId, c.req.valid("query")), 200);
};

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const { clientId, calendarId, calendarEventId: eventId } = c.req.valid("param");
  return c.json(await service.getEvent(c.var.deps, c.var.caller, clientId, calendarId, eventId), 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const { clientId, calendarId } = c.req.valid("param");
  const { sendUpdates } = c.req.valid("query");
  // Under an Idempotency-Key, the event's Google id is derived from it (and whose key it is).
  const key = c.req.header(IDEMPOTENCY_HEADER);
  const requestKey = key === undefined ? undefined : `${scopeOf(c.var.caller)}\n${key}`;
  const event = await service.createEvent(c.var.deps, c.var.caller, clientId, calendarId, c.req.valid("json"), sendUpdates, requestKey);
  return c.json(event, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { clientId, calendarId, calendarEventId: eventId } = c.req.valid("param");
  const { sendUpdates } = c.req.valid("query");
  return c.json(await service.updateEvent(c.var.deps, c.var.caller, clientId, calendarId, eventId, c.req.valid("json"), sendUpdates), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { clientId, calendarId, calendarEventId: eventId } = c.req.valid("param");
  await service.deleteEvent(c.var.deps, c.var.caller, clientId, calendarId, eventId, c.req.valid("query").sendUpdates);
  return c.body(null, 204);
};
