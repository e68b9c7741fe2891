export { GkPlanChat, type MessageSentDetail, type PlanJoinedDetail } from "./plan-chat.js";
