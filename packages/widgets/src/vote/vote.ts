import type { Plan, Proposal } from "@gatherkit/sdk";
import { html, nothing, type PropertyValues } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { Clock } from "../internal/plans/clock.js";
import { formatInstantRange } from "../internal/plans/format.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import { renderDeadline, renderVoteControl, votingOpen } from "../internal/plans/vote-control.js";
import { voteControlStyles } from "../internal/plans/vote-control.styles.js";
import { voteStyles } from "./vote.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";
export type { VoteCastDetail } from "../internal/plans/vote-control.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-vote": GkVote;
  }
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
 * visitors can join first. Inside `<gk-plan>` it shows that plan and
 * shares its live connection and votes.
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
 * @csspart title - The plan's title (also the invite's, in the join view).
 * @csspart deadline - When voting closes, or why it is closed.
 * @csspart proposal - One proposal.
 * @csspart proposal-title - A proposal's title.
 * @csspart badge - "Selected" next to a proposal on the itinerary.
 * @csspart tally - A proposal's votes: counts with bars, or "Results appear after the deadline" and how many votes were cast.
 * @csspart vote-option - One choice (a label around its radio button).
 * @csspart vote-option-checked - The chosen vote option.
 * @csspart form-error - Why the API refused the last vote on a proposal (or the join form).
 * @csspart join - The invite's join view (a form when the invite can be used), with `facts`, `description`, `input` and `button`.
 * @csspart notice - "You are no longer in this plan" once the viewer lost access.
 *
 * @cssproperty --gk-vote-bar-color - Colour of the tally bars (default: the accent colour).
 * @cssproperty --gk-vote-gap - Space between proposals (default: `--gk-space-m`).
 */
export class GkVote extends PlanElement {
  static override styles = [GkElement.styles, planStyles, voteControlStyles, voteStyles];

  protected override showsProposals(): boolean {
    return true;
  }

  readonly #clock = new Clock(this);
  readonly #part = this.loadPart((store) => store.ensureProposals());

  /** Proposals still in the running, and those on the itinerary; rejected ones are left out. */
  get #shown(): readonly Proposal[] {
    return (this.store?.votes.proposals ?? []).filter((p) => p.status !== "rejected");
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const plan = this.store?.plan;
    // When the deadline passes while the page is open, hidden results become visible.
    if (plan) this.store!.votes.noteOpen(votingOpen(plan, this.#clock.now));
  }

  override render() {
    return this.renderPlan(this.#part, {
      messages: { loading: this.planStrings.loadingVote, empty: this.planStrings.nothingToVote },
      isEmpty: () => this.#shown.length === 0,
      complete: () => this.#renderPoll(this.store!.plan!),
    });
  }

  #renderPoll(plan: Plan) {
    const open = votingOpen(plan, this.#clock.now) && !this.locked;
    const votes = this.store!.votes;
    return html`<section part="poll" aria-labelledby="title">
      <h2 part="title" id="title">${plan.title}</h2>
      ${renderDeadline(plan, this.#clock.now, this.resolvedLocale, this.planStrings)}
      <ol class="proposals">
        ${repeat(
          this.#shown,
          (p) => p.id,
          (p) => html`<li part="proposal">
            <h3 part="proposal-title">
              ${p.title} ${p.status === "selected" ? html`<span part="badge">${this.planStrings.selected}</span>` : nothing}
            </h3>
            ${p.startsAt ? html`<p class="proposal-time">${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone, this.resolvedLocale)}</p>` : nothing}
            ${renderVoteControl(votes, p, { open: open && p.status === "proposed", origin: this, strings: this.planStrings })}
          </li>`,
        )}
      </ol>
    </section>`;
  }
}

defineElement("gk-vote", GkVote);
