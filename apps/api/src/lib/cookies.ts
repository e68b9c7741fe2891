import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./auth.js";
import { fromIso } from "./time.js";
import type { AppBindings } from "./types.js";

/** The refresh cookie only travels to the auth routes, and never on cross-site requests. */
export const REFRESH_COOKIE_PATH = "/v1/auth";

/** Sets the dashboard's HTTP-only session cookies next to the JSON body API clients use. */
export function setSessionCookies(
  c: Context<AppBindings>,
  s: { accessToken: string; accessTokenExpiresAt: string; refreshToken: string; refreshTokenExpiresAt: string },
): void {
  const config = c.var.config;
  const now = c.var.deps.now();
  const maxAge = (iso: string) => Math.max(0, Math.floor((fromIso(iso) - now) / 1000));
  setCookie(c, ACCESS_COOKIE, s.accessToken, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: "Lax",
    path: "/",
    maxAge: maxAge(s.accessTokenExpiresAt),
  });
  setCookie(c, REFRESH_COOKIE, s.refreshToken, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: "Strict",
    path: REFRESH_COOKIE_PATH,
    maxAge: maxAge(s.refreshTokenExpiresAt),
  });
}

export function clearSessionCookies(c: Context<AppBindings>): void {
  const secure = c.var.config.secureCookies;
  deleteCookie(c, ACCESS_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Lax" });
  deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH, secure, httpOnly: true, sameSite: "Strict" });
}
