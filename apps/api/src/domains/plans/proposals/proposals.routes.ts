import {
  CreateProposalSchema,
  ProposalListQuerySchema,
  ProposalPageSchema,
  ProposalSchema,
  UpdateProposalSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";
import { base, one, PlanParams, ProposalParams, readers, tags } from "./proposals.openapi.js";

// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const createProposalExample = {
  title: "Sunset at Miradouro da Senhora do Monte",
  description: "The best view over the city; bring snacks.",
  url: "https://example.com/miradouro",
  startsAt: "2030-07-02T19:30:00.000Z",
  endsAt: "2030-07-02T21:00:00.000Z",
  cost: { kind: "per_person", amount: 1500, currency: "EUR" },
  capacity: 8,
} satisfies z.input<typeof CreateProposalSchema>;
const proposalExample = {
  id: "prop_5s3t1u9v7w2x4y6z8a0b",
  planId: "plan_7f3k9q2m8x1v4w6n0p5r",
  ...createProposalExample,
  imageUrls: [],
  takenCount: 0,
  paidByParticipantId: null,
  status: "proposed",
  createdByParticipantId: "ptc_9g7r5c3e1b8d6f4h2j0k",
  createdAt: "2030-05-21T17:03:09.125Z",
  updatedAt: "2030-05-21T17:03:09.125Z",
  tally: { proposalId: "prop_5s3t1u9v7w2x4y6z8a0b", yes: 0, maybe: 0, no: 0, total: 0, hidden: false },
  myVote: null,
  committed: false,
} satisfies z.infer<typeof ProposalSchema>;

export const list = createRoute({
  method: "get",
  path: `${base}/proposals`,
  operationId: "plans.proposals.list",
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
  operationId: "plans.proposals.create",
  tags,
  summary: "Propose an activity or item",
  description:
    "While the plan is planning. In a trip any participant proposes; in event and purchase plans only organizers (403 `organizer_required`). A cost is in the plan's currency (422 `currency_mismatch`); the payer must be in the plan (422 `unknown_participant`).",
  security: security.any,
  request: {
    params: PlanParams,
    body: {
      ...jsonBody(CreateProposalSchema),
      content: { "application/json": { schema: CreateProposalSchema, example: createProposalExample } },
    },
  },
  responses: {
    201: { description: "The new proposal.", content: { "application/json": { schema: ProposalSchema, example: proposalExample } } },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: one,
  operationId: "plans.proposals.get",
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
  operationId: "plans.proposals.update",
  tags,
  summary: "Edit a proposal",
  description:
    "Its author or an organizer, while the proposal is proposed or selected and the plan active. `null` clears a field. A capacity below the places taken is 409 `proposal_full`.",
  security: security.any,
  request: { params: ProposalParams, body: jsonBody(UpdateProposalSchema) },
  responses: {
    200: jsonResponse(ProposalSchema, "The updated proposal."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type UpdateRoute = typeof update;

const decision = (action: "select" | "reject" | "reopen", summary: string, description: string) =>
  createRoute({
    method: "post",
    path: `${one}/${action}`,
    operationId: `plans.proposals.${action}`,
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
