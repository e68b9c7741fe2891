import { MeSchema, RefreshSchema, SessionSchema, SignInSchema, SignUpSchema, type z } from "@gatherkit/core";
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

// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const signInExample = { email: "ada@example.com", password: "correct horse battery staple" } satisfies z.input<typeof SignInSchema>;
const sessionExample = {
  accessToken: "eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhY2Nlc3MiLCJzdWIiOiJ1c3JfcmgzcWh5OWhzYWZhNGJ2OHliazIifQ.c2lnbmF0dXJl",
  accessTokenExpiresAt: "2030-05-20T09:27:44.000Z",
  refreshToken: "gk_rt_889jw5kq324j6nk7096dyx226e8fez01",
  refreshTokenExpiresAt: "2030-06-19T09:12:44.303Z",
  user: { id: "usr_rh3qhy9hsafa4bv8ybk2", email: "ada@example.com", name: "Ada Lovelace", createdAt: "2030-01-08T14:02:10.169Z" },
  organization: {
    id: "org_w3pj1n7b3skcwwsvvfvg",
    name: "Lisbon Friends",
    timeZone: "Europe/Lisbon",
    checkoutMode: null,
    createdAt: "2030-01-08T14:02:10.169Z",
  },
  role: "owner",
} satisfies z.infer<typeof SessionSchema>;

export const signUp = createRoute({
  method: "post",
  path: "/v1/auth/sign-up",
  operationId: "auth.signUp",
  security: [],
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
  operationId: "auth.signIn",
  security: [],
  tags,
  summary: "Sign in with email and password",
  description: `Opens a session in \`organizationId\`, or in the organization joined first. ${cookieNote}`,
  request: { body: { ...jsonBody(SignInSchema), content: { "application/json": { schema: SignInSchema, example: signInExample } } } },
  responses: {
    200: { description: "Signed in.", content: { "application/json": { schema: SessionSchema, example: sessionExample } } },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
export type SignInRoute = typeof signIn;

export const refresh = createRoute({
  method: "post",
  path: "/v1/auth/refresh",
  operationId: "auth.refresh",
  security: [],
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
  operationId: "auth.signOut",
  security: [],
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
  operationId: "auth.me",
  tags,
  summary: "The signed-in organizer",
  security: security.organizer,
  responses: {
    200: jsonResponse(MeSchema, "Who is signed in, where, with which role."),
    ...pickProblems(401, 403),
  },
});
export type MeRoute = typeof me;
