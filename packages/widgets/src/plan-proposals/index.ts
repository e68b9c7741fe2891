export { GkPlanProposals, type PlanJoinedDetail, type ProposalCreatedDetail, type VoteCastDetail } from "./plan-proposals.js";
