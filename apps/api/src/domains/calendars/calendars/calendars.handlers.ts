import type { AppRouteHandler } from "../../../lib/types.js";
import type { ListRoute } from "./calendars.routes.js";
import { listCalendars } from "./calendars.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await listCalendars(c.var.deps, c.var.caller, c.req.valid("param").clientId), 200);
