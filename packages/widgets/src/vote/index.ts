export { GkVote, type PlanJoinedDetail, type VoteCastDetail } from "./vote.js";
