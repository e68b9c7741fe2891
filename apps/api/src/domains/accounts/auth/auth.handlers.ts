import { REFRESH_COOKIE, requireCaller, sessionCookie } from "../../../lib/auth.js";
import { clearSessionCookies, setSessionCookies } from "../../../lib/cookies.js";
import { ApiError } from "../../../lib/errors.js";
import { clientAddress, enforceRateLimit } from "../../../lib/rate-limit.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { MeRoute, RefreshRoute, SignInRoute, SignOutRoute, SignUpRoute } from "./auth.routes.js";
import * as service from "./auth.service.js";
import { throttledSignIn } from "./auth.throttle.js";

export const signUp: AppRouteHandler<SignUpRoute> = async (c) => {
  await enforceRateLimit(c, [`sign-up:ip:${clientAddress(c)}`]);
  const session = await service.signUp(c.var.deps, c.req.valid("json"));
  setSessionCookies(c, session);
  return c.json(session, 201);
};

export const signIn: AppRouteHandler<SignInRoute> = async (c) => {
  const input = c.req.valid("json");
  const address = clientAddress(c);
  await enforceRateLimit(c, [`sign-in:ip:${address}`]);
  const session = await throttledSignIn(c.var.deps, { email: input.email, address }, () => service.signIn(c.var.deps, input));
  setSessionCookies(c, session);
  return c.json(session, 200);
};

export const refresh: AppRouteHandler<RefreshRoute> = async (c) => {
  const token = c.req.valid("json").refreshToken ?? sessionCookie(c, REFRESH_COOKIE);
  if (!token) {
    throw new ApiError(
      401,
      "authentication_required",
      "Send the refresh token as `refreshToken`, or the gk_refresh cookie from a browser.",
    );
  }
  const session = await service.refresh(c.var.deps, token);
  setSessionCookies(c, session);
  return c.json(session, 200);
};

export const signOut: AppRouteHandler<SignOutRoute> = async (c) => {
  const token = c.req.valid("json").refreshToken ?? sessionCookie(c, REFRESH_COOKIE);
  if (token) await service.signOut(c.var.deps, token);
  clearSessionCookies(c);
  return c.body(null, 204);
};

export const me: AppRouteHandler<MeRoute> = async (c) => {
  const caller = requireCaller(c, "user");
  return c.json(await service.me(c.var.deps, caller), 200);
};
