import { CastVoteSchema, TallyListSchema, VoteResultSchema, type z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";
import { asParticipant, base, one, PlanParams, ProposalParams, readers, tags } from "../proposals/proposals.openapi.js";

// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const castVoteExample = { value: "yes" } satisfies z.input<typeof CastVoteSchema>;
const voteResultExample = {
  vote: {
    id: "vote_3h5j7k9m1n2p4q6r8s0t",
    planId: "plan_7f3k9q2m8x1v4w6n0p5r",
    proposalId: "prop_5s3t1u9v7w2x4y6z8a0b",
    participantId: "ptc_9g7r5c3e1b8d6f4h2j0k",
    value: "yes",
    createdAt: "2030-05-22T08:41:30.502Z",
    updatedAt: "2030-05-22T08:41:30.502Z",
  },
  tally: { proposalId: "prop_5s3t1u9v7w2x4y6z8a0b", yes: 3, maybe: 1, no: 0, total: 4, hidden: false },
} satisfies z.infer<typeof VoteResultSchema>;

export const castVote = createRoute({
  method: "put",
  path: `${one}/vote`,
  operationId: "plans.proposals.vote",
  tags,
  summary: "Vote on a proposal",
  description: `yes, maybe or no; casting again replaces your vote. Voting closes at the plan's deadline or when it leaves planning (409 \`voting_closed\`); only proposed proposals take votes (409 \`proposal_not_open\`). With one yes per participant, a second yes is 409 \`one_yes_limit\`. ${asParticipant}`,
  security: security.any,
  request: {
    params: ProposalParams,
    body: { ...jsonBody(CastVoteSchema), content: { "application/json": { schema: CastVoteSchema, example: castVoteExample } } },
  },
  responses: {
    200: {
      description: "Your vote and the proposal's tally as you may see it.",
      content: { "application/json": { schema: VoteResultSchema, example: voteResultExample } },
    },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 429),
  },
});
export type CastVoteRoute = typeof castVote;

export const withdrawVote = createRoute({
  method: "delete",
  path: `${one}/vote`,
  operationId: "plans.proposals.withdrawVote",
  tags,
  summary: "Withdraw your vote",
  description: `While voting is open. Harmless when you have not voted. ${asParticipant}`,
  security: security.any,
  request: { params: ProposalParams },
  responses: {
    204: { description: "No vote of yours stands on the proposal." },
    ...pickProblems(400, 401, 403, 404, 409, 413, 429),
  },
});
export type WithdrawVoteRoute = typeof withdrawVote;

export const tallies = createRoute({
  method: "get",
  path: `${base}/tallies`,
  operationId: "plans.proposals.tallies",
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
