import type { AppRouteHandler } from "../../../lib/types.js";
import type {
  CreateQuotaRoute,
  CreateRoute,
  ListQuotasRoute,
  ListRoute,
  RemoveQuotaRoute,
  RemoveRoute,
  UpdateQuotaRoute,
  UpdateRoute,
} from "./ticket-types.routes.js";
import * as service from "./ticket-types.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createTicketType(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listTicketTypes(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("query").accessCode), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { eventId, ticketTypeId } = c.req.valid("param");
  return c.json(await service.updateTicketType(c.var.deps, c.var.caller, eventId, ticketTypeId, c.req.valid("json")), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { eventId, ticketTypeId } = c.req.valid("param");
  await service.deleteTicketType(c.var.deps, c.var.caller, eventId, ticketTypeId);
  return c.body(null, 204);
};

export const createQuota: AppRouteHandler<CreateQuotaRoute> = async (c) =>
  c.json(await service.createQuota(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const listQuotas: AppRouteHandler<ListQuotasRoute> = async (c) =>
  c.json(await service.listQuotas(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);

export const updateQuota: AppRouteHandler<UpdateQuotaRoute> = async (c) => {
  const { eventId, quotaId } = c.req.valid("param");
  return c.json(await service.updateQuota(c.var.deps, c.var.caller, eventId, quotaId, c.req.valid("json")), 200);
};

export const removeQuota: AppRouteHandler<RemoveQuotaRoute> = async (c) => {
  const { eventId, quotaId } = c.req.valid("param");
  await service.deleteQuota(c.var.deps, c.var.caller, eventId, quotaId);
  return c.body(null, 204);
};
