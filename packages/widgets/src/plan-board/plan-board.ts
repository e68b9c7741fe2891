import type { Plan } from "@gatherkit/sdk";
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { Clock } from "../internal/plans/clock.js";
import { formatDates } from "../internal/plans/format.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import { loadOnce } from "../internal/plans/util.js";
import { renderDeadline } from "../internal/plans/vote-control.js";
import { voteControlStyles } from "../internal/plans/vote-control.styles.js";
import "../plan-proposals/plan-proposals.js";
import { planBoardStyles } from "./plan-board.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";
export type { VoteCastDetail } from "../internal/plans/vote-control.js";
export type { MessageSentDetail } from "../plan-chat/plan-chat.js";
export type { ProposalCreatedDetail } from "../plan-proposals/plan-proposals.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-plan-board": GkPlanBoard;
  }
}

/**
 * People, money and chat load their own data after the header and proposals are shown, so their
 * code is fetched then too (once per page): until their element is defined each is an empty box.
 */
const loadSides = loadOnce(() => import("./side-panels.js"));

/** The children's own loading, empty and error views, re-exported with their content parts. */
const STATE_PARTS = "body, loading, empty, error, retry-button";
const EXPORTED = {
  proposals: `heading, proposal, proposal-title, badge, tally, vote-option, vote-option-checked, button, input, form-error, itinerary, ${STATE_PARTS}`,
  people: `heading, participant, participant-online, presence, badge, button, form-error, ${STATE_PARTS}`,
  money: `heading, transfer, balance, payment, button, form-error, ${STATE_PARTS}`,
  chat: `heading, messages, message, message-author, message-time, typing, button, input, form-error, ${STATE_PARTS}`,
};

/**
 * Everything about one plan for the people in it: the plan and its status, the voting deadline
 * with a countdown, and the plan's elements side by side — `<gk-plan-proposals>` (proposals and
 * votes, places, the propose form, organizer decisions and Finalize, the itinerary),
 * `<gk-plan-people>`, `<gk-plan-money>` and `<gk-plan-chat>`. They share the board's plan, viewer
 * and one live connection; each loads its own data once the header and proposals are shown.
 *
 * Give it a participant token your server minted, or an invite code with your publishable key to
 * show the invite's join form first (name and optional email):
 *
 * ```html
 * <gk-plan-board api-base="https://api.example.com" plan="plan_…" token="gk_pt_…"></gk-plan-board>
 * <gk-plan-board api-base="https://api.example.com" invite="7m2q9xk4…" publishable-key="gk_pk_…" remember></gk-plan-board>
 * ```
 *
 * The children's parts are re-exported under their own names (`proposal`, `tally`, `button`,
 * `message`, …, see each element), so `gk-plan-board::part(button)` styles every button.
 *
 * @tag gk-plan-board
 * @summary A plan's board: proposals and votes, itinerary, costs, people and chat, live.
 *
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - The visitor joined through the invite form: `{ planId, participantId }`.
 * @event {CustomEvent<VoteCastDetail>} gk-vote-cast - The API recorded the viewer's vote: `{ planId, proposalId, value, participantId }`.
 * @event {CustomEvent<ProposalCreatedDetail>} gk-proposal-created - The viewer added a proposal: `{ planId, proposal }`.
 * @event {CustomEvent<MessageSentDetail>} gk-message-sent - The viewer's chat message was posted: `{ planId, message }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart board - The loaded board (a grid: header, then proposals beside people, money and chat).
 * @csspart header - The plan's title, status, facts, description and deadline.
 * @csspart title - The plan's title (also the invite's, in the join view).
 * @csspart status - The plan's status badge (also `badge`).
 * @csspart facts - Type, dates and place of the plan (organizer, dates, place and people in the join view).
 * @csspart description - The plan's description.
 * @csspart deadline - When voting closes, or why it is closed.
 * @csspart proposals-section - The `<gk-plan-proposals>` element; `people-section`, `money-section`, `chat-section` likewise.
 * @csspart people-section - The `<gk-plan-people>` element.
 * @csspart money-section - The `<gk-plan-money>` element.
 * @csspart chat-section - The `<gk-plan-chat>` element.
 * @csspart join - The invite's join view (a form when the invite can be used), with `input`, `button` and `form-error`.
 * @csspart notice - "You are no longer in this plan" once the viewer lost access.
 *
 * @cssproperty --gk-plan-board-gap - Space between sections (default: `--gk-space-l`).
 * @cssproperty --gk-plan-board-card-background - Background of proposal cards (default: the surface colour).
 * @cssproperty --gk-plan-board-online-color - Colour of the online dot (default: the accent colour).
 * @cssproperty --gk-plan-board-chat-height - Maximum height of the chat log before it scrolls (default: `20rem`).
 * @cssproperty --gk-vote-bar-color - Colour of the tally bars (default: the accent colour).
 */
export class GkPlanBoard extends PlanElement {
  static override styles = [GkElement.styles, planStyles, voteControlStyles, planBoardStyles];

  protected override showsProposals(): boolean {
    return true;
  }

  readonly #clock = new Clock(this);
  /** Nothing of its own to load: the header shows once the plan (with the proposals) is there. */
  readonly #ready = this.loadPart(async () => true);

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Should the chunk not arrive, the panels stay empty and the next update tries again.
    if (this.store?.ready) loadSides().catch(() => {});
  }

  override render() {
    return this.renderPlan(this.#ready, {
      messages: { loading: this.planStrings.loadingPlan },
      isEmpty: () => false,
      complete: () => this.#renderBoard(this.store!.plan!),
    });
  }

  #renderBoard(plan: Plan): TemplateResult {
    return html`<div part="board">
      ${this.#renderHeader(plan)}
      <div class="main">
        <gk-plan-proposals part="proposals-section" exportparts=${EXPORTED.proposals}></gk-plan-proposals>
      </div>
      <div class="side">
        <gk-plan-people part="people-section" exportparts=${EXPORTED.people}></gk-plan-people>
        <gk-plan-money part="money-section" exportparts=${EXPORTED.money}></gk-plan-money>
        <gk-plan-chat part="chat-section" exportparts=${EXPORTED.chat}></gk-plan-chat>
      </div>
    </div>`;
  }

  #renderHeader(plan: Plan): TemplateResult {
    const t = this.planStrings;
    const facts = [t.type[plan.type], formatDates(plan.startDate, plan.endDate, this.resolvedLocale), plan.location?.name].filter(Boolean);
    return html`<div part="header">
      <h2 part="title">${plan.title} <span part="badge status">${t.status[plan.status]}</span></h2>
      <p part="facts">${facts.join(" · ")}</p>
      ${plan.description ? html`<p part="description">${plan.description}</p>` : nothing}
      ${plan.status === "planning" ? renderDeadline(plan, this.#clock.now, this.resolvedLocale, t) : nothing}
    </div>`;
  }
}

defineElement("gk-plan-board", GkPlanBoard);
