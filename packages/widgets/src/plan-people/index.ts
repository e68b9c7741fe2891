export { GkPlanPeople, type PlanJoinedDetail } from "./plan-people.js";
export { PLAN_PEOPLE_STRINGS, type PlanPeopleStrings } from "./plan-people.strings.js";
