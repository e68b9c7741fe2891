import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute } from "./jobs.routes.js";
import * as service from "./jobs.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createJob(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("json")), 202);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listJobs(c.var.deps, c.var.caller, c.req.valid("param").clientId, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const { clientId, jobId } = c.req.valid("param");
  return c.json(await service.getJob(c.var.deps, c.var.caller, clientId, jobId), 200);
};
