import type { AppRouteHandler } from "../../../lib/types.js";
import type { ListRoute } from "./calendars.routes.js";
import { listCalendars } from "./calendars.service.js";

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { body, ageSeconds } = await listCalendars(c.var.deps, c.var.caller, c.req.valid("param").clientId);
  // How old the list is (it may come from the short-lived server cache); the answer itself stays no-store.
  return c.json(body, 200, { age: String(ageSeconds) });
};
