import { requireOrganizer } from "../../lib/auth.js";
import { IDEMPOTENCY_HEADER, scopeOf } from "../../lib/idempotency.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { WebhookCatalogue } from "./catalogue.js";
import type {
  CreateRoute,
  GetRoute,
  ListDeliveriesRoute,
  ListRoute,
  RemoveRoute,
  ResendRoute,
  RotateSecretRoute,
  SendTestRoute,
  UpdateRoute,
} from "./webhook-endpoints.routes.js";
import * as service from "./webhook-endpoints.service.js";

/** The handlers, over the catalogue of event types the app was built with. */
export function webhookEndpointHandlers(catalogue: WebhookCatalogue) {
  const list: AppRouteHandler<ListRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.listEndpoints(c.var.deps, caller.orgId, c.req.valid("query")), 200);
  };
  const create: AppRouteHandler<CreateRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.createEndpoint(c.var.deps, catalogue, caller.orgId, c.req.valid("json")), 201);
  };
  const get: AppRouteHandler<GetRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.getEndpoint(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
  };
  const update: AppRouteHandler<UpdateRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.updateEndpoint(c.var.deps, catalogue, caller.orgId, c.req.valid("param").id, c.req.valid("json")), 200);
  };
  const remove: AppRouteHandler<RemoveRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.deleteEndpoint(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
  };
  const rotateSecret: AppRouteHandler<RotateSecretRoute> = async (c) => {
    const caller = requireOrganizer(c);
    const { overlapSeconds } = c.req.valid("json");
    return c.json(await service.rotateSecret(c.var.deps, caller.orgId, c.req.valid("param").id, overlapSeconds), 200);
  };
  const listDeliveries: AppRouteHandler<ListDeliveriesRoute> = async (c) => {
    const caller = requireOrganizer(c);
    return c.json(await service.listDeliveries(c.var.deps, caller.orgId, c.req.valid("param").id, c.req.valid("query")), 200);
  };
  const resend: AppRouteHandler<ResendRoute> = async (c) => {
    const caller = requireOrganizer(c);
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await service.resend(c.var.deps, caller.orgId, id, deliveryId), 202);
  };
  const sendTest: AppRouteHandler<SendTestRoute> = async (c) => {
    const caller = requireOrganizer(c);
    const key = c.req.header(IDEMPOTENCY_HEADER);
    const requestKey = key === undefined ? undefined : `${scopeOf(c.var.caller)}\n${key}`;
    return c.json(await service.sendTestEvent(c.var.deps, caller.orgId, c.req.valid("param").id, requestKey), 202);
  };
  return { list, create, get, update, remove, rotateSecret, listDeliveries, resend, sendTest };
}
