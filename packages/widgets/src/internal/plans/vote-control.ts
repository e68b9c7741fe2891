import type { Plan, Proposal, Tally, VoteValue } from "@gatherkit/sdk";
import { html, nothing, type TemplateResult } from "lit";
import { live } from "lit/directives/live.js";
import { describeError } from "../../base/errors.js";
import { emit } from "../../base/events.js";
import type { PlanClient } from "./api.js";
import { formatCountdown, formatInstant } from "./format.js";
import { PLAN_STRINGS, type PlanStrings } from "./plans.strings.js";
import { coalesced } from "./util.js";

/**
 * The voting pieces `<gk-vote>` and `<gk-plan-proposals>` share: the proposals with their tallies
 * and the viewer's votes ({@link ProposalVotes}, one per plan store, so widgets sharing a store
 * share them), the yes / maybe / no radio group and the tally ({@link renderVoteControl}), and
 * the deadline line ({@link renderDeadline}).
 */

/** Detail of `gk-vote-cast`: the API recorded the viewer's vote. */
export interface VoteCastDetail {
  planId: string;
  proposalId: string;
  value: VoteValue;
  /** Who voted (`ptc_…`). */
  participantId: string;
}

declare global {
  interface GkEventDetailMap {
    "gk-vote-cast": VoteCastDetail;
  }
}

export const VOTE_VALUES = ["yes", "maybe", "no"] as const satisfies readonly VoteValue[];

/** A proposal as the plan's room sends it: without the viewer's own vote and commitment. */
export type SharedProposal = Omit<Proposal, "myVote" | "committed"> & Partial<Pick<Proposal, "myVote" | "committed">>;

interface PendingVote {
  /** The vote and tally the API last confirmed, to roll back to. */
  confirmedVote: VoteValue | null;
  confirmedTally: Tally;
  /** A request is on its way; `queued` is the vote chosen meanwhile, sent when it returns. */
  inFlight: boolean;
  queued: VoteValue | undefined;
}

/** `tally` after the viewer's vote moved from `from` to `to` (counts only when they are shown). */
function moveVote(tally: Tally, from: VoteValue | null, to: VoteValue): Tally {
  if (from === to) return tally;
  const next = { ...tally, total: tally.total + (from === null ? 1 : 0) };
  if (tally.hidden) return next;
  if (from !== null && next[from] !== null) next[from] = Math.max(0, next[from] - 1);
  if (next[to] !== null) next[to] = next[to] + 1;
  return next;
}

/**
 * The proposals a widget shows, kept current from loads and live events, and the viewer's votes
 * on them. A vote shows at once (optimistically) and is sent with `PUT …/vote`; when the API
 * refuses it (`voting_closed`, `one_yes_limit`, …) the previous vote and tally come back and the
 * API's explanation is shown next to the proposal. Votes chosen while one is on its way are
 * coalesced: only the latest is sent next, so arrowing through a radio group stays cheap.
 */
export class ProposalVotes {
  #proposals: Proposal[] = [];
  readonly #pending = new Map<string, PendingVote>();
  readonly #errors = new Map<string, string>();
  /** Whether voting was open when last looked at (to reload hidden results once it closes). */
  #wasOpen: boolean | undefined;
  /** While this emits `gk-vote-cast`, so it does not take its own event for another widget's. */
  #emitting = false;

  constructor(
    private readonly options: {
      client: () => PlanClient | undefined;
      planId: () => string | undefined;
      /** The viewer's participant id, when known: their votes cast by other widgets on the page show here too. */
      viewerId: () => string | null;
      onChange: () => void;
    },
  ) {}

  /** Follows votes the same viewer casts in other widgets of the page (with their own store) while attached. */
  attach(): void {
    document.addEventListener("gk-vote-cast", this.#castElsewhere);
  }

  detach(): void {
    document.removeEventListener("gk-vote-cast", this.#castElsewhere);
  }

  /**
   * Another widget on the page (a `<gk-plan-board>` next to a `<gk-vote>`) recorded the same
   * viewer's vote: show it here too. The room's tally event brings the new counts.
   */
  #castElsewhere = (event: CustomEvent<VoteCastDetail>): void => {
    if (this.#emitting) return;
    const { planId, proposalId, value, participantId } = event.detail;
    if (planId !== this.options.planId() || participantId !== this.options.viewerId()) return;
    if (this.#pending.has(proposalId) || this.get(proposalId)?.myVote === value) return;
    this.#errors.delete(proposalId);
    this.#set(proposalId, { myVote: value });
  };

  /**
   * Tells the votes whether voting is open now: when it closes while the page is open (the
   * deadline passed), results that were hidden become visible and are reloaded.
   */
  noteOpen(open: boolean): void {
    if (this.#wasOpen === true && !open && this.#proposals.some((p) => p.tally.hidden)) void this.refreshTallies();
    this.#wasOpen = open;
  }

  /** Oldest first. */
  get proposals(): readonly Proposal[] {
    return this.#proposals;
  }

  get(proposalId: string): Proposal | undefined {
    return this.#proposals.find((p) => p.id === proposalId);
  }

  /** The API's refusal of the viewer's last vote on this proposal, if any. */
  error(proposalId: string): string | undefined {
    return this.#errors.get(proposalId);
  }

  /** Replaces the proposals with a fresh load; votes still on their way keep showing. */
  reset(proposals: readonly Proposal[]): void {
    const next = [...proposals].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    this.#proposals = next.map((p) => {
      const pending = this.#pending.get(p.id);
      if (!pending) return p;
      pending.confirmedVote = p.myVote;
      pending.confirmedTally = p.tally;
      const shown = this.get(p.id);
      return shown ? { ...p, myVote: shown.myVote, tally: shown.tally } : p;
    });
    for (const id of this.#pending.keys()) if (!this.get(id)) this.#pending.delete(id);
    this.options.onChange();
  }

  /** A proposal created or changed (from the API or the room); keeps the viewer's own fields. */
  upsert(proposal: SharedProposal): void {
    const current = this.get(proposal.id);
    const merged: Proposal = {
      ...proposal,
      myVote: proposal.myVote !== undefined ? proposal.myVote : (current?.myVote ?? null),
      committed: proposal.committed !== undefined ? proposal.committed : (current?.committed ?? false),
    };
    if (current) {
      this.#proposals = this.#proposals.map((p) => (p.id === proposal.id ? merged : p));
      this.applyTally(proposal.tally);
    } else {
      this.#proposals = [...this.#proposals, merged];
    }
    this.options.onChange();
  }

  /**
   * A tally from the room. The room hides counts as it would for a participant; a viewer who sees
   * more (an organizer) keeps their view and reloads the tallies as the API shows them to them.
   */
  applyTally(tally: Tally): void {
    const current = this.get(tally.proposalId);
    if (!current) return;
    const pending = this.#pending.get(tally.proposalId);
    if (tally.hidden && !current.tally.hidden) {
      void this.refreshTallies();
      return;
    }
    if (pending) {
      // Shown once the vote on its way settles (its answer carries a newer tally anyway).
      pending.confirmedTally = tally;
      return;
    }
    this.#set(tally.proposalId, { tally });
  }

  /** Reloads every tally as the API shows them to this viewer; calls made meanwhile are coalesced. */
  readonly refreshTallies = coalesced(async () => {
    const client = this.options.client();
    const planId = this.options.planId();
    if (!client || !planId) return;
    try {
      const { data } = await client.plans.tallies(planId);
      for (const t of data) {
        const pending = this.#pending.get(t.proposalId);
        if (pending) pending.confirmedTally = t;
        else if (this.get(t.proposalId)) this.#set(t.proposalId, { tally: t });
      }
    } catch {
      // Live tallies are a convenience: the next load or event brings them.
    }
  });

  /** Records the viewer's vote: shown at once, sent to the API, rolled back if refused. `origin` emits `gk-vote-cast`. */
  cast(proposalId: string, value: VoteValue, origin: EventTarget): void {
    const proposal = this.get(proposalId);
    if (!proposal) return;
    let pending = this.#pending.get(proposalId);
    if (!pending && proposal.myVote === value) return;
    if (!pending) {
      pending = { confirmedVote: proposal.myVote, confirmedTally: proposal.tally, inFlight: false, queued: undefined };
      this.#pending.set(proposalId, pending);
    }
    this.#errors.delete(proposalId);
    this.#set(proposalId, { myVote: value, tally: moveVote(proposal.tally, proposal.myVote, value) });
    if (pending.inFlight) {
      pending.queued = value;
      return;
    }
    void this.#send(proposalId, pending, value, origin);
  }

  async #send(proposalId: string, pending: PendingVote, value: VoteValue, origin: EventTarget): Promise<void> {
    const client = this.options.client();
    const planId = this.options.planId();
    if (!client || !planId) return;
    pending.inFlight = true;
    let failure: string | undefined;
    try {
      const result = await client.plans.proposals.vote(planId, proposalId, { value });
      pending.confirmedVote = result.vote.value;
      pending.confirmedTally = result.tally;
      this.#emitting = true;
      try {
        emit(origin, "gk-vote-cast", { planId, proposalId, value: result.vote.value, participantId: result.vote.participantId });
      } finally {
        this.#emitting = false;
      }
    } catch (error) {
      failure = describeError(error).message;
    }
    pending.inFlight = false;
    const next = pending.queued;
    pending.queued = undefined;
    if (next !== undefined && next !== pending.confirmedVote) {
      void this.#send(proposalId, pending, next, origin);
      return;
    }
    this.#pending.delete(proposalId);
    if (failure) this.#errors.set(proposalId, failure);
    this.#set(proposalId, { myVote: pending.confirmedVote, tally: pending.confirmedTally });
  }

  #set(proposalId: string, change: Partial<Proposal>): void {
    this.#proposals = this.#proposals.map((p) => (p.id === proposalId ? { ...p, ...change } : p));
    this.options.onChange();
  }
}

/** Whether the plan takes votes now: while it is planning and before its deadline (core's `votingOpen`). */
export function votingOpen(plan: Pick<Plan, "status" | "votingDeadline">, now: number): boolean {
  return plan.status === "planning" && (plan.votingDeadline === null || now < Date.parse(plan.votingDeadline));
}

/** "Voting closes 1 Jul 2030, 18:00 (in 2 days)", or why voting is closed. */
export function renderDeadline(plan: Plan, now: number, locale?: string, t: PlanStrings = PLAN_STRINGS): TemplateResult {
  const deadline = plan.votingDeadline;
  const when = () => html`<time datetime=${deadline!}>${formatInstant(deadline!, plan.timeZone, locale)}</time>`;
  if (votingOpen(plan, now)) {
    return deadline
      ? html`<p part="deadline" class="deadline">${t.votingCloses(when(), formatCountdown(deadline, now, locale))}</p>`
      : html`<p part="deadline" class="deadline">${t.votingOpen}</p>`;
  }
  const why = plan.status === "planning" ? t.closedDeadline(when()) : t.closedStatus(plan.status);
  return html`<p part="deadline" class="deadline closed">${why}</p>`;
}

/** The tally: counts with bars, or only the number of votes while they are hidden. */
export function renderTally(tally: Tally, t: PlanStrings = PLAN_STRINGS): TemplateResult {
  if (tally.hidden) {
    return html`<p part="tally" class="tally-hidden">
      ${t.hiddenResults}
      <span class="tally-total">${t.votesSoFar(tally.total)}</span>
    </p>`;
  }
  const most = Math.max(1, ...VOTE_VALUES.map((v) => tally[v] ?? 0));
  return html`<ul part="tally" class="tally" aria-label=${t.tally}>
    ${VOTE_VALUES.map(
      (v) => html`<li class=${`tally-count tally-${v}`}>
        <span class="tally-label">${t.votes[v]}</span>
        <svg class="tally-bar" aria-hidden="true" viewBox="0 0 100 1" preserveAspectRatio="none">
          <rect width=${((tally[v] ?? 0) / most) * 100} height="1"></rect>
        </svg>
        <span class="tally-number">${tally[v] ?? 0}</span>
      </li>`,
    )}
  </ul>`;
}

export interface VoteControlOptions {
  /** Whether the viewer may vote on it now (plan open, proposal proposed, viewer a participant). */
  open: boolean;
  /** The element the vote is cast from (it emits `gk-vote-cast`). */
  origin: EventTarget;
  /** The sentences in the element's language (default English). */
  strings?: PlanStrings;
}

/**
 * A proposal's tally, the viewer's vote as a radio group (arrow keys move within it and vote,
 * Tab moves to the next proposal), and the API's refusal of the last vote, if any. Parts: `tally`,
 * `vote-option` (the chosen one also `vote-option-checked`), `form-error`.
 */
export function renderVoteControl(votes: ProposalVotes, proposal: Proposal, options: VoteControlOptions): TemplateResult {
  const error = votes.error(proposal.id);
  const name = `vote-${proposal.id}`;
  const t = options.strings ?? PLAN_STRINGS;
  return html`${renderTally(proposal.tally, t)}
    <fieldset class="vote-group" ?disabled=${!options.open}>
      <legend class="vote-legend">${t.yourVote}<span class="visually-hidden">${t.on(proposal.title)}</span></legend>
      ${VOTE_VALUES.map(
        (v) => html`<label part=${proposal.myVote === v ? `vote-option vote-option-checked` : "vote-option"}>
          <input
            type="radio"
            name=${name}
            value=${v}
            .checked=${live(proposal.myVote === v)}
            @change=${() => votes.cast(proposal.id, v, options.origin)}
          />
          ${t.votes[v]}
        </label>`,
      )}
    </fieldset>
    ${error ? html`<p part="form-error" class="vote-error" role="alert">${error}</p>` : nothing}`;
}
