import { CalendarIdParam, CalendarJobSchema, ClientId, IcsImportPreviewSchema, ImportIcsSchema, z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, problems, security } from "../../../lib/openapi.js";

const Instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time such as 2030-07-01T09:00:00Z" });

export const exportIcs = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/calendars/{calendarId}/events.ics",
  operationId: "clients.events.export",
  tags: ["Calendars"],
  summary: "Export a calendar as .ics",
  description:
    "iCalendar (RFC 5545) of the calendar's events (recurring ones as one event with its RRULE), at most 2,500, optionally within `timeMin`–`timeMax`. Each event's UID is Google's iCalUID. Organizers and secret keys.",
  security: security.organizer,
  request: {
    params: z.object({ clientId: ClientId.openapi({ param: { name: "clientId", in: "path" } }), calendarId: CalendarIdParam }),
    query: z.object({
      timeMin: Instant.optional().openapi({ param: { name: "timeMin", in: "query" } }),
      timeMax: Instant.optional().openapi({ param: { name: "timeMax", in: "query" } }),
    }),
  },
  responses: {
    200: { description: "The calendar.", content: { "text/calendar": { schema: z.string() } } },
    ...pickProblems(400, 401, 403, 404, 409, 503),
    502: problems[502],
  },
});
export type ExportRoute = typeof exportIcs;

export const importIcs = createRoute({
  method: "post",
  path: "/v1/clients/{clientId}/calendars/{calendarId}/events.ics",
  operationId: "clients.events.import",
  tags: ["Calendars"],
  summary: "Import an .ics into a calendar",
  description:
    "Starts a bulk job that writes the file's events (RFC 5545: Google, Outlook and Apple exports) to the calendar; read its progress with the job's URL. Each VEVENT's UID becomes the same Google event, so importing the same file again updates the events rather than duplicating them. Series stay series (RRULE/EXDATE/RDATE, checked with rrule); times keep their zone (IANA, Outlook's Windows names, or the file's VTIMEZONE); a floating time is in the client's zone; all-day stays all-day. Attendees are not imported (no one is emailed); cancelled events are skipped; an edited occurrence (RECURRENCE-ID) fails its row. A malformed file answers 400 `ics_invalid` naming the line, with nothing queued; at most 1 MB and 500 events. Owners, admins and secret keys.",
  security: security.organizer,
  request: {
    params: z.object({ clientId: ClientId.openapi({ param: { name: "clientId", in: "path" } }), calendarId: CalendarIdParam }),
    body: jsonBody(ImportIcsSchema),
  },
  responses: {
    202: jsonResponse(CalendarJobSchema, "The import job, queued."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type ImportRoute = typeof importIcs;

export const previewImport = createRoute({
  method: "post",
  path: "/v1/clients/{clientId}/calendars/{calendarId}/events.ics/preview",
  operationId: "clients.events.importPreview",
  tags: ["Calendars"],
  summary: "Preview an .ics import",
  description:
    "Reads the file exactly as the import does and answers what the import job would do: each row (one per UID) with its title and start, or why it would fail. Nothing is written or queued; a malformed file answers 400 `ics_invalid` naming the line, as the import would. Owners, admins and secret keys.",
  security: security.organizer,
  request: {
    params: z.object({ clientId: ClientId.openapi({ param: { name: "clientId", in: "path" } }), calendarId: CalendarIdParam }),
    body: jsonBody(ImportIcsSchema),
  },
  responses: {
    200: jsonResponse(IcsImportPreviewSchema, "What the import would do."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type PreviewImportRoute = typeof previewImport;
