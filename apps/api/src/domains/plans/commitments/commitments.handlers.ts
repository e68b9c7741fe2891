import type { AppRouteHandler } from "../../../lib/types.js";
import type { CommitRoute, WithdrawCommitmentRoute } from "./commitments.routes.js";
import * as service from "./commitments.service.js";

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
