import { nowIso } from "../../lib/time.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { GetRoute } from "./health.routes.js";

// c.get, not c.var: each read of c.var copies every request variable into a new object.
export const get: AppRouteHandler<GetRoute> = (c) => {
  const config = c.get("config");
  return c.json({ status: "ok" as const, version: config.version, runtime: config.runtime, time: nowIso(c.get("deps")) }, 200);
};
