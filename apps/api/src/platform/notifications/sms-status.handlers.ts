import type { AppRouteHandler } from "../../lib/types.js";
import type { StatusRoute } from "./sms-status.routes.js";
import { applySmsStatus } from "./sms-status.service.js";

export const status: AppRouteHandler<StatusRoute> = async (c) => {
  await applySmsStatus(c.var.deps, await c.req.text(), c.req.header("x-twilio-signature"));
  return c.body(null, 204);
};
