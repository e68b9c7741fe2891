import type { AppRouteHandler } from "../../lib/types.js";
import type { EventsRoute } from "./email-events.routes.js";
import { applyEmailEvent } from "./email-events.service.js";

export const events: AppRouteHandler<EventsRoute> = async (c) => {
  await applyEmailEvent(c.var.deps, await c.req.text(), {
    id: c.req.header("svix-id"),
    timestamp: c.req.header("svix-timestamp"),
    signature: c.req.header("svix-signature"),
  });
  return c.body(null, 204);
};
