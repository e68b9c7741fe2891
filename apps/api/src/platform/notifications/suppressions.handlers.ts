import { requireCaller } from "../../lib/auth.js";
import { ApiError } from "../../lib/errors.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { LiftRoute, ListRoute } from "./suppressions.routes.js";
import * as service from "./suppressions.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  return c.json(await service.listSuppressions(c.var.deps, staff.orgId, c.req.valid("query")), 200);
};

export const lift: AppRouteHandler<LiftRoute> = async (c) => {
  const staff = requireCaller(c, "user", "secret_key");
  if (staff.role === "staff") throw new ApiError(403, "permission_denied", "Lifting a suppression needs the owner or admin role.");
  const by = staff.kind === "user" ? staff.userId : staff.keyId;
  return c.json(await service.liftSuppression(c.var.deps, { orgId: staff.orgId, by }, c.req.valid("json")), 200);
};
