import { CreateRefundSchema, RefundListSchema, RefundSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Orders"];
const OrderParams = pathIds({ orderId: "order" });

export const create = createRoute({
  method: "post",
  path: "/v1/orders/{orderId}/refunds",
  operationId: "orders.refunds.create",
  tags,
  summary: "Refund an order",
  description:
    "Owners and admins. Gives back `amount` (all that is left when left out) through the payments provider. The order's `amountRefunded` and status follow the provider's `charge.refunded` event: `partially_refunded`, or `refunded` once all is given back — its tickets then void and back on sale. Never more than was paid, however many refunds run at once: 409 `refund_exceeds_paid`. 409 `order_not_refundable` (not paid, or free); 503 `payment_provider_error` (nothing refunded).",
  security: security.organizer,
  request: { params: OrderParams, body: jsonBody(CreateRefundSchema) },
  responses: {
    201: jsonResponse(RefundSchema, "The refund, as the provider answered."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/orders/{orderId}/refunds",
  operationId: "orders.refunds.list",
  tags,
  summary: "List an order's refunds",
  description: "Organizers. Oldest first.",
  security: security.organizer,
  request: { params: OrderParams },
  responses: {
    200: jsonResponse(RefundListSchema, "The order's refunds."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;
