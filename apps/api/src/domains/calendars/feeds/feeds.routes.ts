import {
  CalendarFeedListQuerySchema,
  CalendarFeedPageSchema,
  CalendarFeedSchema,
  CalendarFeedTokenSchema,
  CreateCalendarFeedSchema,
  ProblemSchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Calendars"];
const FeedParams = pathIds({ feedId: "calendarFeed" });
const gone = {
  description: "The feed URL was revoked, or replaced by a rotation (`calendar_feed_revoked`).",
  content: { "application/problem+json": { schema: ProblemSchema } },
} as const;

export const create = createRoute({
  method: "post",
  path: "/v1/calendar-feeds",
  operationId: "calendarFeeds.create",
  tags,
  summary: "Make a calendar feed URL",
  description:
    "A subscribe URL for calendar apps: an event's schedule (the event and its agenda sessions), a place's confirmed bookings, or a guest's event with the sessions they signed up for. The URL (with its secret token) is in this answer only: it is stored as a digest. Owners, admins and secret keys.",
  security: security.organizer,
  request: { body: jsonBody(CreateCalendarFeedSchema) },
  responses: {
    201: jsonResponse(CalendarFeedSchema, "The feed, with its `url`."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/calendar-feeds",
  operationId: "calendarFeeds.list",
  tags,
  summary: "List calendar feeds",
  description: "Newest first, optionally of one subject; active and revoked. URLs are not shown again (rotate to get a new one).",
  security: security.organizer,
  request: { query: CalendarFeedListQuerySchema },
  responses: {
    200: jsonResponse(CalendarFeedPageSchema, "A page of feeds."),
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const rotate = createRoute({
  method: "post",
  path: "/v1/calendar-feeds/{feedId}/rotate",
  operationId: "calendarFeeds.rotate",
  tags,
  summary: "Replace a feed's URL",
  description: "A new token: the answer has the new `url`; the old one answers 410 from now on. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: FeedParams },
  responses: {
    200: jsonResponse(CalendarFeedSchema, "The feed, with its new `url`."),
    ...pickProblems(400, 401, 403, 404, 409),
    410: gone,
  },
});
export type RotateRoute = typeof rotate;

export const revoke = createRoute({
  method: "delete",
  path: "/v1/calendar-feeds/{feedId}",
  operationId: "calendarFeeds.revoke",
  tags,
  summary: "Revoke a feed",
  description:
    "Its URL answers 410 from now on (the feed stays listed as revoked). Revoking it again changes nothing. Owners, admins and secret keys.",
  security: security.organizer,
  request: { params: FeedParams },
  responses: { 204: { description: "Revoked." }, ...pickProblems(400, 401, 403, 404) },
});
export type RevokeRoute = typeof revoke;

export const rotateByToken = createRoute({
  method: "post",
  path: "/v1/calendar-feeds/{feedId}/token/rotate",
  operationId: "calendarFeeds.token.rotate",
  tags,
  summary: "Replace your feed URL (holder of the URL)",
  description:
    "For whoever was given the URL (a guest): send its token to get a new URL; the old one answers 410. No other credential. A wrong token answers 404.",
  security: [],
  request: { params: FeedParams, body: jsonBody(CalendarFeedTokenSchema) },
  responses: {
    200: jsonResponse(CalendarFeedSchema, "The feed, with its new `url`."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
    410: gone,
  },
});
export type RotateByTokenRoute = typeof rotateByToken;

export const revokeByToken = createRoute({
  method: "post",
  path: "/v1/calendar-feeds/{feedId}/token/revoke",
  operationId: "calendarFeeds.token.revoke",
  tags,
  summary: "Revoke your feed URL (holder of the URL)",
  description: "For whoever was given the URL: send its token to end it; it answers 410 from then on. A wrong token answers 404.",
  security: [],
  request: { params: FeedParams, body: jsonBody(CalendarFeedTokenSchema) },
  responses: { 204: { description: "Revoked." }, ...pickProblems(400, 401, 403, 404, 413, 415), 410: gone },
});
export type RevokeByTokenRoute = typeof revokeByToken;

export const feed = createRoute({
  method: "get",
  path: "/v1/calendar-feeds/{feedId}/calendar.ics",
  operationId: "calendarFeeds.feed",
  tags,
  summary: "A calendar feed (subscribe URL)",
  description:
    "iCalendar (RFC 5545) for calendar apps that poll it, authorized by the `token` in its URL (not by headers). Times are in UTC with the subject's zone as X-WR-TIMEZONE; UIDs are stable and SEQUENCE rises with each change. Answers `ETag` and `Last-Modified`, and 304 to `If-None-Match` / `If-Modified-Since` when nothing changed. A missing or wrong token answers 404; a revoked or replaced one 410.",
  security: [],
  request: {
    params: FeedParams,
    query: z.object({
      token: z
        .string()
        .max(200)
        .optional()
        .openapi({ param: { name: "token", in: "query" }, description: "The token of the feed URL." }),
    }),
  },
  responses: {
    200: { description: "The calendar.", content: { "text/calendar": { schema: z.string() } } },
    304: { description: "Not modified since the app's copy (same ETag)." },
    ...pickProblems(400, 401, 403, 404),
    410: gone,
  },
});
export type FeedRoute = typeof feed;
