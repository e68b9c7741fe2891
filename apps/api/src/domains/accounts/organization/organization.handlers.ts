import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError } from "../../../lib/errors.js";
import { hitRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import * as invitations from "../invitations/invitations.service.js";
import * as members from "../members/members.service.js";
import type {
  AddMemberRoute,
  GetRoute,
  ListMembersRoute,
  RemoveMemberRoute,
  UpdateMemberRoute,
  UpdateRoute,
} from "./organization.routes.js";
import * as service from "./organization.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.getOrganization(c.get("deps"), caller.orgId), 200);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  return c.json(await service.updateOrganization(c.var.deps, caller.orgId, c.req.valid("json")), 200);
};

export const listMembers: AppRouteHandler<ListMembersRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await members.listMembers(c.var.deps, caller.orgId, c.req.valid("query")), 200);
};

export const addMember: AppRouteHandler<AddMemberRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  const limit = c.var.config.memberInviteRateLimit;
  const who = caller.kind === "user" ? caller.userId : caller.keyId;
  const deps = c.var.deps;
  // The caller's allowance first: a caller over it does not use up the organization's.
  const retryAfter =
    (await hitRateLimit(deps, [`member-invite:caller:${caller.orgId}:${who}`], { max: limit.max, windowSeconds: limit.windowSeconds })) ||
    (await hitRateLimit(deps, [`member-invite:org:${caller.orgId}`], { max: limit.orgMax, windowSeconds: limit.windowSeconds }));
  if (retryAfter > 0) {
    throw new ApiError(429, "rate_limited", `Too many invitations. Try again in ${retryAfter} seconds.`, {
      headers: { "retry-after": String(retryAfter) },
    });
  }
  return c.json(await invitations.inviteMember(c.var.deps, caller, caller.orgId, c.req.valid("json")), 202);
};

export const updateMember: AppRouteHandler<UpdateMemberRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  const { id } = c.req.valid("param");
  return c.json(await members.updateMember(c.var.deps, caller, caller.orgId, id, c.req.valid("json").role), 200);
};

export const removeMember: AppRouteHandler<RemoveMemberRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  await members.removeMember(c.var.deps, caller, caller.orgId, c.req.valid("param").id);
  return c.body(null, 204);
};
