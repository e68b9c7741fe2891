export { GkPlanProposals, type PlanJoinedDetail, type ProposalCreatedDetail, type VoteCastDetail } from "./plan-proposals.js";
export { PLAN_PROPOSALS_STRINGS, type PlanProposalsStrings } from "./plan-proposals.strings.js";
