import { SsoCallbackQuerySchema, SsoConfigSchema, SsoStartQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, problems } from "../../../lib/openapi.js";

const tags = ["Auth"];

export const config = createRoute({
  method: "get",
  path: "/v1/auth/sso",
  operationId: "auth.sso.config",
  tags,
  summary: "Single sign-on settings",
  description: "Whether organizers can sign in with this deployment's OpenID Connect provider, its name and where to start. No credential.",
  security: [],
  responses: {
    200: jsonResponse(SsoConfigSchema, "The settings."),
    ...pickProblems(401, 403),
  },
});
export type ConfigRoute = typeof config;

export const start = createRoute({
  method: "get",
  path: "/v1/auth/sso/start",
  operationId: "auth.sso.start",
  tags,
  summary: "Start single sign-on",
  description:
    "Redirects the browser to the provider (authorization code with PKCE, `state` and `nonce`), with a short-lived, signed, HTTP-only cookie that binds the sign-in to this browser.",
  security: [],
  request: { query: SsoStartQuerySchema },
  responses: {
    302: { description: "To the provider's sign-in page." },
    ...pickProblems(400, 401, 403, 404),
    502: problems[502],
  },
});
export type StartRoute = typeof start;

export const callback = createRoute({
  method: "get",
  path: "/v1/auth/sso/callback",
  operationId: "auth.sso.callback",
  tags,
  summary: "The provider's redirect",
  description:
    "Exchanges the code (with the PKCE verifier), checks the ID token (signature against the provider's JWKS, issuer, audience, expiry, nonce), finds the organizer by verified email, sets the session cookies and redirects to `returnTo`. Anything else is a 4xx problem and signs no one in.",
  security: [],
  request: { query: SsoCallbackQuerySchema },
  responses: {
    302: { description: "Signed in: back to `returnTo`." },
    ...pickProblems(400, 401, 403, 404),
    502: problems[502],
  },
});
export type CallbackRoute = typeof callback;
