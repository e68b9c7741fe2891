import {
  CreateInviteSchema,
  InviteCodeSchema,
  InvitePageSchema,
  InvitePreviewSchema,
  InviteSchema,
  JoinPlanResultSchema,
  JoinPlanSchema,
  PageQuerySchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";
import { PlanParams, planExample } from "../plans/plans.routes.js";

const tags = ["Plan invites"];
const organizers = "Organizers of the plan (and organization staff).";
const InviteParams = pathIds({ planId: "plan", inviteId: "invite" });
const CodeParams = z.object({ code: InviteCodeSchema.openapi({ param: { name: "code", in: "path" } }) });

// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const joinPlanExample = { name: "Grace Hopper", email: "grace@example.com" } satisfies z.input<typeof JoinPlanSchema>;
const joinPlanResultExample = {
  token: "gk_pt_eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJwYXJ0aWNpcGFudCIsInN1YiI6InB0Y185ZzdyNWMzZTFiOGQ2ZjRoMmowayJ9.c2lnbmF0dXJl",
  expiresAt: "2030-06-20T17:01:12.000Z",
  plan: planExample,
  participant: {
    id: "pp_6b4d2f8h0j1k3m5n7p9q",
    planId: planExample.id,
    participantId: "ptc_9g7r5c3e1b8d6f4h2j0k",
    name: "Grace Hopper",
    email: "grace@example.com",
    role: "participant",
    joinedAt: "2030-05-21T17:01:12.874Z",
    removedAt: null,
  },
} satisfies z.infer<typeof JoinPlanResultSchema>;

export const create = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/invites",
  operationId: "plans.invites.create",
  tags,
  summary: "Create an invite",
  description:
    `A shareable link code, optionally expiring (\`expiresAt\`) and limited (\`maxUses\`); or, with \`email\`, a personal single-use invite that is emailed. ${organizers} While the plan is planning or finalized. ` +
    "The email is Gatherkit's invitation template (a fixed subject, the plan's title and dates, the join link); `joinUrl` must be on an origin one of your publishable keys allows (422 `join_url_not_allowed`). " +
    "Personal invites are limited per plan and per organization (429 `rate_limited` with `Retry-After`).",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreateInviteSchema) },
  responses: {
    201: jsonResponse(InviteSchema, "The invite; share `code` (your join page calls POST /v1/invites/{code}/join)."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/invites",
  operationId: "plans.invites.list",
  tags,
  summary: "List a plan's invites",
  description: `Newest first, with their status. ${organizers}`,
  security: security.any,
  request: { params: PlanParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(InvitePageSchema, "A page of invites."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const revoke = createRoute({
  method: "delete",
  path: "/v1/plans/{planId}/invites/{inviteId}",
  operationId: "plans.invites.revoke",
  tags,
  summary: "Revoke an invite",
  description: `The link stops working (\`invite_revoked\`); people who joined stay. Revoking again is harmless. ${organizers}`,
  security: security.any,
  request: { params: InviteParams },
  responses: {
    200: jsonResponse(InviteSchema, "The revoked invite."),
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type RevokeRoute = typeof revoke;

export const preview = createRoute({
  method: "get",
  path: "/v1/invites/{code}",
  operationId: "plans.invites.preview",
  tags,
  summary: "Preview an invite",
  description:
    "What the link leads to, before joining: the plan, its organizer and whether the link still works. Any credential of the organization, including a publishable key.",
  security: security.any,
  request: { params: CodeParams },
  responses: {
    200: jsonResponse(InvitePreviewSchema, "The invite preview."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type PreviewRoute = typeof preview;

export const join = createRoute({
  method: "post",
  path: "/v1/invites/{code}/join",
  operationId: "plans.invites.join",
  tags,
  summary: "Join a plan through an invite",
  description:
    "With a publishable key (or staff credentials): a new participant with `name` (and optional `email`) joins, and gets a participant token. With a participant token — e.g. one your server minted for your signed-in user (POST /v1/participant-tokens) — that participant joins and the same token is answered. Joining again answers the existing membership without using the invite again. 409 `invite_expired`, `invite_exhausted` or `invite_revoked` when the link no longer works; 403 `participant_removed` for someone an organizer removed.",
  security: security.any,
  request: {
    params: CodeParams,
    body: { ...jsonBody(JoinPlanSchema), content: { "application/json": { schema: JoinPlanSchema, example: joinPlanExample } } },
  },
  responses: {
    201: {
      description: "The membership, the plan and the participant token to use from now on.",
      content: { "application/json": { schema: JoinPlanResultSchema, example: joinPlanResultExample } },
    },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type JoinRoute = typeof join;
