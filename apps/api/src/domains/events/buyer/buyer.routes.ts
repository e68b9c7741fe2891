import { BuyerAccessQuerySchema, OrderSchema, z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonResponse, pathIds, pickProblems } from "../../../lib/openapi.js";

const tags = ["Orders"];

export const order = createRoute({
  method: "get",
  path: "/v1/buyer/orders/{orderId}",
  operationId: "buyer.orders.get",
  tags,
  summary: "The buyer's own order",
  description:
    "No credential: authorized by the order's `buyerToken` (in the checkout's answer and the confirmation email's link). The order with its tickets, each with a `qrUrl`. A missing or wrong token answers 404.",
  security: [],
  request: { params: pathIds({ orderId: "order" }), query: BuyerAccessQuerySchema },
  responses: {
    200: jsonResponse(OrderSchema, "The order."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type OrderRoute = typeof order;

export const qr = createRoute({
  method: "get",
  path: "/v1/buyer/tickets/{ticketId}/qr",
  operationId: "buyer.tickets.qr",
  tags,
  summary: "A ticket's QR code",
  description:
    "An SVG QR code carrying the ticket's code, for the door's scanner (`POST /v1/checkin-lists/{listId}/checkins`). No credential: authorized by the order's `buyerToken`, so an email can show it; a missing or wrong token answers 404.",
  security: [],
  request: { params: pathIds({ ticketId: "ticket" }), query: BuyerAccessQuerySchema },
  responses: {
    200: { description: "The QR code.", content: { "image/svg+xml": { schema: z.string() } } },
    ...pickProblems(400, 401, 403, 404),
  },
});
export type QrRoute = typeof qr;
