import { requireCaller, requireOrganizer } from "../../../lib/auth.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { AcceptRoute, ListRoute, RevokeRoute } from "./invitations.routes.js";
import * as service from "./invitations.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  return c.json(await service.listInvitations(c.var.deps, caller.orgId, c.req.valid("query")), 200);
};

export const revoke: AppRouteHandler<RevokeRoute> = async (c) => {
  const caller = requireOrganizer(c, ["owner", "admin"]);
  return c.json(await service.revokeInvitation(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};

export const accept: AppRouteHandler<AcceptRoute> = async (c) => {
  const caller = requireCaller(c, "user");
  return c.json(await service.acceptInvitation(c.var.deps, caller, c.req.valid("json").token), 201);
};
