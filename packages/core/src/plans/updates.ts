import { DomainError } from "../errors.js";
import { type Plan, type PlanLocation, planFieldIssues, type UpdatePlan } from "./schemas/plans.js";
import { type Proposal, timeWindowIssues, type UpdateProposal } from "./schemas/proposals.js";
import { assertCurrency } from "./split.js";

/** A plan's editable fields. */
export type PlanSettings = Pick<
  Plan,
  | "title"
  | "description"
  | "location"
  | "startDate"
  | "endDate"
  | "timeZone"
  | "votingDeadline"
  | "hideVotesUntilDeadline"
  | "oneYesPerParticipant"
  | "notifyParticipants"
>;

function invalid(issues: { path: string; message: string }[]): never {
  throw new DomainError(400, "validation_failed", issues.map((i) => `body.${i.path}: ${i.message}`).join("; "));
}

function location(l: UpdatePlan["location"]): PlanLocation | null | undefined {
  return l == null ? l : { name: l.name, lat: l.lat ?? null, lng: l.lng ?? null };
}

/**
 * `current` with `update` applied (`null` clears, absent keeps), checked as a whole: 400
 * `validation_failed` when the merged dates or voting options do not fit together, 409
 * `voting_options_locked` when turning on "one yes per participant" after votes were cast
 * (some may already hold several).
 */
export function applyPlanUpdate(current: PlanSettings, update: UpdatePlan, ctx: { hasVotes: boolean }): PlanSettings {
  const merged: PlanSettings = { ...current };
  for (const key of Object.keys(update) as (keyof UpdatePlan)[]) {
    if (update[key] === undefined) continue;
    (merged as Record<string, unknown>)[key] = key === "location" ? location(update.location) : update[key];
  }
  const issues = planFieldIssues(merged);
  if (issues.length > 0) invalid(issues);
  if (ctx.hasVotes && merged.oneYesPerParticipant && !current.oneYesPerParticipant) {
    throw new DomainError(409, "voting_options_locked", "Votes were already cast: “one yes per participant” can no longer be turned on.");
  }
  return merged;
}

export type ProposalSettings = Pick<
  Proposal,
  "title" | "description" | "url" | "startsAt" | "endsAt" | "cost" | "capacity" | "paidByParticipantId"
>;

/**
 * `current` with `update` applied, checked as a whole: 400 `validation_failed` for a time
 * window that ends before it starts, 422 `currency_mismatch` for a cost in another currency
 * than the plan's, 409 `proposal_full` for a capacity below the commitments already taken.
 */
export function applyProposalUpdate(
  current: ProposalSettings,
  update: UpdateProposal,
  ctx: { planCurrency: string; takenCount: number },
): ProposalSettings {
  const merged: ProposalSettings = { ...current };
  for (const key of Object.keys(update) as (keyof UpdateProposal)[]) {
    if (update[key] !== undefined) (merged as Record<string, unknown>)[key] = update[key];
  }
  const issues = timeWindowIssues(merged.startsAt, merged.endsAt);
  if (issues.length > 0) invalid(issues);
  if (merged.cost) assertCurrency(ctx.planCurrency, merged.cost.currency, "The proposal's cost");
  if (merged.capacity !== null && merged.capacity < ctx.takenCount) {
    throw new DomainError(409, "proposal_full", `${ctx.takenCount} participants already committed: the capacity cannot go below that.`);
  }
  return merged;
}
