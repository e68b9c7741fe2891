import type { AppRouteHandler } from "../../../lib/types.js";
import { planBalances } from "./balances.service.js";
import type {
  BalancesRoute,
  CreateExpenseRoute,
  CreatePaymentRoute,
  DeleteExpenseRoute,
  ListExpensesRoute,
  ListPaymentsRoute,
  UpdateExpenseRoute,
  UpdatePaymentRoute,
} from "./costs.routes.js";
import * as expenses from "./expenses.service.js";
import * as payments from "./payments.service.js";

export const createExpense: AppRouteHandler<CreateExpenseRoute> = async (c) =>
  c.json(await expenses.createExpense(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const listExpenses: AppRouteHandler<ListExpensesRoute> = async (c) =>
  c.json(await expenses.listExpenses(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const updateExpense: AppRouteHandler<UpdateExpenseRoute> = async (c) => {
  const { planId, expenseId } = c.req.valid("param");
  return c.json(await expenses.updateExpense(c.var.deps, c.var.caller, planId, expenseId, c.req.valid("json")), 200);
};

export const deleteExpense: AppRouteHandler<DeleteExpenseRoute> = async (c) => {
  const { planId, expenseId } = c.req.valid("param");
  await expenses.deleteExpense(c.var.deps, c.var.caller, planId, expenseId);
  return c.body(null, 204);
};

export const balances: AppRouteHandler<BalancesRoute> = async (c) =>
  c.json(await planBalances(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);

export const createPayment: AppRouteHandler<CreatePaymentRoute> = async (c) =>
  c.json(await payments.createPayment(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const listPayments: AppRouteHandler<ListPaymentsRoute> = async (c) =>
  c.json(await payments.listPayments(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const updatePayment: AppRouteHandler<UpdatePaymentRoute> = async (c) => {
  const { planId, paymentId } = c.req.valid("param");
  return c.json(await payments.updatePayment(c.var.deps, c.var.caller, planId, paymentId, c.req.valid("json")), 200);
};
