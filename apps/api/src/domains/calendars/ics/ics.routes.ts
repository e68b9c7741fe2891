import { CalendarIdParam, ClientId, z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { pickProblems, problems, security } from "../../../lib/openapi.js";

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
