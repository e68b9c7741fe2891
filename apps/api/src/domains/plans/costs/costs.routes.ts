import {
  CreateExpenseSchema,
  CreatePaymentSchema,
  ExpensePageSchema,
  ExpenseSchema,
  PageQuerySchema,
  PaymentPageSchema,
  PaymentSchema,
  PlanBalancesSchema,
  UpdateExpenseSchema,
  UpdatePaymentSchema,
  type z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Plan costs"];
const PlanParams = pathIds({ planId: "plan" });
const ExpenseParams = pathIds({ planId: "plan", expenseId: "expense" });
const PaymentParams = pathIds({ planId: "plan", paymentId: "payment" });
const readers = "For the plan's participants and organization staff.";

// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const createExpenseExample = {
  description: "Taxi from the airport",
  amount: 3600,
  currency: "EUR",
  split: { mode: "equal", participantIds: ["ptc_2a8d4f6h1j3k5m7n9p0q", "ptc_9g7r5c3e1b8d6f4h2j0k", "ptc_4c6e8g0j2l4n6q8s0u2w"] },
  occurredAt: "2030-07-01T10:20:00.000Z",
} satisfies z.input<typeof CreateExpenseSchema>;
const expenseExample = {
  id: "exp_8w6u4s2q0n8l6j4g2e0c",
  planId: "plan_7f3k9q2m8x1v4w6n0p5r",
  ...createExpenseExample,
  paidByParticipantId: "ptc_2a8d4f6h1j3k5m7n9p0q",
  proposalId: null,
  shares: [
    { participantId: "ptc_2a8d4f6h1j3k5m7n9p0q", amount: 1200 },
    { participantId: "ptc_9g7r5c3e1b8d6f4h2j0k", amount: 1200 },
    { participantId: "ptc_4c6e8g0j2l4n6q8s0u2w", amount: 1200 },
  ],
  recordedByParticipantId: "ptc_2a8d4f6h1j3k5m7n9p0q",
  createdAt: "2030-07-01T10:24:51.037Z",
} satisfies z.infer<typeof ExpenseSchema>;

export const createExpense = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/expenses",
  operationId: "plans.expenses.create",
  tags,
  summary: "Record an expense",
  description:
    "Any participant records what someone in the plan paid for others (the payer defaults to the caller; staff name them). The amount is in minor units of the plan's currency (422 `currency_mismatch`), split `equal` (among the listed participants, or everyone), by `shares`, by `exact` amounts that add up to it, or by `percent` adding up to 100 (else 422 `split_mismatch`); rounding never loses a cent. Everyone named must be in the plan (422 `unknown_participant`). Publishes `plan.expense_changed`.",
  security: security.any,
  request: {
    params: PlanParams,
    body: {
      ...jsonBody(CreateExpenseSchema),
      content: { "application/json": { schema: CreateExpenseSchema, example: createExpenseExample } },
    },
  },
  responses: {
    201: {
      description: "The expense with each participant's share.",
      content: { "application/json": { schema: ExpenseSchema, example: expenseExample } },
    },
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateExpenseRoute = typeof createExpense;

export const listExpenses = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/expenses",
  operationId: "plans.expenses.list",
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

export const updateExpense = createRoute({
  method: "patch",
  path: "/v1/plans/{planId}/expenses/{expenseId}",
  operationId: "plans.expenses.update",
  tags,
  summary: "Edit an expense",
  description:
    "Who recorded it, who paid it, or an organizer, while the plan takes expenses. Only the fields given change, with the rules of a new expense: `amount` comes with `currency` (the plan's, else 422 `currency_mismatch`), a split must add up (422 `split_mismatch`), everyone newly named must be in the plan (422 `unknown_participant`). The shares are worked out again when the amount or the split changes. A deleted expense answers 404. Publishes `plan.expense_changed`.",
  security: security.any,
  request: {
    params: ExpenseParams,
    body: {
      ...jsonBody(UpdateExpenseSchema),
      content: {
        "application/json": {
          schema: UpdateExpenseSchema,
          example: { description: "Taxi from the airport (with tip)", amount: 4200, currency: "EUR" },
        },
      },
    },
  },
  responses: {
    200: jsonResponse(ExpenseSchema, "The expense as it is now, with each participant's share."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type UpdateExpenseRoute = typeof updateExpense;

export const deleteExpense = createRoute({
  method: "delete",
  path: "/v1/plans/{planId}/expenses/{expenseId}",
  operationId: "plans.expenses.delete",
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
  operationId: "plans.balances.get",
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
  operationId: "plans.payments.create",
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
  operationId: "plans.payments.list",
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
  operationId: "plans.payments.update",
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
