import { DomainError } from "../errors.js";
import { type Instant, toMillis } from "../time.js";
import type { PaymentStatus } from "./schemas/costs.js";
import type { PlanStatus } from "./schemas/plans.js";
import type { ProposalStatus } from "./schemas/proposals.js";

// ---- plan status ----------------------------------------------------------------------------

export const PLAN_TRANSITION_ACTIONS = ["finalize", "complete", "cancel"] as const;
export type PlanTransitionAction = (typeof PLAN_TRANSITION_ACTIONS)[number];

const PLAN_TRANSITIONS: Record<PlanStatus, Partial<Record<PlanTransitionAction, PlanStatus>>> = {
  planning: { finalize: "finalized", cancel: "cancelled" },
  finalized: { complete: "completed", cancel: "cancelled" },
  completed: {},
  cancelled: {},
};

/** The status `action` leads to from `from`, or null when the move is illegal. */
export function nextPlanStatus(from: PlanStatus, action: PlanTransitionAction): PlanStatus | null {
  return PLAN_TRANSITIONS[from][action] ?? null;
}

/**
 * The plan lifecycle: planning → finalized → completed, and planning or finalized → cancelled.
 * Returns the new status or throws 409 `invalid_plan_transition`.
 */
export function planTransition(from: PlanStatus, action: PlanTransitionAction): PlanStatus {
  const to = nextPlanStatus(from, action);
  if (to === null) {
    const allowed = transitionSources(action);
    throw new DomainError(
      409,
      "invalid_plan_transition",
      `Cannot ${action} a plan that is ${from}; only a plan that is ${allowed.join(" or ")} can be ${PAST[action]}.`,
    );
  }
  return to;
}

const PAST: Record<PlanTransitionAction, string> = { finalize: "finalized", complete: "completed", cancel: "cancelled" };

/**
 * The statuses `action` may start from: for the conditional write
 * `UPDATE plans SET status = … WHERE id = ? AND status IN (…) RETURNING *`, which makes two
 * concurrent transitions safe (the loser matches no row and re-reads to report why).
 */
export function transitionSources(action: PlanTransitionAction): PlanStatus[] {
  return (Object.keys(PLAN_TRANSITIONS) as PlanStatus[]).filter((s) => PLAN_TRANSITIONS[s][action] !== undefined);
}

// ---- what a plan's status allows ----------------------------------------------------------

export const PLAN_ACTIVITIES = ["edit", "invite", "join", "propose", "vote", "commit", "expense", "payment", "chat"] as const;
export type PlanActivity = (typeof PLAN_ACTIVITIES)[number];

const ACTIVE: readonly PlanStatus[] = ["planning", "finalized"];
const ANY: readonly PlanStatus[] = ["planning", "finalized", "completed", "cancelled"];

/**
 * Which statuses allow each activity. Proposals and votes belong to planning. Invites, joins,
 * edits and commitments go on until the plan is over. Money and chat never close: costs of a
 * cancelled trip still have to be settled and talked about.
 */
const OPEN_IN: Record<PlanActivity, readonly PlanStatus[]> = {
  edit: ACTIVE,
  invite: ACTIVE,
  join: ACTIVE,
  propose: ["planning"],
  vote: ["planning"],
  commit: ACTIVE,
  expense: ANY,
  payment: ANY,
  chat: ANY,
};

export function planAllows(status: PlanStatus, activity: PlanActivity): boolean {
  return OPEN_IN[activity].includes(status);
}

/** Throws 409 `plan_not_open` (`voting_closed` for votes) when the plan's status forbids `activity`. */
export function assertPlanAllows(status: PlanStatus, activity: PlanActivity): void {
  if (planAllows(status, activity)) return;
  if (activity === "vote") throw new DomainError(409, "voting_closed", `Voting is closed: the plan is ${status}.`);
  throw new DomainError(
    409,
    "plan_not_open",
    `The plan is ${status}; ${ACTIVITY_TEXT[activity]} is possible only while it is ${OPEN_IN[activity].join(" or ")}.`,
  );
}

const ACTIVITY_TEXT: Record<PlanActivity, string> = {
  edit: "editing it",
  invite: "inviting people",
  join: "joining",
  propose: "proposing",
  vote: "voting",
  commit: "committing to a proposal",
  expense: "recording expenses",
  payment: "recording payments",
  chat: "chatting",
};

/** Voting is open while the plan is planning and its deadline (if any) has not passed. */
export function votingOpen(plan: { status: PlanStatus; votingDeadline: Instant | null }, now: Instant): boolean {
  return plan.status === "planning" && (plan.votingDeadline === null || toMillis(now) < toMillis(plan.votingDeadline));
}

/** Throws 409 `voting_closed` after the deadline or once the plan left planning. */
export function assertVotingOpen(plan: { status: PlanStatus; votingDeadline: Instant | null }, now: Instant): void {
  assertPlanAllows(plan.status, "vote");
  if (!votingOpen(plan, now)) {
    throw new DomainError(
      409,
      "voting_closed",
      `Voting closed at the deadline, ${new Date(toMillis(plan.votingDeadline!)).toISOString()}.`,
    );
  }
}

// ---- proposal status ----------------------------------------------------------------------

export type ProposalAction = "select" | "reject" | "reopen";
const PROPOSAL_TRANSITIONS: Record<ProposalStatus, Partial<Record<ProposalAction, ProposalStatus>>> = {
  proposed: { select: "selected", reject: "rejected" },
  selected: {},
  rejected: { reopen: "proposed" },
};

/** proposed → selected | rejected; a rejected proposal may be reopened. Else 409 `proposal_not_open`. */
export function proposalTransition(from: ProposalStatus, action: ProposalAction): ProposalStatus {
  const to = PROPOSAL_TRANSITIONS[from][action];
  if (to === undefined) throw new DomainError(409, "proposal_not_open", `Cannot ${action} a proposal that is ${from}.`);
  return to;
}

export type ProposalActivity = "vote" | "edit" | "commit";
const PROPOSAL_OPEN_IN: Record<ProposalActivity, readonly ProposalStatus[]> = {
  vote: ["proposed"],
  // The itinerary (selected proposals) can still be adjusted and signed up for.
  edit: ["proposed", "selected"],
  commit: ["proposed", "selected"],
};

/** Throws 409 `proposal_not_open` when a proposal's status forbids `activity` (nothing happens to a rejected one). */
export function assertProposalAllows(status: ProposalStatus, activity: ProposalActivity): void {
  if (PROPOSAL_OPEN_IN[activity].includes(status)) return;
  throw new DomainError(
    409,
    "proposal_not_open",
    `The proposal is ${status}; it is closed to ${activity === "commit" ? "commitments" : activity === "vote" ? "votes" : "edits"}.`,
  );
}

/**
 * 409 `proposal_full` when every place is taken. The commitment itself must take the place
 * atomically: `UPDATE proposals SET taken_count = taken_count + 1 WHERE id = ? AND
 * (capacity IS NULL OR taken_count < capacity) RETURNING *`, batched with the insert into
 * proposal_takers.
 */
export function assertProposalHasRoom(proposal: { capacity: number | null; takenCount: number }): void {
  if (proposal.capacity !== null && proposal.takenCount >= proposal.capacity) {
    throw new DomainError(409, "proposal_full", `All ${proposal.capacity} places are taken.`);
  }
}

// ---- payment status -----------------------------------------------------------------------

/** pending → received | cancelled; a settled payment never changes again (409 `payment_not_pending`). */
export function paymentTransition(from: PaymentStatus, to: "received" | "cancelled"): PaymentStatus {
  if (from !== "pending") throw new DomainError(409, "payment_not_pending", `The payment is already ${from}.`);
  return to;
}

// ---- chat ---------------------------------------------------------------------------------

/** A deleted message stays deleted: editing or deleting it again is 409 `message_deleted`. */
export function assertMessageLive(message: { deletedAt: Instant | null }): void {
  if (message.deletedAt !== null) throw new DomainError(409, "message_deleted", "This message was deleted.");
}
