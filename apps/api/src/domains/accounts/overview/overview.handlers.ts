import type { AppRouteHandler } from "../../../lib/types.js";
import type { GetRoute } from "./overview.routes.js";
import * as service from "./overview.service.js";

export const get: AppRouteHandler<GetRoute> = async (c) => c.json(await service.organizationOverview(c.var.deps, c.var.caller), 200);
