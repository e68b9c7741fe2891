import {
  CreateEventSessionSchema,
  EventSessionId,
  EventSessionListSchema,
  EventSessionSchema,
  PersonalAgendaSchema,
  SessionPickSchema,
  UpdateEventSessionSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";
import { LINK_GONE, TokenParams } from "../guests/guests.routes.js";

const tags = ["Agenda"];
const EventParams = pathIds({ eventId: "event" });
const SessionParams = pathIds({ eventId: "event", sessionId: "eventSession" });

export const create = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/sessions",
  operationId: "events.sessions.create",
  tags,
  summary: "Add a session to the agenda",
  description: "Organizers. A session lies within the event's time (else 422 `session_outside_event`).",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(CreateEventSessionSchema) },
  responses: { 201: jsonResponse(EventSessionSchema, "The new session."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/sessions",
  operationId: "events.sessions.list",
  tags,
  summary: "Read an event's agenda",
  description:
    "In time order. Organizers for any event of theirs; a publishable key or a participant for published events (others answer 404).",
  security: security.any,
  request: { params: EventParams },
  responses: { 200: jsonResponse(EventSessionListSchema, "The sessions."), ...pickProblems(400, 401, 403, 404) },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/sessions/{sessionId}",
  operationId: "events.sessions.retrieve",
  tags,
  summary: "Read a session",
  description: "As the agenda: organizers always, others while the event is published.",
  security: security.any,
  request: { params: SessionParams },
  responses: { 200: jsonResponse(EventSessionSchema, "The session."), ...pickProblems(400, 401, 403, 404) },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/sessions/{sessionId}",
  operationId: "events.sessions.update",
  tags,
  summary: "Edit a session",
  description: "Organizers. `null` clears the room or track; the session stays within the event's time (else 422 `session_outside_event`).",
  security: security.organizer,
  request: { params: SessionParams, body: jsonBody(UpdateEventSessionSchema) },
  responses: { 200: jsonResponse(EventSessionSchema, "The updated session."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/sessions/{sessionId}",
  operationId: "events.sessions.delete",
  tags,
  summary: "Remove a session",
  description: "Organizers.",
  security: security.organizer,
  request: { params: SessionParams },
  responses: { 204: { description: "Removed." }, ...pickProblems(400, 401, 403, 404, 409) },
});
export type RemoveRoute = typeof remove;

export const listPicks = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/invitation/{guestToken}/sessions",
  operationId: "events.invitation.sessions.list",
  tags,
  summary: "A guest's personal agenda (guest token)",
  description: "The sessions the guest picked, in time order.",
  security: [],
  request: { params: TokenParams },
  responses: { 200: jsonResponse(PersonalAgendaSchema, "The guest's sessions."), ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type ListPicksRoute = typeof listPicks;

export const pick = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/invitation/{guestToken}/sessions",
  operationId: "events.invitation.sessions.create",
  tags,
  summary: "Sign up for a session (guest token)",
  description:
    "Confirmed guests only (else 409 `guest_not_confirmed`). Never over the session's capacity (409 `session_full`), never two overlapping sessions for one guest (409 `session_overlap`). Picking one already picked answers it again.",
  security: [],
  request: { params: TokenParams, body: jsonBody(SessionPickSchema) },
  responses: {
    200: jsonResponse(EventSessionSchema, "The session, with its sign-ups."),
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type PickRoute = typeof pick;

export const drop = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/invitation/{guestToken}/sessions/{sessionId}",
  operationId: "events.invitation.sessions.delete",
  tags,
  summary: "Drop a session (guest token)",
  description: "Gives the place back; dropping a session one has not picked changes nothing.",
  security: [],
  request: { params: TokenParams.extend({ sessionId: EventSessionId.openapi({ param: { name: "sessionId", in: "path" } }) }) },
  responses: { 204: { description: "Dropped." }, ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type DropRoute = typeof drop;
