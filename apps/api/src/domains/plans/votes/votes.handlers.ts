import { enforceWriteRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CastVoteRoute, TalliesRoute, WithdrawVoteRoute } from "./votes.routes.js";
import * as service from "./votes.service.js";

export const castVote: AppRouteHandler<CastVoteRoute> = async (c) => {
  await enforceWriteRateLimit(c, "votes");
  const { planId, proposalId } = c.req.valid("param");
  return c.json(await service.castVote(c.var.deps, c.var.caller, planId, proposalId, c.req.valid("json").value), 200);
};

export const withdrawVote: AppRouteHandler<WithdrawVoteRoute> = async (c) => {
  await enforceWriteRateLimit(c, "votes");
  const { planId, proposalId } = c.req.valid("param");
  await service.withdrawVote(c.var.deps, c.var.caller, planId, proposalId);
  return c.body(null, 204);
};

export const tallies: AppRouteHandler<TalliesRoute> = async (c) =>
  c.json(await service.listTallies(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);
