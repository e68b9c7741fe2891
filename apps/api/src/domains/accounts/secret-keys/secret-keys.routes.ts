import { CreatedSecretKeySchema, CreateSecretKeySchema, PageQuerySchema, pageSchema, SecretKeySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Secret keys"];
const description = "Owners and admins, signed in (a key cannot manage secret keys).";
const Params = pathIds({ id: "secretKey" });

export const list = createRoute({
  method: "get",
  path: "/v1/secret-keys",
  operationId: "secretKeys.list",
  tags,
  summary: "List secret keys",
  description: `Newest first, revoked keys included. ${description}`,
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(SecretKeySchema, "SecretKeyList"), "A page of secret keys (without their secrets)."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: "post",
  path: "/v1/secret-keys",
  operationId: "secretKeys.create",
  tags,
  summary: "Create a secret key",
  description: `The response is the only time the secret is shown. The key gets your role, or the lower \`role\` you ask for (more than yours is 403); it is also capped by your role later, and stops working if you leave the organization. No key can change who owns the organization. ${description}`,
  security: security.organizer,
  request: { body: jsonBody(CreateSecretKeySchema) },
  responses: {
    201: jsonResponse(CreatedSecretKeySchema, "The key, with its secret."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: "/v1/secret-keys/{id}",
  operationId: "secretKeys.get",
  tags,
  summary: "Retrieve a secret key",
  description,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(SecretKeySchema, "The key (without its secret)."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const revoke = createRoute({
  method: "delete",
  path: "/v1/secret-keys/{id}",
  operationId: "secretKeys.revoke",
  tags,
  summary: "Revoke a secret key",
  description: `Requests with the key fail from now on (\`key_revoked\`). Revoking twice is harmless. ${description}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(SecretKeySchema, "The revoked key."),
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type RevokeRoute = typeof revoke;
