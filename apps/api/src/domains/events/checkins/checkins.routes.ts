import {
  CheckinListListSchema,
  CheckinListQuerySchema,
  CheckinListSchema,
  CheckinPageSchema,
  CheckinRequestSchema,
  CheckinSchema,
  CreateCheckinListSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";
import { LINK_GONE } from "../guests/guests.routes.js";

const tags = ["Check-in"];
const EventParams = pathIds({ eventId: "event" });
const ListParams = pathIds({ listId: "checkinList" });
const CheckinParams = pathIds({ listId: "checkinList", checkinId: "checkin" });

export const createList = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/checkin-lists",
  operationId: "events.checkinLists.create",
  tags,
  summary: "Add a check-in list",
  description:
    "Owners and admins. A list admits the event's valid tickets of the types it names (every type when `ticketTypeIds` is left out); an event may have several (one per entrance, a VIP door). 422 `unknown_ticket_type`.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(CreateCheckinListSchema) },
  responses: {
    201: jsonResponse(CheckinListSchema, "The new list, with its counts."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type CreateListRoute = typeof createList;

export const listLists = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/checkin-lists",
  operationId: "events.checkinLists.list",
  tags,
  summary: "List an event's check-in lists",
  description: "Staff. Each with how many are checked in of how many tickets it admits.",
  security: security.organizer,
  request: { params: EventParams },
  responses: {
    200: jsonResponse(CheckinListListSchema, "The event's check-in lists."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListListsRoute = typeof listLists;

export const getList = createRoute({
  method: "get",
  path: "/v1/checkin-lists/{listId}",
  operationId: "checkinLists.get",
  tags,
  summary: "Retrieve a check-in list",
  description: "Staff. With how many are checked in of how many tickets it admits.",
  security: security.organizer,
  request: { params: ListParams },
  responses: {
    200: jsonResponse(CheckinListSchema, "The list."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetListRoute = typeof getList;

export const checkIn = createRoute({
  method: "post",
  path: "/v1/checkin-lists/{listId}/checkins",
  operationId: "checkinLists.checkins.create",
  tags,
  summary: "Check a ticket in",
  description:
    "Staff of any role, with the ticket's code as typed or scanned from its QR code. The first scan checks the ticket in; any later one (however many arrive at once) answers 409 `already_checked_in`, saying when and by whom. 404 `ticket_not_found`, 422 `ticket_not_on_list` (another event's ticket, or a type the list does not admit), 409 `ticket_void` (its order was refunded). The event's room hears `event.checkins_changed` with the list's new count (a count only).",
  security: security.organizer,
  request: { params: ListParams, body: jsonBody(CheckinRequestSchema) },
  responses: {
    201: jsonResponse(CheckinSchema, "The check-in."),
    // A guest's replaced link (410 `guest_link_revoked`).
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CheckInRoute = typeof checkIn;

export const listCheckins = createRoute({
  method: "get",
  path: "/v1/checkin-lists/{listId}/checkins",
  operationId: "checkinLists.checkins.list",
  tags,
  summary: "Who is in",
  description: "Staff. The list's live check-ins (undone ones left out), latest first; `q` searches names, emails and ticket codes.",
  security: security.organizer,
  request: { params: ListParams, query: CheckinListQuerySchema },
  responses: {
    200: jsonResponse(CheckinPageSchema, "A page of check-ins."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListCheckinsRoute = typeof listCheckins;

export const undo = createRoute({
  method: "post",
  path: "/v1/checkin-lists/{listId}/checkins/{checkinId}/undo",
  operationId: "checkinLists.checkins.undo",
  tags,
  summary: "Undo a check-in",
  description:
    "Staff of any role: the ticket may be checked in again; the undone check-in is kept with who undid it and when. Undoing twice answers 409 `checkin_undone`. The event's room hears `event.checkins_changed`.",
  security: security.organizer,
  request: { params: CheckinParams },
  responses: {
    200: jsonResponse(CheckinSchema, "The undone check-in."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type UndoRoute = typeof undo;
