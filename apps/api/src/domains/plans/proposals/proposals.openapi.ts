import { pathIds } from "../../../lib/openapi.js";

/**
 * What the routes about proposals share in the spec: their tag, path parameters, paths and the
 * wording of who may call them. Votes, commitments and finalizing live in their own slices and
 * document themselves with these too, so the reference shows them as one group.
 */
export const tags = ["Plan proposals"];
export const PlanParams = pathIds({ planId: "plan" });
export const ProposalParams = pathIds({ planId: "plan", proposalId: "proposal" });
/** The plan's path, `/v1/plans/{planId}`. */
export const base = `/v1/plans/{planId}`;
/** One proposal's path, `/v1/plans/{planId}/proposals/{proposalId}`. */
export const one = `${base}/proposals/{proposalId}`;

export const readers = "Readers of the plan: its participants (participant token) and organization staff.";
export const asParticipant =
  "As a participant of the plan (participant token); organization staff join the plan and act through a participant token.";
