import {
  AddMemberSchema,
  MemberInvitationSchema,
  MemberSchema,
  OrganizationSchema,
  PageQuerySchema,
  pageSchema,
  UpdateMemberSchema,
  UpdateOrganizationSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Organization"];
const MemberParams = pathIds({ id: "member" });

export const get = createRoute({
  method: "get",
  path: "/v1/organization",
  operationId: "organization.get",
  tags,
  summary: "The caller's organization",
  security: security.organizer,
  responses: {
    200: jsonResponse(OrganizationSchema, "The organization."),
    ...pickProblems(401, 403),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/organization",
  operationId: "organization.update",
  tags,
  summary: "Rename the organization, set its time zone or its checkout mode",
  description:
    "Owners, admins and secret keys. `timeZone` is an IANA name (canonicalised, e.g. `US/Eastern` → `America/New_York`); one the runtime does not know answers 422 `invalid_time_zone`. `checkoutMode` is how its buyers pay with Stripe from now on (`payment_element`, `checkout_embedded`, `checkout_redirect`; null: the deployment's `STRIPE_CHECKOUT`); checkouts already started keep theirs.",
  security: security.organizer,
  request: { body: jsonBody(UpdateOrganizationSchema) },
  responses: {
    200: jsonResponse(OrganizationSchema, "The updated organization."),
    ...pickProblems(400, 401, 403, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

export const listMembers = createRoute({
  method: "get",
  path: "/v1/organization/members",
  operationId: "organization.members.list",
  tags,
  summary: "List members",
  description: "Newest first.",
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(MemberSchema, "MemberList"), "A page of members."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListMembersRoute = typeof listMembers;

export const addMember = createRoute({
  method: "post",
  path: "/v1/organization/members",
  operationId: "organization.members.add",
  tags,
  summary: "Invite a member",
  description:
    "Emails an invitation to join as admin or staff; the person becomes a member only when they accept it (`POST /v1/member-invitations/accept`, signed in with that email). The answer is the same whether or not the address has a Gatherkit account. A new invitation to the same address replaces a pending one. Rate limited per caller and per organization (429 with `Retry-After`). Owners and admins (signed in or with a key of that role).",
  security: security.organizer,
  request: { body: jsonBody(AddMemberSchema) },
  responses: {
    202: jsonResponse(MemberInvitationSchema, "The invitation, sent."),
    ...pickProblems(400, 401, 403, 413, 415, 422, 429),
  },
});
export type AddMemberRoute = typeof addMember;

export const updateMember = createRoute({
  method: "patch",
  path: "/v1/organization/members/{id}",
  operationId: "organization.members.update",
  tags,
  summary: "Change a member's role",
  description:
    "Owners and admins (signed in or with a key of that role) move people between staff and admin. Making someone an owner or changing an owner's role needs an owner signed in in person, never a key. The last owner cannot be demoted (`last_owner`).",
  security: security.organizer,
  request: { params: MemberParams, body: jsonBody(UpdateMemberSchema) },
  responses: {
    200: jsonResponse(MemberSchema, "The member with the new role."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateMemberRoute = typeof updateMember;

export const removeMember = createRoute({
  method: "delete",
  path: "/v1/organization/members/{id}",
  operationId: "organization.members.remove",
  tags,
  summary: "Remove a member",
  description:
    "Owners and admins (signed in or with a key of that role); removing an owner needs an owner signed in in person, never a key. The last owner cannot be removed (`last_owner`). Ends the member's sessions and revokes the secret keys they created.",
  security: security.organizer,
  request: { params: MemberParams },
  responses: {
    204: { description: "Removed." },
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type RemoveMemberRoute = typeof removeMember;
