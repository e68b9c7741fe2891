import { DomainError } from "../errors.js";
import { type Instant, toMillis } from "../time.js";
import type { Finalize, ProposalStatus, Tally, VoteValue } from "./schemas/proposals.js";

export interface VoteLike {
  proposalId: string;
  participantId: string;
  value: VoteValue;
}

export interface TallyOptions {
  /** The plan's option: show only the number of votes until the deadline. */
  hideUntilDeadline: boolean;
  now: Instant;
  deadline: Instant | null;
  /** Voting is over for another reason (the plan was finalized early): reveal. */
  closed?: boolean;
  /** Proposals to report, in this order, including those without votes. Default: those voted on. */
  proposalIds?: readonly string[];
}

/** Whether the yes/maybe/no breakdown is hidden right now. */
export function votesHidden(opts: Pick<TallyOptions, "hideUntilDeadline" | "now" | "deadline" | "closed">): boolean {
  return opts.hideUntilDeadline && opts.closed !== true && opts.deadline !== null && toMillis(opts.now) < toMillis(opts.deadline);
}

/**
 * Counts yes/maybe/no per proposal. One vote per participant per proposal: when the list holds
 * several for the same pair, the later one replaces the earlier (as a re-cast does). While votes
 * are hidden the breakdown is null and only `total` shows.
 */
export function tally(votes: readonly VoteLike[], opts: TallyOptions): Tally[] {
  const latest = new Map<string, VoteLike>();
  for (const v of votes) latest.set(`${v.proposalId}\u0000${v.participantId}`, v);
  const counts = new Map<string, Record<VoteValue, number>>();
  for (const id of opts.proposalIds ?? []) counts.set(id, { yes: 0, maybe: 0, no: 0 });
  for (const v of latest.values()) {
    let c = counts.get(v.proposalId);
    if (!c) {
      if (opts.proposalIds) continue; // a vote for a proposal not asked about
      c = { yes: 0, maybe: 0, no: 0 };
      counts.set(v.proposalId, c);
    }
    c[v.value]++;
  }
  const hidden = votesHidden(opts);
  return [...counts].map(([proposalId, c]) => ({
    proposalId,
    yes: hidden ? null : c.yes,
    maybe: hidden ? null : c.maybe,
    no: hidden ? null : c.no,
    total: c.yes + c.maybe + c.no,
    hidden,
  }));
}

/**
 * With `oneYesPerParticipant`, a participant's `yes` may stand on one proposal only: casting a
 * second one is refused with 409 `one_yes_limit` (they change or withdraw the first). `votes`
 * are that participant's current votes in the plan.
 */
export function validateOneYes(votes: readonly VoteLike[], next: VoteLike, opts: { oneYesPerParticipant: boolean }): void {
  if (!opts.oneYesPerParticipant || next.value !== "yes") return;
  const other = votes.find((v) => v.participantId === next.participantId && v.value === "yes" && v.proposalId !== next.proposalId);
  if (other) {
    throw new DomainError(
      409,
      "one_yes_limit",
      `This plan allows one "yes" per participant and yours is on ${other.proposalId}: change that vote first.`,
    );
  }
}

/**
 * The value of the votes table's unique `yes_lock` column: set on a `yes` when the plan allows
 * one yes per participant, so the database refuses a second one even under concurrent requests.
 */
export function yesLock(planId: string, participantId: string, value: VoteValue, oneYesPerParticipant: boolean): string | null {
  return oneYesPerParticipant && value === "yes" ? `${planId}:${participantId}` : null;
}

/**
 * Proposals best first: most yes, then most maybe, then fewest no. Ties keep the input order
 * (pass proposals oldest first so the earlier idea wins). Hidden tallies cannot be ranked.
 */
export function rankProposals(tallies: readonly Tally[]): Tally[] {
  if (tallies.some((t) => t.hidden)) throw new RangeError("rank tallies computed with votes revealed");
  return tallies
    .map((t, i) => ({ t, i }))
    .sort((a, b) => b.t.yes! - a.t.yes! || b.t.maybe! - a.t.maybe! || a.t.no! - b.t.no! || a.i - b.i)
    .map(({ t }) => t);
}

/**
 * What finalizing does to the plan's proposals: the chosen ones are selected and every other
 * open one is rejected. `proposals` are the plan's proposals oldest first; `tallies` (revealed)
 * rank them for `top_voted`, which keeps up to `count` proposals that have at least one yes.
 * Naming a proposal outside the plan → 404 `not_found`; a rejected one → 409 `proposal_not_open`;
 * `top_voted` with no yes at all → 409 `conflict`.
 */
export function finalizeSelection(
  proposals: readonly { id: string; status: ProposalStatus }[],
  choice: Finalize,
  tallies: readonly Tally[] = [],
): { selected: string[]; rejected: string[] } {
  const byId = new Map(proposals.map((p) => [p.id, p]));
  let chosen: string[];
  if (choice.mode === "select") {
    for (const id of choice.proposalIds) {
      const p = byId.get(id);
      if (!p) throw new DomainError(404, "not_found", `Proposal ${id} is not in this plan.`);
      if (p.status === "rejected") throw new DomainError(409, "proposal_not_open", `Proposal ${id} was rejected; reopen it first.`);
    }
    chosen = [...choice.proposalIds];
  } else {
    const open = new Set(proposals.filter((p) => p.status !== "rejected").map((p) => p.id));
    chosen = rankProposals(tallies.filter((t) => open.has(t.proposalId)))
      .filter((t) => t.yes! > 0)
      .slice(0, choice.count)
      .map((t) => t.proposalId);
    if (chosen.length === 0) {
      throw new DomainError(409, "conflict", "No open proposal has a yes vote yet: select the proposals yourself.");
    }
  }
  const selected = new Set(chosen);
  return {
    selected: proposals.filter((p) => selected.has(p.id)).map((p) => p.id),
    rejected: proposals.filter((p) => !selected.has(p.id) && p.status === "proposed").map((p) => p.id),
  };
}
