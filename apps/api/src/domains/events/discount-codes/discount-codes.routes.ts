import {
  CreateDiscountCodeSchema,
  DiscountCodeListQuerySchema,
  DiscountCodePageSchema,
  DiscountCodeSchema,
  UpdateDiscountCodeSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Discount codes"];
const EventParams = pathIds({ eventId: "event" });
const CodeParams = pathIds({ eventId: "event", discountCodeId: "discountCode" });

const createExample = {
  code: "EARLYBIRD",
  kind: "percent",
  value: 20,
  maxUses: 100,
  validUntil: "2030-06-01T00:00:00.000Z",
} satisfies z.input<typeof CreateDiscountCodeSchema>;

export const create = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/discount-codes",
  operationId: "events.discountCodes.create",
  tags,
  summary: "Add a discount code",
  description:
    "Owners and admins. Percent off, or a fixed amount off each ticket, of the types listed (every type when left out), at most `maxUses` orders, within `validFrom`–`validUntil`. Buyers give it as `discountCode` at checkout; its uses are taken by the hold's own write, like stock, and given back when a hold ends unpaid. 409 `discount_code_exists`, 422 `unknown_ticket_type`.",
  security: security.organizer,
  request: {
    params: EventParams,
    body: {
      ...jsonBody(CreateDiscountCodeSchema),
      content: { "application/json": { schema: CreateDiscountCodeSchema, example: createExample } },
    },
  },
  responses: {
    201: jsonResponse(DiscountCodeSchema, "The new discount code."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/discount-codes",
  operationId: "events.discountCodes.list",
  tags,
  summary: "List an event's discount codes",
  description: "Organizers, with each code's uses. Newest first, a page at a time.",
  security: security.organizer,
  request: { params: EventParams, query: DiscountCodeListQuerySchema },
  responses: {
    200: jsonResponse(DiscountCodePageSchema, "A page of the event's discount codes."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const update = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/discount-codes/{discountCodeId}",
  operationId: "events.discountCodes.update",
  tags,
  summary: "Deactivate or reactivate a discount code",
  description:
    "Owners and admins. `active: false`: checkouts refuse the code (422 `discount_code_inactive`), decided by the hold's own write, so no checkout that starts after the answer takes it; holds and orders that already have it keep their discount, and its uses stay counted.",
  security: security.organizer,
  request: { params: CodeParams, body: jsonBody(UpdateDiscountCodeSchema) },
  responses: {
    200: jsonResponse(DiscountCodeSchema, "The discount code."),
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/discount-codes/{discountCodeId}",
  operationId: "events.discountCodes.delete",
  tags,
  summary: "Delete a discount code no order has used",
  description:
    "Owners and admins. Only while no hold or order has it (`used` is 0, checked by the delete itself, so a checkout taking it at the same moment wins or loses whole): otherwise 409 `discount_code_used` (deactivate it instead).",
  security: security.organizer,
  request: { params: CodeParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 409),
  },
});
export type RemoveRoute = typeof remove;
