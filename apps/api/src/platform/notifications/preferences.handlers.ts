import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { GetRoute, UpdateRoute } from "./preferences.routes.js";
import * as service from "./preferences.service.js";

const person = (c: Parameters<typeof requireCaller>[0]) => requireCaller(c, "participant", "user");

export const get: AppRouteHandler<GetRoute> = async (c) => c.json(await service.getPreferences(c.var.deps, person(c)), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) =>
  c.json(await service.updatePreferences(c.var.deps, person(c), c.req.valid("json")), 200);
