import {
  CalendarEventListQuerySchema,
  CalendarEventPageSchema,
  CalendarEventSchema,
  CalendarIdParam,
  ClientId,
  CreateCalendarEventSchema,
  EventIdParam,
  SendUpdatesQuerySchema,
  UpdateCalendarEventSchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, problems, security } from "../../../lib/openapi.js";

const tags = ["Calendars"];
const clientParam = ClientId.openapi({ param: { name: "clientId", in: "path" } });
const CalendarParams = z.object({ clientId: clientParam, calendarId: CalendarIdParam });
const EventParams = z.object({ clientId: clientParam, calendarId: CalendarIdParam, calendarEventId: EventIdParam });
const base = "/v1/clients/{clientId}/calendars/{calendarId}/events";
const google = { 502: problems[502] };

export const list = createRoute({
  method: "get",
  path: base,
  operationId: "clients.events.list",
  tags,
  summary: "List events of a calendar",
  description: "A time range, text search and Google's pages as cursors. `singleEvents=true` expands recurring events into occurrences.",
  security: security.organizer,
  request: { params: CalendarParams, query: CalendarEventListQuerySchema },
  responses: {
    200: jsonResponse(CalendarEventPageSchema, "A page of events."),
    ...pickProblems(400, 401, 403, 404, 409, 503),
    ...google,
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: `${base}/{calendarEventId}`,
  operationId: "clients.events.get",
  tags,
  summary: "Get an event",
  security: security.organizer,
  request: { params: EventParams },
  responses: {
    200: jsonResponse(CalendarEventSchema, "The event."),
    ...pickProblems(400, 401, 403, 404, 409, 503),
    ...google,
  },
});
export type GetRoute = typeof get;

export const create = createRoute({
  method: "post",
  path: base,
  operationId: "clients.events.create",
  tags,
  summary: "Create an event",
  description:
    "Timed or all-day, with attendees (emailed per `sendUpdates`), recurrence (RRULE/EXDATE lines, checked before sending), reminders, a conference link and a colour. The connection must be able to write the calendar (403 `calendar_not_writable`).",
  security: security.organizer,
  request: { params: CalendarParams, query: SendUpdatesQuerySchema, body: jsonBody(CreateCalendarEventSchema) },
  responses: {
    201: jsonResponse(CalendarEventSchema, "The event."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
    ...google,
  },
});
export type CreateRoute = typeof create;

export const update = createRoute({
  method: "patch",
  path: `${base}/{calendarEventId}`,
  operationId: "clients.events.update",
  tags,
  summary: "Update an event",
  description:
    "PATCH semantics. A series' id changes the whole series; an occurrence's id (`<seriesId>_<start>`, from `singleEvents=true`) only that occurrence.",
  security: security.organizer,
  request: { params: EventParams, query: SendUpdatesQuerySchema, body: jsonBody(UpdateCalendarEventSchema) },
  responses: {
    200: jsonResponse(CalendarEventSchema, "The event."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
    ...google,
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: `${base}/{calendarEventId}`,
  operationId: "clients.events.delete",
  tags,
  summary: "Delete an event",
  description: "A series' id deletes the series, an occurrence's id that occurrence.",
  security: security.organizer,
  request: { params: EventParams, query: SendUpdatesQuerySchema },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 409, 413, 503),
    ...google,
  },
});
export type RemoveRoute = typeof remove;
