import { CreatePublishableKeySchema, PageQuerySchema, PublishableKeySchema, pageSchema, UpdatePublishableKeySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Publishable keys"];
const managers = "Owners, admins and secret keys.";
const Params = pathIds({ id: "publishableKey" });

export const list = createRoute({
  method: "get",
  path: "/v1/publishable-keys",
  operationId: "publishableKeys.list",
  tags,
  summary: "List publishable keys",
  description: "Newest first, revoked keys included.",
  security: security.organizer,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(PublishableKeySchema, "PublishableKeyList"), "A page of publishable keys."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: "post",
  path: "/v1/publishable-keys",
  operationId: "publishableKeys.create",
  tags,
  summary: "Create a publishable key",
  description: `A key for web pages: public actions only, and only from \`allowedOrigins\`. ${managers}`,
  security: security.organizer,
  request: { body: jsonBody(CreatePublishableKeySchema) },
  responses: {
    201: jsonResponse(PublishableKeySchema, "The new key."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: "/v1/publishable-keys/{id}",
  operationId: "publishableKeys.get",
  tags,
  summary: "Retrieve a publishable key",
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(PublishableKeySchema, "The key."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/publishable-keys/{id}",
  operationId: "publishableKeys.update",
  tags,
  summary: "Rename a publishable key or change its allowed origins",
  description: `\`allowedOrigins\` replaces the whole list. A revoked key cannot be changed (409). ${managers}`,
  security: security.organizer,
  request: { params: Params, body: jsonBody(UpdatePublishableKeySchema) },
  responses: {
    200: jsonResponse(PublishableKeySchema, "The updated key."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateRoute = typeof update;

export const revoke = createRoute({
  method: "delete",
  path: "/v1/publishable-keys/{id}",
  operationId: "publishableKeys.revoke",
  tags,
  summary: "Revoke a publishable key",
  description: `Requests with the key fail from now on (\`key_revoked\`). Revoking twice is harmless. ${managers}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(PublishableKeySchema, "The revoked key."),
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type RevokeRoute = typeof revoke;
