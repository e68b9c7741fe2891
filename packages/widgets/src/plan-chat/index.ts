export { GkPlanChat, type MessageSentDetail, type PlanJoinedDetail } from "./plan-chat.js";
export { PLAN_CHAT_STRINGS, type PlanChatStrings } from "./plan-chat.strings.js";
