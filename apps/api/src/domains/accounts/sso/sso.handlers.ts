import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { setSessionCookies } from "../../../lib/cookies.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CallbackRoute, ConfigRoute, StartRoute } from "./sso.routes.js";
import * as service from "./sso.service.js";

export const config: AppRouteHandler<ConfigRoute> = async (c) => c.json(service.ssoConfig(c.var.deps), 200);

export const start: AppRouteHandler<StartRoute> = async (c) => {
  const { location, cookie, maxAge } = await service.start(c.var.deps, c.req.valid("query").returnTo);
  // Lax: the provider's redirect back is a top-level GET, which carries it.
  setCookie(c, service.SSO_COOKIE, cookie, {
    path: service.SSO_COOKIE_PATH,
    httpOnly: true,
    secure: c.var.config.secureCookies,
    sameSite: "Lax",
    maxAge,
  });
  c.header("cache-control", "no-store");
  return c.redirect(location, 302);
};

export const callback: AppRouteHandler<CallbackRoute> = async (c) => {
  const cookie = getCookie(c, service.SSO_COOKIE);
  // Used once, whatever happens next.
  deleteCookie(c, service.SSO_COOKIE, {
    path: service.SSO_COOKIE_PATH,
    secure: c.var.config.secureCookies,
    httpOnly: true,
    sameSite: "Lax",
  });
  const { session, returnTo } = await service.callback(c.var.deps, cookie, c.req.valid("query"));
  setSessionCookies(c, session);
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  return c.redirect(returnTo, 302);
};
