import { CalendarJobPageSchema, CalendarJobSchema, CreateCalendarJobSchema, PageQuerySchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";
import { ClientParams } from "../clients/clients.routes.js";

const tags = ["Calendars"];

export const create = createRoute({
  method: "post",
  path: "/v1/clients/{clientId}/jobs",
  operationId: "clients.jobs.create",
  tags,
  summary: "Start a bulk job",
  description:
    "Runs in the background, a chunk at a time, and survives a restart: `resync` runs every sync rule of the client again; `create_events` and `delete_events` create or delete up to 500 events across the client's calendars (attendees are not emailed). Read its progress with the job's URL. A row Google refuses fails alone, with its reason in `failures`. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: ClientParams, body: jsonBody(CreateCalendarJobSchema) },
  responses: {
    202: jsonResponse(CalendarJobSchema, "The job, queued."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/jobs",
  operationId: "clients.jobs.list",
  tags,
  summary: "List a client's bulk jobs",
  description: "Newest first.",
  security: security.organizer,
  request: { params: ClientParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(CalendarJobPageSchema, "A page of jobs."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/jobs/{jobId}",
  operationId: "clients.jobs.get",
  tags,
  summary: "A bulk job and its progress",
  security: security.organizer,
  request: { params: pathIds({ clientId: "client", jobId: "calendarJob" }) },
  responses: {
    200: jsonResponse(CalendarJobSchema, "The job: status, processed of total, failed rows with reasons."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;
