import { CastVoteSchema, TallyListSchema, VoteResultSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";
import { asParticipant, base, one, PlanParams, ProposalParams, readers, tags } from "../proposals/proposals.openapi.js";

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
