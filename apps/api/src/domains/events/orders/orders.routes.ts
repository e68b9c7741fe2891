import { CreateOrderSchema, OrderListQuerySchema, OrderPageSchema, OrderSchema, type z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Orders"];
const EventParams = pathIds({ eventId: "event" });
const OrderParams = pathIds({ orderId: "order" });

const createExample = {
  buyer: { name: "Grace Hopper", email: "grace@example.com" },
  lines: [{ ticketTypeId: "tt_4m8x1v4w6n0p5r7f3k9q", quantity: 2 }],
} satisfies z.input<typeof CreateOrderSchema>;

const orderExample = {
  id: "ord_9q2m8x1v4w6n0p5r7f3k",
  eventId: "evt_7f3k9q2m8x1v4w6n0p5r",
  status: "pending",
  buyer: { name: "Grace Hopper", email: "grace@example.com" },
  lines: [{ ticketTypeId: "tt_4m8x1v4w6n0p5r7f3k9q", quantity: 2, unitPrice: 2500 }],
  quantity: 2,
  total: 5000,
  currency: "EUR",
  confirmationCode: "K7QX-9MDA",
  expiresAt: "2030-06-01T12:10:00.000Z",
  createdAt: "2030-06-01T12:00:00.000Z",
  updatedAt: "2030-06-01T12:00:00.000Z",
  paidAt: null,
  cancelledAt: null,
  payment: {
    provider: "stripe",
    paymentIntentId: "pi_3Pq2m8x1v4w6n0p5",
    mode: "payment_element",
    clientSecret: "pi_3Pq2m8x1v4w6n0p5_secret_9x2q7fctrh",
    checkoutUrl: null,
    publishableKey: "pk_test_51Pq2m8x1v4w6n0p5",
    stripeAccount: null,
  },
  tickets: [],
  discount: null,
  amountRefunded: 0,
  buyerToken: "Xq2m8x1v4w6n0p5r7f3k9q2m8x1v4w6n0p5r7f3k9qA",
} satisfies z.infer<typeof OrderSchema>;

export const create = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/orders",
  operationId: "events.orders.create",
  tags,
  summary: "Start a checkout",
  description:
    "Holds the tickets until `expiresAt` (the event's `holdMinutes`) and opens a payment with the payments provider: `payment.clientSecret` for Stripe's Payment Element, or `payment.checkoutUrl` for the local provider's page (only in this answer). The order becomes `paid`, with its tickets, when the provider's webhook says so; a hold that runs out returns its tickets to sale. A free order is confirmed at once (`paid`, tickets issued). If the provider cannot be reached: 503 `payment_provider_error`, nothing held. Never sells more than the event's capacity, a type's quantity or a quota allows, however many buyers check out at once: 409 `sold_out` when there is not enough left. Other refusals: 409 `event_not_on_sale`, 409 `ticket_type_not_on_sale` (outside its sales window), 422 `unknown_ticket_type`, 422 `order_quantity_out_of_range` (min/max per order), 403 `access_code_required` (a hidden type without its code). For a page's publishable key, a participant token or organizers.",
  security: security.any,
  request: {
    params: EventParams,
    body: { ...jsonBody(CreateOrderSchema), content: { "application/json": { schema: CreateOrderSchema, example: createExample } } },
  },
  responses: {
    201: {
      description: "The order, holding its tickets (or paid, if free).",
      content: { "application/json": { schema: OrderSchema, example: orderExample } },
    },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/orders",
  operationId: "events.orders.list",
  tags,
  summary: "List an event's orders",
  description: "Organizers. Newest first; holds that ran out are released (and shown `expired`) first.",
  security: security.organizer,
  request: { params: EventParams, query: OrderListQuerySchema },
  responses: {
    200: jsonResponse(OrderPageSchema, "A page of orders."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/orders/{orderId}",
  operationId: "orders.get",
  tags,
  summary: "Retrieve an order",
  description: "Organizers.",
  security: security.organizer,
  request: { params: OrderParams },
  responses: {
    200: jsonResponse(OrderSchema, "The order."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const cancel = createRoute({
  method: "post",
  path: "/v1/orders/{orderId}/cancel",
  operationId: "orders.cancel",
  tags,
  summary: "Cancel a pending order",
  description: "Organizers: ends a pending order's hold and returns its tickets to sale. Any other status answers 409 `order_not_pending`.",
  security: security.organizer,
  request: { params: OrderParams },
  responses: {
    200: jsonResponse(OrderSchema, "The cancelled order."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CancelRoute = typeof cancel;
