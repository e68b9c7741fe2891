import {
  CreateQuotaSchema,
  CreateTicketTypeSchema,
  QuotaListSchema,
  QuotaSchema,
  TicketTypeListQuerySchema,
  TicketTypeListSchema,
  TicketTypeSchema,
  UpdateQuotaSchema,
  UpdateTicketTypeSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Ticket types"];
const EventParams = pathIds({ eventId: "event" });
const TypeParams = pathIds({ eventId: "event", ticketTypeId: "ticketType" });
const QuotaParams = pathIds({ eventId: "event", quotaId: "quota" });

const createExample = {
  name: "General admission",
  description: "Standing, doors at 19:00.",
  price: 2500,
  currency: "EUR",
  quantity: 100,
  minPerOrder: 1,
  maxPerOrder: 6,
  salesStartAt: "2030-05-21T10:00:00.000Z",
  salesEndAt: "2030-07-02T19:00:00.000Z",
  sortOrder: 0,
} satisfies z.input<typeof CreateTicketTypeSchema>;

export const create = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/ticket-types",
  operationId: "events.ticketTypes.create",
  tags,
  summary: "Add a ticket type",
  description:
    "Organizers. The price is in minor units of the event's currency (another currency answers 422 `ticket_currency_mismatch`); 0 is free. A hidden type is sold only with its `accessCode`.",
  security: security.organizer,
  request: {
    params: EventParams,
    body: {
      ...jsonBody(CreateTicketTypeSchema),
      content: { "application/json": { schema: CreateTicketTypeSchema, example: createExample } },
    },
  },
  responses: {
    201: jsonResponse(TicketTypeSchema, "The new ticket type."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/ticket-types",
  operationId: "events.ticketTypes.list",
  tags,
  summary: "List an event's ticket types",
  description:
    "In sort order, each with its remaining stock and availability now. Organizers see every type and its access code; others the public types, plus the hidden ones `accessCode` unlocks.",
  security: security.any,
  request: { params: EventParams, query: TicketTypeListQuerySchema },
  responses: {
    200: jsonResponse(TicketTypeListSchema, "The ticket types."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const update = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/ticket-types/{ticketTypeId}",
  operationId: "events.ticketTypes.update",
  tags,
  summary: "Edit a ticket type",
  description:
    "Organizers. `null` clears a field; the currency is fixed. The quantity cannot go below what is held or sold (409 `event_has_sales`). Orders already placed keep their price.",
  security: security.organizer,
  request: { params: TypeParams, body: jsonBody(UpdateTicketTypeSchema) },
  responses: {
    200: jsonResponse(TicketTypeSchema, "The updated ticket type."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/ticket-types/{ticketTypeId}",
  operationId: "events.ticketTypes.delete",
  tags,
  summary: "Delete a ticket type",
  description: "Organizers, while no order ever held it (else 409 `event_has_sales`: hide it or end its sales instead).",
  security: security.organizer,
  request: { params: TypeParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 409),
  },
});
export type RemoveRoute = typeof remove;

export const createQuota = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/quotas",
  operationId: "events.quotas.create",
  tags,
  summary: "Share a number of tickets among ticket types",
  description:
    "Organizers. A quota is a number of places several ticket types draw on (a hall, early birds across types); a ticket takes one place in each quota of its type, besides its type's quantity and the event's capacity. It starts counting what its types already hold or sold (a smaller size answers 409 `event_has_sales`).",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(CreateQuotaSchema) },
  responses: {
    201: jsonResponse(QuotaSchema, "The new quota."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateQuotaRoute = typeof createQuota;

export const listQuotas = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/quotas",
  operationId: "events.quotas.list",
  tags,
  summary: "List an event's quotas",
  description: "Organizers: each quota's size, what is held or sold of it, and its ticket types.",
  security: security.organizer,
  request: { params: EventParams },
  responses: {
    200: jsonResponse(QuotaListSchema, "The quotas."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListQuotasRoute = typeof listQuotas;

export const updateQuota = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/quotas/{quotaId}",
  operationId: "events.quotas.update",
  tags,
  summary: "Rename, resize or re-assign a quota",
  description:
    "Organizers. The size cannot go below what its ticket types hold or sold (409 `event_has_sales`). `ticketTypeIds` replaces the ticket types that draw on it (of this event, else 422 `unknown_ticket_type`); it then counts what those types hold or sold, which must fit its size (409 `event_has_sales`).",
  security: security.organizer,
  request: { params: QuotaParams, body: jsonBody(UpdateQuotaSchema) },
  responses: {
    200: jsonResponse(QuotaSchema, "The updated quota."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type UpdateQuotaRoute = typeof updateQuota;

export const removeQuota = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/quotas/{quotaId}",
  operationId: "events.quotas.delete",
  tags,
  summary: "Delete a quota",
  description: "Organizers. Its ticket types no longer draw on it; tickets already held or sold stay as they are.",
  security: security.organizer,
  request: { params: QuotaParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 409),
  },
});
export type RemoveQuotaRoute = typeof removeQuota;
