import { requireOrganizer } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
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
  return c.json(await service.getOrganization(c.var.deps, caller.orgId), 200);
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
  return c.json(await members.addMember(c.var.deps, caller.orgId, c.req.valid("json")), 201);
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
