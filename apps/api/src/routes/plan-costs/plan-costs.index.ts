import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./plan-costs.handlers.js";
import * as routes from "./plan-costs.routes.js";

export const planCosts = createRouter()
  .openapi(routes.createExpense, handlers.createExpense)
  .openapi(routes.listExpenses, handlers.listExpenses)
  .openapi(routes.deleteExpense, handlers.deleteExpense)
  .openapi(routes.balances, handlers.balances)
  .openapi(routes.createPayment, handlers.createPayment)
  .openapi(routes.listPayments, handlers.listPayments)
  .openapi(routes.updatePayment, handlers.updatePayment);
