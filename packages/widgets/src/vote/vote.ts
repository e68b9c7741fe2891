import type { Gatherkit, Plan, Proposal } from "@gatherkit/sdk";
import { html, nothing, type PropertyValues } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { formatInstantRange } from "../plans/format.js";
import { planStyles } from "../plans/plan.styles.js";
import { PlanElement } from "../plans/plan-element.js";
import { Clock, PlanLive } from "../plans/plan-live.js";
import { coalesced, collect } from "../plans/util.js";
import { ProposalVotes, renderDeadline, renderVoteControl, votingOpen } from "../plans/vote-control.js";
import { voteControlStyles } from "../plans/vote-control.styles.js";
import { voteStyles } from "./vote.styles.js";

export type { PlanJoinedDetail } from "../plans/join-form.js";
export type { VoteCastDetail } from "../plans/vote-control.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-vote": GkVote;
  }
}

interface Poll {
  plan: Plan;
  proposals: Proposal[];
}

/**
 * A compact poll over one plan's proposals ("Which date works?"), for any page. It lists the
 * proposals with their live tallies and the viewer's own vote as a yes / maybe / no radio group
 * (arrow keys choose within a proposal, Tab moves to the next). A vote shows at once and is
 * rolled back, with the API's explanation, if the API refuses it (for example `voting_closed` or
 * `one_yes_limit`). It shows the voting deadline, says when voting is closed, and while a plan
 * hides votes until its deadline shows only how many votes were cast.
 *
 * It needs a participant token (`token`), or an `invite` code and a `publishable-key` so
 * visitors can join first.
 *
 * ```html
 * <gk-vote api-base="https://api.example.com" plan="plan_…" token="gk_pt_…"></gk-vote>
 * ```
 *
 * @tag gk-vote
 * @summary Votes on a plan's proposals, with live tallies and the deadline.
 *
 * @event {CustomEvent<VoteCastDetail>} gk-vote-cast - The API recorded the viewer's vote: `{ planId, proposalId, value, participantId }`.
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - The visitor joined through the invite form: `{ planId, participantId }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart poll - The poll: title, deadline and proposals.
 * @csspart title - The plan's title.
 * @csspart deadline - When voting closes; also has the part `closed` once voting is closed.
 * @csspart closed - The deadline line once voting is closed.
 * @csspart proposals - The list of proposals.
 * @csspart proposal - One proposal.
 * @csspart proposal-title - A proposal's title.
 * @csspart proposal-time - When a proposal takes place.
 * @csspart badge - "Selected" next to a proposal on the itinerary.
 * @csspart tally - A proposal's votes: a list of counts, or the hidden-results line.
 * @csspart tally-count - One count (also `tally-yes`, `tally-maybe`, `tally-no`).
 * @csspart tally-hidden - "Results appear after the deadline", while votes are hidden.
 * @csspart tally-total - How many votes were cast, while votes are hidden.
 * @csspart vote-group - The viewer's yes / maybe / no radio group of a proposal.
 * @csspart vote-legend - Its legend ("Your vote").
 * @csspart vote-option - One choice (a label around its radio button); the chosen one also has `vote-option-checked`.
 * @csspart vote-error - Why the API refused the last vote on a proposal.
 * @csspart tally-yes - The yes count.
 * @csspart tally-maybe - The maybe count.
 * @csspart tally-no - The no count.
 * @csspart vote-option-checked - The chosen vote option.
 * @csspart join - The invite's join view; `join-form` when the invite can be used.
 * @csspart join-title - Its heading.
 * @csspart join-facts - Organizer, dates, place and number of people of the invite's plan.
 * @csspart join-description - The invite's plan description.
 * @csspart join-form - The join form (when the invite can be used).
 * @csspart field - A label and its input in a form.
 * @csspart input - A text input.
 * @csspart join-button - The Join button.
 * @csspart form-error - Why the API refused a form.
 *
 * @cssproperty --gk-vote-bar-color - Colour of the tally bars (default: the accent colour).
 * @cssproperty --gk-vote-gap - Space between proposals (default: `--gk-space-m`).
 */
export class GkVote extends PlanElement {
  static override styles = [GkElement.styles, planStyles, voteControlStyles, voteStyles];

  #plan: Plan | undefined;
  readonly #clock = new Clock(this);
  readonly #votes = new ProposalVotes(this, {
    client: () => this.gatherkit,
    planId: () => this.#plan?.id,
    viewerId: () => this.viewerId,
  });
  #wasOpen: boolean | undefined;

  readonly #view = this.loadPlanView(async (gk, planId, signal) => this.#apply(await this.#fetch(gk, planId, signal)));

  readonly #refresh = coalesced(async () => {
    const gk = this.gatherkit;
    const planId = this.#plan?.id;
    if (!gk || !planId) return;
    try {
      this.#apply(await this.#fetch(gk, planId));
    } catch {
      // Keep showing what we have; the next event or load tries again.
    }
  });

  constructor() {
    super();
    // Live updates from the plan's room while the poll is shown.
    new PlanLive(
      this,
      () => {
        const gk = this.gatherkit;
        return gk && this.#plan && this.#view.value?.kind === "plan" ? { client: gk, planId: this.#plan.id } : undefined;
      },
      {
        "plan.tally_changed": ({ tally }) => this.#votes.applyTally(tally),
        "plan.proposal_changed": ({ proposal }) => this.#votes.upsert(proposal),
        "plan.updated": ({ plan }) => {
          this.#plan = plan;
          this.requestUpdate();
        },
        "plan.finalized": () => void this.#refresh(),
        onResync: () => void this.#refresh(),
      },
    );
  }

  async #fetch(gk: Gatherkit, planId: string, signal?: AbortSignal): Promise<Poll> {
    const [plan, proposals] = await Promise.all([
      gk.plans.retrieve(planId, { signal }),
      collect(gk.plans.proposals.list(planId, { limit: 100 }, { signal })),
    ]);
    return { plan, proposals };
  }

  #apply(poll: Poll): Poll {
    this.#plan = poll.plan;
    this.#votes.reset(poll.proposals);
    return poll;
  }

  /** Proposals still in the running, and those on the itinerary; rejected ones are left out. */
  get #shown(): readonly Proposal[] {
    return this.#votes.proposals.filter((p) => p.status !== "rejected");
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // When the deadline passes while the page is open, hidden results become visible.
    const open = this.#plan ? votingOpen(this.#plan, this.#clock.now) : undefined;
    if (this.#wasOpen === true && open === false && this.#votes.proposals.some((p) => p.tally.hidden)) {
      void this.#votes.refreshTallies();
    }
    this.#wasOpen = open;
  }

  override render() {
    return this.renderTask(this.#view, {
      messages: { loading: "Loading the vote…", empty: "Nothing to vote on yet." },
      isEmpty: (view) => view.kind === "plan" && this.#shown.length === 0,
      complete: (view) => (view.kind === "join" ? this.joinForm.render(view.preview) : this.#renderPoll()),
    });
  }

  #renderPoll() {
    const plan = this.#plan!;
    const open = votingOpen(plan, this.#clock.now);
    return html`<section part="poll" aria-labelledby="title">
      <h2 part="title" id="title">${plan.title}</h2>
      ${renderDeadline(plan, this.#clock.now)}
      <ol part="proposals">
        ${repeat(
          this.#shown,
          (p) => p.id,
          (p) => html`<li part="proposal">
            <h3 part="proposal-title">
              ${p.title} ${p.status === "selected" ? html`<span part="badge">Selected</span>` : nothing}
            </h3>
            ${p.startsAt ? html`<p part="proposal-time">${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone)}</p>` : nothing}
            ${renderVoteControl(this.#votes, p, { open: open && p.status === "proposed" })}
          </li>`,
        )}
      </ol>
    </section>`;
  }
}

defineElement("gk-vote", GkVote);
