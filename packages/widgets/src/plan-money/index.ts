export { GkPlanMoney, type PlanJoinedDetail } from "./plan-money.js";
export { PLAN_MONEY_STRINGS, type PlanMoneyStrings } from "./plan-money.strings.js";
