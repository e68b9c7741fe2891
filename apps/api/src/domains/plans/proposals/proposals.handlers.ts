import { enforceWriteRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, GetRoute, ListRoute, RejectRoute, ReopenRoute, SelectRoute, UpdateRoute } from "./proposals.routes.js";
import * as service from "./proposals.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listProposals(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  await enforceWriteRateLimit(c, "proposals");
  return c.json(await service.createProposal(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);
};

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.getProposal(c.var.deps, c.var.caller, planId, proposalId), 200);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  await enforceWriteRateLimit(c, "proposals");
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.updateProposal(c.var.deps, c.var.caller, planId, proposalId, c.req.valid("json")), 200);
};

export const select: AppRouteHandler<SelectRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.decideProposal(c.var.deps, c.var.caller, planId, proposalId, "select"), 200);
};

export const reject: AppRouteHandler<RejectRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.decideProposal(c.var.deps, c.var.caller, planId, proposalId, "reject"), 200);
};

export const reopen: AppRouteHandler<ReopenRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.decideProposal(c.var.deps, c.var.caller, planId, proposalId, "reopen"), 200);
};
