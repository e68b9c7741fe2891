import {
  CreateExpenseSchema,
  CreatePaymentSchema,
  ExpensePageSchema,
  ExpenseSchema,
  PageQuerySchema,
  PaymentPageSchema,
  PaymentSchema,
  PlanBalancesSchema,
  UpdatePaymentSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Plan costs"];
const PlanParams = pathIds({ planId: "plan" });
const ExpenseParams = pathIds({ planId: "plan", expenseId: "expense" });
const PaymentParams = pathIds({ planId: "plan", paymentId: "payment" });
const readers = "For the plan's participants and organization staff.";

export const createExpense = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/expenses",
  tags,
  summary: "Record an expense",
  description:
    "Any participant records what someone in the plan paid for others (the payer defaults to the caller; staff name them). The amount is in minor units of the plan's currency (422 `currency_mismatch`), split `equal` (among the listed participants, or everyone), by `shares`, by `exact` amounts that add up to it, or by `percent` adding up to 100 (else 422 `split_mismatch`); rounding never loses a cent. Everyone named must be in the plan (422 `unknown_participant`). Publishes `plan.expense_changed`.",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreateExpenseSchema) },
  responses: {
    201: jsonResponse(ExpenseSchema, "The expense with each participant's share."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateExpenseRoute = typeof createExpense;

export const listExpenses = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/expenses",
  tags,
  summary: "List a plan's expenses",
  description: `Newest first, each with its shares; deleted expenses are left out. ${readers}`,
  security: security.any,
  request: { params: PlanParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(ExpensePageSchema, "A page of expenses."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListExpensesRoute = typeof listExpenses;

export const deleteExpense = createRoute({
  method: "delete",
  path: "/v1/plans/{planId}/expenses/{expenseId}",
  tags,
  summary: "Delete an expense",
  description:
    "Who recorded it, who paid it, or an organizer. It stops counting in the balances. Publishes `plan.expense_changed` with `deleted: true`.",
  security: security.any,
  request: { params: ExpenseParams },
  responses: {
    204: { description: "Deleted." },
    ...pickProblems(400, 401, 403, 404, 413),
  },
});
export type DeleteExpenseRoute = typeof deleteExpense;

export const balances = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/balances",
  tags,
  summary: "Balances and settle-up",
  description: `What each participant paid, owes and is owed: expenses plus the costs of selected proposals that have a payer (split among those who committed to them, or everyone when nobody did), minus payments. \`net\` counts received payments, \`outstanding\` also pending ones; both add up to zero over the plan. \`transfers\` are the fewest payments that settle everyone. ${readers}`,
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(PlanBalancesSchema, "The balances and suggested transfers."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type BalancesRoute = typeof balances;

export const createPayment = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/payments",
  tags,
  summary: "Record a payment",
  description:
    "Money one participant gave another to settle up (`fromParticipantId` defaults to the caller). Recorded by the sender it is `pending` until the recipient confirms; recorded by the recipient, or by an organizer between two others, it is `received` at once. Publishes `plan.payment_changed`.",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(CreatePaymentSchema) },
  responses: {
    201: jsonResponse(PaymentSchema, "The payment."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreatePaymentRoute = typeof createPayment;

export const listPayments = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/payments",
  tags,
  summary: "List a plan's payments",
  description: `Newest first, in every status. ${readers}`,
  security: security.any,
  request: { params: PlanParams, query: PageQuerySchema },
  responses: {
    200: jsonResponse(PaymentPageSchema, "A page of payments."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListPaymentsRoute = typeof listPayments;

export const updatePayment = createRoute({
  method: "patch",
  path: "/v1/plans/{planId}/payments/{paymentId}",
  tags,
  summary: "Confirm or cancel a pending payment",
  description:
    "`received`: the recipient (or an organizer) confirms it. `cancelled`: the sender (or an organizer) withdraws it. Only a pending payment changes (409 `payment_not_pending`). Publishes `plan.payment_changed`.",
  security: security.any,
  request: { params: PaymentParams, body: jsonBody(UpdatePaymentSchema) },
  responses: {
    200: jsonResponse(PaymentSchema, "The payment."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdatePaymentRoute = typeof updatePayment;
