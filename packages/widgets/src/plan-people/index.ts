export { GkPlanPeople, type PlanJoinedDetail } from "./plan-people.js";
