export { GkPlanMoney, type PlanJoinedDetail } from "./plan-money.js";
