export {
  GkPlanBoard,
  type MessageSentDetail,
  type PlanJoinedDetail,
  type ProposalCreatedDetail,
  type VoteCastDetail,
} from "./plan-board.js";
