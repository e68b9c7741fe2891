import { clearSessionCookies } from "../../../lib/cookies.js";
import { clientAddress, enforceRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { ConfirmRoute, RequestRoute } from "./password-reset.routes.js";
import * as service from "./password-reset.service.js";

export const request: AppRouteHandler<RequestRoute> = async (c) => {
  await enforceRateLimit(c, [`password-reset:ip:${clientAddress(c)}`]);
  await service.requestReset(c.var.deps, c.req.valid("json").email);
  return c.json({ message: service.REQUESTED_MESSAGE }, 202);
};

export const confirm: AppRouteHandler<ConfirmRoute> = async (c) => {
  await enforceRateLimit(c, [`password-reset:ip:${clientAddress(c)}`]);
  await service.confirmReset(c.var.deps, c.req.valid("json"));
  clearSessionCookies(c);
  return c.body(null, 204);
};
