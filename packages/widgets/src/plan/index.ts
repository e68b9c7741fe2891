export { GkPlan, type PlanJoinedDetail } from "./plan.js";
