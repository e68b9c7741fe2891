import {
  AuthorizeResultSchema,
  AuthorizeSchema,
  ConnectionSchema,
  OAuthCallbackQuerySchema,
  SetConnectionAppSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, problems, security } from "../../../lib/openapi.js";
import { ClientParams } from "../clients/clients.routes.js";

const tags = ["Clients"];

export const get = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/connection",
  operationId: "clients.connection.get",
  tags,
  summary: "The client's Google connection",
  description:
    "Its app, status (`valid`, `invalid` with the reason, or `not_connected`), granted scopes and Google account. No token or secret is ever returned.",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    200: jsonResponse(ConnectionSchema, "The connection."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const setApp = createRoute({
  method: "put",
  path: "/v1/clients/{clientId}/connection",
  operationId: "clients.connection.setApp",
  tags,
  summary: "Choose the Google OAuth app",
  description:
    "The platform's default app, or the organization's own (client id and secret, the secret stored encrypted and never returned), and the scopes to ask for. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams, body: jsonBody(SetConnectionAppSchema) },
  responses: {
    200: jsonResponse(ConnectionSchema, "The connection."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422, 503),
  },
});
export type SetAppRoute = typeof setApp;

export const authorize = createRoute({
  method: "post",
  path: "/v1/clients/{clientId}/connection/authorize",
  operationId: "clients.connection.authorize",
  tags,
  summary: "Start connecting Google",
  description:
    "Answers Google's consent URL (authorization code with PKCE, offline access, incremental scopes) with a signed `state` that expires and is bound to you. Send the organizer's browser there; Google sends it back to the callback, which stores the tokens and returns it to `returnTo`. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams, body: jsonBody(AuthorizeSchema) },
  responses: {
    200: jsonResponse(AuthorizeResultSchema, "The consent URL."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});
export type AuthorizeRoute = typeof authorize;

export const callback = createRoute({
  method: "get",
  path: "/v1/calendar-connections/callback",
  operationId: "calendarConnections.callback",
  tags,
  summary: "Google's OAuth redirect",
  description:
    "Where Google sends the organizer back. Exchanges the code, stores the tokens encrypted and redirects to the page the connection started from with `calendar_connection=connected` (or `=failed&reason=…`). A state that is expired, forged, issued to someone else or already used is a 4xx problem and changes nothing.",
  security: [],
  request: { query: OAuthCallbackQuerySchema },
  responses: {
    302: { description: "Back to the page the connection started from." },
    ...pickProblems(400, 401, 403, 409),
    502: problems[502],
    503: problems[503],
  },
});
export type CallbackRoute = typeof callback;

export const disconnect = createRoute({
  method: "delete",
  path: "/v1/clients/{clientId}/connection",
  operationId: "clients.connection.disconnect",
  tags,
  summary: "Disconnect Google",
  description:
    "Revokes the token at Google and deletes it. Sync rules stay and resume after a new connection. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    204: { description: "Disconnected." },
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type DisconnectRoute = typeof disconnect;
