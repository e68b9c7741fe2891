import { PasswordResetConfirmSchema, PasswordResetRequestedSchema, PasswordResetRequestSchema, type z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems } from "../../../lib/openapi.js";

const tags = ["Auth"];

export const request = createRoute({
  method: "post",
  path: "/v1/auth/password-reset",
  operationId: "auth.passwordReset.request",
  security: [],
  tags,
  summary: "Email a link to choose a new password",
  description:
    "Answers 202 with the same message whether or not an account uses the email, so nobody learns who has one. When one does, it gets a link to the dashboard's reset page that works once and expires (`PASSWORD_RESET_TTL_SECONDS`); a newer link replaces the older. Limited per client address (429) and, silently, per email (`PASSWORD_RESETS_PER_EMAIL`).",
  request: { body: jsonBody(PasswordResetRequestSchema) },
  responses: {
    202: jsonResponse(PasswordResetRequestedSchema, "Accepted: a link is sent if the account exists."),
    ...pickProblems(400, 401, 403, 413, 415, 429),
  },
});
export type RequestRoute = typeof request;

const confirmExample = { token: "gk_pwr_0123456789abcdefghjkmnpqrs", password: "a new, long passphrase" } satisfies z.input<
  typeof PasswordResetConfirmSchema
>;

export const confirm = createRoute({
  method: "post",
  path: "/v1/auth/password-reset/confirm",
  operationId: "auth.passwordReset.confirm",
  security: [],
  tags,
  summary: "Set a new password with an emailed reset token",
  description:
    "Sets the password and signs out every session of the account (its refresh tokens are revoked; access tokens already issued run out within `ACCESS_TOKEN_TTL_SECONDS`). The token works once: `reset_link_used`, `reset_link_expired` or `reset_link_invalid` (422) otherwise. Sign in afterwards.",
  request: {
    body: {
      ...jsonBody(PasswordResetConfirmSchema),
      content: { "application/json": { schema: PasswordResetConfirmSchema, example: confirmExample } },
    },
  },
  responses: {
    204: { description: "The password is changed; every session is signed out." },
    ...pickProblems(400, 401, 403, 413, 415, 422, 429),
  },
});
export type ConfirmRoute = typeof confirm;
