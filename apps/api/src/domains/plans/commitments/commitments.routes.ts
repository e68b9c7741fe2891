import { ProposalSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, security } from "../../../lib/openapi.js";
import { asParticipant, one, ProposalParams, tags } from "../proposals/proposals.openapi.js";

export const commit = createRoute({
  method: "post",
  path: `${one}/commitment`,
  operationId: "plans.proposals.commit",
  tags,
  summary: "Take a place in a proposal",
  description: `While the plan is planning or finalized and the proposal is not rejected. Never more takers than its capacity (409 \`proposal_full\`). 201 when the place was taken now, 200 when you already had it. ${asParticipant}`,
  security: security.any,
  request: { params: ProposalParams },
  responses: {
    200: jsonResponse(ProposalSchema, "You already had a place; the proposal."),
    201: jsonResponse(ProposalSchema, "The proposal, with your place taken (`committed: true`)."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CommitRoute = typeof commit;

export const withdrawCommitment = createRoute({
  method: "delete",
  path: `${one}/commitment`,
  operationId: "plans.proposals.withdrawCommitment",
  tags,
  summary: "Give your place back",
  description: `While the plan is planning or finalized. Harmless when you had no place. ${asParticipant}`,
  security: security.any,
  request: { params: ProposalParams },
  responses: {
    204: { description: "You hold no place in the proposal." },
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type WithdrawCommitmentRoute = typeof withdrawCommitment;
