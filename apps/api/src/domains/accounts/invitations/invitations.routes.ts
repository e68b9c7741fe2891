import { AcceptedInvitationSchema, AcceptInvitationSchema, MemberInvitationSchema, PageQuerySchema, pageSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Organization"];
const Params = pathIds({ id: "memberInvitation" });

export const list = createRoute({
  method: "get",
  path: "/v1/organization/invitations",
  operationId: "organization.invitations.list",
  tags,
  summary: "List pending member invitations",
  description: "Invitations not yet accepted, revoked or expired, newest first. Owners and admins (signed in or with a key of that role).",
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(MemberInvitationSchema, "MemberInvitationList"), "A page of pending invitations."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const revoke = createRoute({
  method: "delete",
  path: "/v1/organization/invitations/{id}",
  operationId: "organization.invitations.revoke",
  tags,
  summary: "Revoke a member invitation",
  description:
    "Its token stops working. Revoking twice is harmless; an accepted invitation cannot be revoked (`invitation_used`: remove the member instead). Owners and admins.",
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(MemberInvitationSchema, "The revoked invitation."),
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type RevokeRoute = typeof revoke;

export const accept = createRoute({
  method: "post",
  path: "/v1/member-invitations/accept",
  operationId: "organization.invitations.accept",
  tags,
  summary: "Accept a member invitation",
  description:
    "For a signed-in organizer (signed in to any organization) whose email is the invited one: joins the organization the token names, with the invited role. The token works once and expires (`invitation_used`, `invitation_expired`, `invitation_revoked`). Then sign in to it with `organizationId`.",
  security: security.organizer,
  request: { body: jsonBody(AcceptInvitationSchema) },
  responses: {
    201: jsonResponse(AcceptedInvitationSchema, "You are a member now."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type AcceptRoute = typeof accept;
