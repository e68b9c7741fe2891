import { CalendarListSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pickProblems, problems, security } from "../../../lib/openapi.js";
import { ClientParams } from "../clients/clients.routes.js";

export const list = createRoute({
  method: "get",
  path: "/v1/clients/{clientId}/calendars",
  operationId: "clients.calendars.list",
  tags: ["Calendars"],
  summary: "The client's Google calendars",
  description:
    "Every calendar of the connected Google account with its access role (`owner` and `writer` can take events). Served from a short-lived server cache (CALENDAR_LIST_TTL_SECONDS, 60 s by default) that a new connection, a disconnection or an invalid connection drops at once; the `Age` header says how many seconds old the list is.",
  security: security.organizer,
  request: { params: ClientParams },
  responses: {
    200: jsonResponse(CalendarListSchema, "The calendars."),
    ...pickProblems(400, 401, 403, 404, 409, 503),
    502: problems[502],
  },
});
export type ListRoute = typeof list;
