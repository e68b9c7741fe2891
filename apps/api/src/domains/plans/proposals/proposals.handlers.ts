import type { AppRouteHandler } from "../../../lib/types.js";
import type {
  CastVoteRoute,
  CommitRoute,
  CreateRoute,
  FinalizeRoute,
  GetRoute,
  ListRoute,
  RejectRoute,
  ReopenRoute,
  SelectRoute,
  TalliesRoute,
  UpdateRoute,
  WithdrawCommitmentRoute,
  WithdrawVoteRoute,
} from "./proposals.routes.js";
import * as service from "./proposals.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listProposals(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createProposal(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.getProposal(c.var.deps, c.var.caller, planId, proposalId), 200);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
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

export const castVote: AppRouteHandler<CastVoteRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.castVote(c.var.deps, c.var.caller, planId, proposalId, c.req.valid("json").value), 200);
};

export const withdrawVote: AppRouteHandler<WithdrawVoteRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  await service.withdrawVote(c.var.deps, c.var.caller, planId, proposalId);
  return c.body(null, 204);
};

export const commit: AppRouteHandler<CommitRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  const { proposal, created } = await service.commit(c.var.deps, c.var.caller, planId, proposalId);
  return created ? c.json(proposal, 201) : c.json(proposal, 200);
};

export const withdrawCommitment: AppRouteHandler<WithdrawCommitmentRoute> = async (c) => {
  const { planId, proposalId } = c.req.valid("param");
  await service.withdrawCommitment(c.var.deps, c.var.caller, planId, proposalId);
  return c.body(null, 204);
};

export const tallies: AppRouteHandler<TalliesRoute> = async (c) =>
  c.json(await service.listTallies(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);

export const finalize: AppRouteHandler<FinalizeRoute> = async (c) =>
  c.json(await service.finalizePlan(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 200);
