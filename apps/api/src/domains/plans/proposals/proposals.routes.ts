import {
  CastVoteSchema,
  CreateProposalSchema,
  FinalizeSchema,
  PlanSchema,
  ProposalListQuerySchema,
  ProposalPageSchema,
  ProposalSchema,
  TallyListSchema,
  UpdateProposalSchema,
  VoteResultSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Plan proposals"];
const PlanParams = pathIds({ planId: "plan" });
const ProposalParams = pathIds({ planId: "plan", proposalId: "proposal" });
const base = `/v1/plans/{planId}`;
const one = `${base}/proposals/{proposalId}`;

const readers = "Readers of the plan: its participants (participant token) and organization staff.";
const asParticipant =
  "As a participant of the plan (participant token); organization staff join the plan and act through a participant token.";

export const list = createRoute({
  method: "get",
  path: `${base}/proposals`,
  tags,
  summary: "List a plan's proposals",
  description: `Newest first, each with its tally (hidden until the deadline for participants when the plan says so), the caller's vote and whether the caller committed. ${readers}`,
  security: security.any,
  request: { params: PlanParams, query: ProposalListQuerySchema },
  responses: {
    200: jsonResponse(ProposalPageSchema, "A page of proposals."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: "post",
  path: `${base}/proposals`,
  tags,
  summary: "Propose an activity or item",
  description:
    "While the plan is planning. In a trip any participant proposes; in event and purchase plans only organizers (403 `organizer_required`). A cost is in the plan's currency (422 `currency_mismatch`); the payer must be in the plan (422 `unknown_participant`).",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreateProposalSchema) },
  responses: {
    201: jsonResponse(ProposalSchema, "The new proposal."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: one,
  tags,
  summary: "Retrieve a proposal",
  description: `With its tally, the caller's vote and commitment. ${readers}`,
  security: security.any,
  request: { params: ProposalParams },
  responses: {
    200: jsonResponse(ProposalSchema, "The proposal."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: one,
  tags,
  summary: "Edit a proposal",
  description:
    "Its author or an organizer, while the proposal is proposed or selected and the plan active. `null` clears a field. A capacity below the places taken is 409 `proposal_full`.",
  security: security.any,
  request: { params: ProposalParams, body: jsonBody(UpdateProposalSchema) },
  responses: {
    200: jsonResponse(ProposalSchema, "The updated proposal."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

const decision = (action: "select" | "reject" | "reopen", summary: string, description: string) =>
  createRoute({
    method: "post",
    path: `${one}/${action}`,
    tags,
    summary,
    description: `${description} Organizers only. 409 \`proposal_not_open\` when the proposal's status does not allow it.`,
    security: security.any,
    request: { params: ProposalParams },
    responses: {
      200: jsonResponse(ProposalSchema, "The proposal."),
      ...pickProblems(400, 401, 403, 404, 409, 413, 422),
    },
  });

export const select = decision(
  "select",
  "Select a proposal",
  "Puts a proposed item on the itinerary (while the plan is planning or finalized).",
);
export type SelectRoute = typeof select;
export const reject = decision("reject", "Reject a proposal", "Closes a proposed item (while the plan is planning or finalized).");
export type RejectRoute = typeof reject;
export const reopen = decision(
  "reopen",
  "Reopen a rejected proposal",
  "Makes a rejected proposal proposed again (while the plan is planning).",
);
export type ReopenRoute = typeof reopen;

export const castVote = createRoute({
  method: "put",
  path: `${one}/vote`,
  tags,
  summary: "Vote on a proposal",
  description: `yes, maybe or no; casting again replaces your vote. Voting closes at the plan's deadline or when it leaves planning (409 \`voting_closed\`); only proposed proposals take votes (409 \`proposal_not_open\`). With one yes per participant, a second yes is 409 \`one_yes_limit\`. ${asParticipant}`,
  security: security.any,
  request: { params: ProposalParams, body: jsonBody(CastVoteSchema) },
  responses: {
    200: jsonResponse(VoteResultSchema, "Your vote and the proposal's tally as you may see it."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type CastVoteRoute = typeof castVote;

export const withdrawVote = createRoute({
  method: "delete",
  path: `${one}/vote`,
  tags,
  summary: "Withdraw your vote",
  description: `While voting is open. Harmless when you have not voted. ${asParticipant}`,
  security: security.any,
  request: { params: ProposalParams },
  responses: {
    204: { description: "No vote of yours stands on the proposal." },
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type WithdrawVoteRoute = typeof withdrawVote;

export const commit = createRoute({
  method: "post",
  path: `${one}/commitment`,
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

export const tallies = createRoute({
  method: "get",
  path: `${base}/tallies`,
  tags,
  summary: "Every proposal's tally",
  description: `Oldest proposal first, including proposals without votes. While the plan hides votes until its deadline, participants see only totals; organizers see everything. ${readers}`,
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(TallyListSchema, "The tallies."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type TalliesRoute = typeof tallies;

export const finalize = createRoute({
  method: "post",
  path: `${base}/finalize`,
  tags,
  summary: "Finalize the plan",
  description:
    "Organizers choose the itinerary — the listed proposals, or the `count` top-voted ones with at least one yes — and the plan moves planning → finalized: the chosen proposals are selected, every other proposed one rejected, voting closes and tallies are revealed. 409 `invalid_plan_transition` unless the plan is planning.",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(FinalizeSchema) },
  responses: {
    200: jsonResponse(PlanSchema, "The finalized plan."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type FinalizeRoute = typeof finalize;
