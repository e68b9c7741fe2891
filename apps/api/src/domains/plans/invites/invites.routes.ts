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
import { PlanParams } from "../plans/plans.routes.js";

const tags = ["Plan invites"];
const organizers = "Organizers of the plan (and organization staff).";
const InviteParams = pathIds({ planId: "plan", inviteId: "invite" });
const CodeParams = z.object({ code: InviteCodeSchema.openapi({ param: { name: "code", in: "path" } }) });

export const create = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/invites",
  tags,
  summary: "Create an invite",
  description: `A shareable link code, optionally expiring (\`expiresAt\`) and limited (\`maxUses\`); or, with \`email\`, a personal single-use invite that is emailed. ${organizers} While the plan is planning or finalized.`,
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreateInviteSchema) },
  responses: {
    201: jsonResponse(InviteSchema, "The invite; share `code` (your join page calls POST /v1/invites/{code}/join)."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/invites",
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
  tags,
  summary: "Join a plan through an invite",
  description:
    "With a publishable key (or staff credentials): a new participant with `name` (and optional `email`) joins, and gets a participant token. With a participant token — e.g. one your server minted for your signed-in user (POST /v1/participant-tokens) — that participant joins and the same token is answered. Joining again answers the existing membership without using the invite again. 409 `invite_expired`, `invite_exhausted` or `invite_revoked` when the link no longer works; 403 `participant_removed` for someone an organizer removed.",
  security: security.any,
  request: { params: CodeParams, body: jsonBody(JoinPlanSchema) },
  responses: {
    201: jsonResponse(JoinPlanResultSchema, "The membership, the plan and the participant token to use from now on."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type JoinRoute = typeof join;
