import { CreateEventSchema, EventListQuerySchema, EventPageSchema, EventSchema, UpdateEventSchema, type z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Events"];
export const EventParams = pathIds({ eventId: "event" });

const createEventExample = {
  title: "Fado night",
  description: "Three voices, two guitars, one evening in Alfama.",
  venue: {
    name: "Clube de Fado",
    address: { line1: "Rua de São João da Praça 86", city: "Lisbon", postalCode: "1100-521", country: "PT" },
    lat: 38.7103,
    lng: -9.1306,
  },
  timeZone: "Europe/Lisbon",
  startsAt: "2030-07-02T19:30:00.000Z",
  endsAt: "2030-07-02T22:30:00.000Z",
  capacity: 120,
  currency: "EUR",
  categories: ["live-music"],
  imageUrls: ["https://example.com/fado.jpg"],
  contact: { name: "Ana Moura", email: "tickets@example.com" },
  holdMinutes: 10,
} satisfies z.input<typeof CreateEventSchema>;

export const eventExample = {
  id: "evt_7f3k9q2m8x1v4w6n0p5r",
  status: "published",
  availability: "on_sale",
  title: createEventExample.title,
  description: createEventExample.description,
  venue: {
    name: "Clube de Fado",
    address: { line1: "Rua de São João da Praça 86", line2: null, city: "Lisbon", region: null, postalCode: "1100-521", country: "PT" },
    lat: 38.7103,
    lng: -9.1306,
  },
  timeZone: "Europe/Lisbon",
  startsAt: createEventExample.startsAt,
  endsAt: createEventExample.endsAt,
  capacity: 120,
  remaining: 87,
  currency: "EUR",
  categories: ["live-music"],
  imageUrls: ["https://example.com/fado.jpg"],
  contact: { name: "Ana Moura", email: "tickets@example.com" },
  holdMinutes: 10,
  createdAt: "2030-05-20T09:12:44.318Z",
  updatedAt: "2030-05-21T10:00:00.000Z",
  publishedAt: "2030-05-21T10:00:00.000Z",
  cancelledAt: null,
} satisfies z.infer<typeof EventSchema>;

const who =
  "Organization staff (organizer session, secret key) see every event of the organization; a publishable key or a participant token sees published events only (others answer 404).";

export const create = createRoute({
  method: "post",
  path: "/v1/events",
  operationId: "events.create",
  tags,
  summary: "Create an event",
  description: "Organizers. The event starts as a `draft`, visible to organizers only until it is published.",
  security: security.organizer,
  request: {
    body: { ...jsonBody(CreateEventSchema), content: { "application/json": { schema: CreateEventSchema, example: createEventExample } } },
  },
  responses: {
    201: {
      description: "The new event.",
      content: {
        "application/json": {
          schema: EventSchema,
          example: { ...eventExample, status: "draft", availability: "not_yet_on_sale", publishedAt: null },
        },
      },
    },
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "events.list",
  tags,
  summary: "List and search events",
  description: `Newest first, filtered by text, category and date range. ${who}`,
  security: security.any,
  request: { query: EventListQuerySchema },
  responses: {
    200: {
      description: "A page of events.",
      content: { "application/json": { schema: EventPageSchema, example: { data: [eventExample], nextCursor: null } } },
    },
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/events/{eventId}",
  operationId: "events.get",
  tags,
  summary: "Retrieve an event",
  description: `With its availability and remaining stock now. ${who}`,
  security: security.any,
  request: { params: EventParams },
  responses: {
    200: { description: "The event.", content: { "application/json": { schema: EventSchema, example: eventExample } } },
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}",
  operationId: "events.update",
  tags,
  summary: "Edit an event",
  description:
    "Organizers, unless the event is cancelled (409 `invalid_event_transition`). `null` clears a field; the currency is fixed. The capacity cannot go below the tickets held or sold (409 `event_has_sales`).",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(UpdateEventSchema) },
  responses: {
    200: jsonResponse(EventSchema, "The updated event."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateRoute = typeof update;

const transition = (action: "publish" | "unpublish" | "cancel", summary: string, description: string) =>
  createRoute({
    method: "post",
    path: `/v1/events/{eventId}/${action}`,
    operationId: `events.${action}`,
    tags,
    summary,
    description: `Organizers. ${description} Any other status answers 409 \`invalid_event_transition\`. The event's room hears \`event.status_changed\`.`,
    security: security.organizer,
    request: { params: EventParams },
    responses: {
      200: jsonResponse(EventSchema, "The event in its new status."),
      ...pickProblems(400, 401, 403, 404, 409, 413, 422),
    },
  });

export const publish = transition(
  "publish",
  "Publish an event",
  "draft or unpublished → published: public, and on sale within its ticket types' windows.",
);
export type PublishRoute = typeof publish;
export const unpublish = transition(
  "unpublish",
  "Unpublish an event",
  "published → unpublished: hidden from the public again; orders already placed stay.",
);
export type UnpublishRoute = typeof unpublish;
export const cancel = transition(
  "cancel",
  "Cancel an event",
  "draft, published or unpublished → cancelled, for good: nothing more is sold. In the background (retried until done) every pending hold is cancelled, every paid order's tickets are voided and its buyer emailed, and every paid order is refunded what is left of it through the payments provider (each refund listed on its order with `reason: event_cancelled`).",
);
export type CancelRoute = typeof cancel;
