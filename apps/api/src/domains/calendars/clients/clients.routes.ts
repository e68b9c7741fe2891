import { ClientListQuerySchema, ClientPageSchema, ClientSchema, CreateClientSchema, UpdateClientSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Clients"];
export const ClientParams = pathIds({ clientId: "client" });

export const create = createRoute({
  method: "post",
  path: "/v1/clients",
  operationId: "clients.create",
  tags,
  summary: "Create a client",
  description: "A client the organization works for, whose Google calendars it can connect. Organizers and secret keys.",
  security: security.organizer,
  request: { body: jsonBody(CreateClientSchema) },
  responses: {
    201: jsonResponse(ClientSchema, "The client."),
    ...pickProblems(400, 401, 403, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/clients",
  operationId: "clients.list",
  tags,
  summary: "List clients",
  description: "Newest first; `q` searches names and emails.",
  security: security.organizer,
  request: { query: ClientListQuerySchema },
  responses: {
    200: jsonResponse(ClientPageSchema, "A page of clients."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}",
  operationId: "clients.get",
  tags,
  summary: "Get a client",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    200: jsonResponse(ClientSchema, "The client."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/clients/{clientId}",
  operationId: "clients.update",
  tags,
  summary: "Update a client",
  description: "Fields sent replace the stored ones; `email: null` removes the email.",
  security: security.organizer,
  request: { params: ClientParams, body: jsonBody(UpdateClientSchema) },
  responses: {
    200: jsonResponse(ClientSchema, "The updated client."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/clients/{clientId}",
  operationId: "clients.delete",
  tags,
  summary: "Delete a client",
  description:
    "Revokes its Google connection at Google, then deletes the client, its connection and its sync rules. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type RemoveRoute = typeof remove;
