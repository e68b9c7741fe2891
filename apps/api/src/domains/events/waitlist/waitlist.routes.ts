import {
  JoinedWaitlistEntrySchema,
  JoinWaitlistSchema,
  LeaveWaitlistSchema,
  WaitlistEntrySchema,
  WaitlistPageSchema,
  WaitlistQuerySchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Orders"];

export const join = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/ticket-types/{ticketTypeId}/waitlist",
  operationId: "events.ticketTypes.waitlist.join",
  tags,
  summary: "Join a sold-out ticket type's waiting list",
  description:
    "For a page's publishable key, a participant token or organizers. Tickets that come back (a hold that runs out, a cancelled or refunded order) are offered to the oldest entry they fit: a hold in its name, emailed with its payment link, for the event's `holdMinutes`; unpaid, it passes to the next entry. While anyone waits, the type is sold to no one else. 409 `waitlist_not_needed` (it is on sale), 409 `waitlist_entry_exists` (this email already waits), 409 `event_not_on_sale`, 422 `unknown_ticket_type`, 422 `order_quantity_out_of_range`.",
  security: security.any,
  request: { params: pathIds({ eventId: "event", ticketTypeId: "ticketType" }), body: jsonBody(JoinWaitlistSchema) },
  responses: {
    201: jsonResponse(JoinedWaitlistEntrySchema, "The entry (already `offered` if tickets were free), with the entrant's `leaveToken`."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type JoinRoute = typeof join;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/waitlist",
  operationId: "events.waitlist.list",
  tags,
  summary: "List an event's waiting list",
  description: "Organizers. Newest first, optionally one `status`; offers whose holds ended are settled (claimed or expired) first.",
  security: security.organizer,
  request: { params: pathIds({ eventId: "event" }), query: WaitlistQuerySchema },
  responses: {
    200: jsonResponse(WaitlistPageSchema, "A page of entries."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const leave = createRoute({
  method: "post",
  path: "/v1/waitlist-entries/{entryId}/leave",
  operationId: "waitlist.leave",
  tags,
  summary: "Leave the waiting list (or remove an entry)",
  description:
    "The entrant, with `token`: the `leaveToken` from joining, or the `token` of the order link in their offer email (no other credential needed); or an owner or admin, without one. Idempotent: leaving again answers the `left` entry. An entry that was `offered` has its hold cancelled and the tickets go to the next entry. 409 `waitlist_entry_claimed` (the offer was paid: refund it instead); a wrong token, or another organization's entry, is 404.",
  security: [...security.organizer, {}],
  request: { params: pathIds({ entryId: "waitlistEntry" }), body: jsonBody(LeaveWaitlistSchema) },
  responses: {
    200: jsonResponse(WaitlistEntrySchema, "The entry, `left`."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type LeaveRoute = typeof leave;
