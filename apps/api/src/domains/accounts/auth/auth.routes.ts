import { MeSchema, RefreshSchema, SessionSchema, SignInSchema, SignUpSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Auth"];
const cookieNote =
  "Browsers also receive the tokens as HTTP-only cookies (`gk_access`, and `gk_refresh` scoped to /v1/auth). Sessions are never stored for Idempotency-Key replays.";

/** The refresh token in the body, or nothing in a browser that sends the `gk_refresh` cookie. */
const optionalRefreshBody = {
  required: false,
  description: "API clients send `refreshToken`; browsers send no body and the `gk_refresh` cookie.",
  content: { "application/json": { schema: RefreshSchema } },
} as const;

export const signUp = createRoute({
  method: "post",
  path: "/v1/auth/sign-up",
  tags,
  summary: "Create an organizer account and its organization",
  description: `Creates the user, an organization they own, and a session. ${cookieNote}`,
  request: { body: jsonBody(SignUpSchema) },
  responses: {
    201: jsonResponse(SessionSchema, "Signed up and signed in."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422, 429),
  },
});
export type SignUpRoute = typeof signUp;

export const signIn = createRoute({
  method: "post",
  path: "/v1/auth/sign-in",
  tags,
  summary: "Sign in with email and password",
  description: `Opens a session in \`organizationId\`, or in the organization joined first. ${cookieNote}`,
  request: { body: jsonBody(SignInSchema) },
  responses: {
    200: jsonResponse(SessionSchema, "Signed in."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type SignInRoute = typeof signIn;

export const refresh = createRoute({
  method: "post",
  path: "/v1/auth/refresh",
  tags,
  summary: "Exchange a refresh token for a new session",
  description:
    "Each refresh token works once and is replaced by the one returned. Presenting a used token again signs out every session rotated from the same sign-in (`refresh_token_reused`).",
  request: { body: optionalRefreshBody },
  responses: {
    200: jsonResponse(SessionSchema, "A new access token and refresh token."),
    ...pickProblems(400, 401, 403, 413, 415),
  },
});
export type RefreshRoute = typeof refresh;

export const signOut = createRoute({
  method: "post",
  path: "/v1/auth/sign-out",
  tags,
  summary: "Sign out",
  description: "Revokes the refresh token's whole family and clears the session cookies. Always answers 204.",
  request: { body: optionalRefreshBody },
  responses: {
    204: { description: "Signed out." },
    ...pickProblems(400, 401, 403, 413, 415),
  },
});
export type SignOutRoute = typeof signOut;

export const me = createRoute({
  method: "get",
  path: "/v1/auth/me",
  tags,
  summary: "The signed-in organizer",
  security: security.organizer,
  responses: {
    200: jsonResponse(MeSchema, "Who is signed in, where, with which role."),
    ...pickProblems(401, 403),
  },
});
export type MeRoute = typeof me;
