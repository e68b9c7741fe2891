import { nowIso } from "../../lib/time.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { GetRoute } from "./health.routes.js";

export const get: AppRouteHandler<GetRoute> = (c) =>
  c.json({ status: "ok" as const, version: c.var.config.version, runtime: c.var.config.runtime, time: nowIso(c.var.deps) }, 200);
