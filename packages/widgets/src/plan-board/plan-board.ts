import type {
  Balance,
  ChatMessage,
  Gatherkit,
  Payment,
  Plan,
  PlanBalances,
  PlanEventData,
  PlanParticipant,
  PlanRole,
  Proposal,
  ProposalCreateParams,
  SettleUpTransfer,
} from "@gatherkit/sdk";
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { defineElement } from "../base/define.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { type FormProblem, formProblem, renderFormProblem } from "../plans/form-problem.js";
import { formatDates, formatInstant, formatInstantRange, formatMoney, parseMoney, zonedToIso } from "../plans/format.js";
import { planStyles } from "../plans/plan.styles.js";
import { PlanElement } from "../plans/plan-element.js";
import { Clock, PlanLive } from "../plans/plan-live.js";
import { coalesced, collect } from "../plans/util.js";
import { ProposalVotes, renderDeadline, renderVoteControl, votingOpen } from "../plans/vote-control.js";
import { voteControlStyles } from "../plans/vote-control.styles.js";
import { planBoardStyles } from "./plan-board.styles.js";

export type { PlanJoinedDetail } from "../plans/join-form.js";
export type { VoteCastDetail } from "../plans/vote-control.js";

/** Detail of `gk-proposal-created`: the viewer added a proposal through the board's form. */
export interface ProposalCreatedDetail {
  planId: string;
  proposal: Proposal;
}

/** Detail of `gk-message-sent`: the viewer's chat message was posted. */
export interface MessageSentDetail {
  planId: string;
  message: ChatMessage;
}

declare global {
  interface GkEventDetailMap {
    "gk-proposal-created": ProposalCreatedDetail;
    "gk-message-sent": MessageSentDetail;
  }
  interface HTMLElementTagNameMap {
    "gk-plan-board": GkPlanBoard;
  }
}

interface Board {
  plan: Plan;
  proposals: Proposal[];
  /** Everyone who is or was in the plan (names of people who left still appear in balances and chat). */
  participants: PlanParticipant[];
  balances: PlanBalances;
  payments: Payment[];
  /** Oldest first. */
  messages: ChatMessage[];
}

const CHAT_PAGE = 50;
/** Plan statuses in which places can be taken and given up (the API's `commit` activity). */
const ACTIVE_STATUSES: readonly Plan["status"][] = ["planning", "finalized"];
/** Someone's "typing…" disappears this long after their last signal, should "stopped" never come. */
const TYPING_TIMEOUT_MS = 8_000;
/** While the viewer keeps typing, the room is told again this often. */
const TYPING_RESEND_MS = 3_000;
const STATUS_LABELS: Record<Plan["status"], string> = {
  planning: "Planning",
  finalized: "Finalized",
  completed: "Completed",
  cancelled: "Cancelled",
};
const TYPE_LABELS: Record<Plan["type"], string> = { trip: "Trip", event: "Event", purchase: "Group purchase" };

type Finalize = { step: "idle" } | { step: "confirm" } | { step: "sending" } | { step: "failed"; problem: FormProblem };

/**
 * Everything about one plan for the people in it: the plan and its status, the voting deadline,
 * the proposals as cards with live tallies and the viewer's vote, a form to propose (everyone in
 * a trip, organizers in event and purchase plans), the itinerary once the plan is finalized (with
 * an "Add to calendar" link), who owes whom and how to settle up, the people with who is online,
 * and the chat. Organizers also get Select / Reject on proposals and Finalize.
 *
 * Give it a participant token your server minted, or an invite code with your publishable key to
 * show the invite's join form first (name and optional email):
 *
 * ```html
 * <gk-plan-board api-base="https://api.example.com" plan="plan_…" token="gk_pt_…"></gk-plan-board>
 * <gk-plan-board api-base="https://api.example.com" invite="7m2q9xk4…" publishable-key="gk_pk_…" remember></gk-plan-board>
 * ```
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
 * @csspart board - The loaded board (a grid of sections).
 * @csspart header - The plan's title, status, facts, description and deadline.
 * @csspart title - The plan's title.
 * @csspart status - The plan's status badge.
 * @csspart facts - Type, dates and place of the plan.
 * @csspart description - The plan's description.
 * @csspart deadline - When voting closes; also has the part `closed` once voting is closed.
 * @csspart closed - The deadline line once voting is closed.
 * @csspart organizer-controls - Finalize (organizers only).
 * @csspart finalize-button - Starts finalizing; `finalize-confirm` and `finalize-cancel` confirm or back out.
 * @csspart finalize-confirm - Confirms finalizing.
 * @csspart finalize-cancel - Backs out of finalizing.
 * @csspart section - Each section (itinerary, proposals, people, money, chat).
 * @csspart section-title - Each section's heading.
 * @csspart itinerary-section - The itinerary section (also `section`); its heading is `itinerary-title`.
 * @csspart itinerary-title - The itinerary's heading.
 * @csspart proposals-section - The proposals section.
 * @csspart people-section - The people section.
 * @csspart money-section - The "Who owes whom" section.
 * @csspart chat-section - The chat section.
 * @csspart itinerary - The list of selected proposals once the plan is finalized.
 * @csspart calendar-link - "Add to calendar" (the plan's iCalendar feed).
 * @csspart proposals - The list of proposal cards.
 * @csspart proposal - One proposal card.
 * @csspart proposal-title - A proposal's title.
 * @csspart proposal-meta - When, cost, places and link of a proposal.
 * @csspart badge - A status badge (Selected, Rejected, Organizer, You).
 * @csspart proposal-actions - Select / Reject / Reopen (organizers only).
 * @csspart select-button - Puts the proposal on the itinerary.
 * @csspart reject-button - Rejects the proposal.
 * @csspart reopen-button - Reopens a rejected proposal.
 * @csspart proposal-error - Why the API refused an organizer's action on a proposal.
 * @csspart places - A proposal's places (proposals with a capacity): the count and Take a place / Give up my place.
 * @csspart places-count - "2 of 4 places taken", with a `places-full` "Full" badge when none are left.
 * @csspart places-full - The "Full" badge.
 * @csspart commit-button - "Take a place" (participants, while there is room).
 * @csspart uncommit-button - "Give up my place".
 * @csspart places-error - Why the API refused taking or giving up a place (e.g. it filled up meanwhile).
 * @csspart tally - A proposal's votes (see `<gk-vote>` for `tally-count`, `tally-hidden`, `tally-total`).
 * @csspart tally-count - One count (also `tally-yes`, `tally-maybe`, `tally-no`).
 * @csspart tally-hidden - "Results appear after the deadline", while votes are hidden.
 * @csspart tally-total - How many votes were cast, while votes are hidden.
 * @csspart vote-group - The viewer's yes / maybe / no radio group.
 * @csspart vote-legend - Its legend.
 * @csspart vote-option - One choice; the chosen one also has `vote-option-checked`.
 * @csspart vote-error - Why the API refused the last vote.
 * @csspart tally-yes - The yes count.
 * @csspart tally-maybe - The maybe count.
 * @csspart tally-no - The no count.
 * @csspart vote-option-checked - The chosen vote option.
 * @csspart propose - The "Propose something" disclosure.
 * @csspart propose-summary - The "Propose something" button that opens the form.
 * @csspart propose-form - The propose form.
 * @csspart field - A label and its input in a form.
 * @csspart input - A text input.
 * @csspart submit-button - A form's submit button (propose, send).
 * @csspart form-status - "Proposal added.", announced after proposing.
 * @csspart form-error - Why the API refused a form.
 * @csspart participants - The list of people.
 * @csspart participant - One person.
 * @csspart participant-online - A person who has the plan open right now.
 * @csspart presence - The online dot and label of a person.
 * @csspart transfers - Settle-up suggestions (who pays whom how much).
 * @csspart transfer - One suggestion.
 * @csspart mark-paid-button - "Mark as paid" on the viewer's own settle-up suggestions (records a payment for the recipient to confirm).
 * @csspart payments-to-confirm - Payments others recorded as sent to the viewer, waiting for the viewer to confirm.
 * @csspart payment-to-confirm - One of them.
 * @csspart confirm-received-button - "Confirm received".
 * @csspart payment-error - Why the API refused marking or confirming a payment.
 * @csspart balances - Each person's balance.
 * @csspart balance - One person's balance.
 * @csspart messages - The chat log (scrollable).
 * @csspart message - One chat message.
 * @csspart message-author - Its author.
 * @csspart message-time - When it was sent.
 * @csspart message-edited - "(edited)" after an edited message.
 * @csspart message-deleted - "Message deleted." in place of a deleted message.
 * @csspart message-actions - Edit (own messages) and Delete (own messages; organizers: any).
 * @csspart message-edit-button - Edit.
 * @csspart message-delete-button - Delete.
 * @csspart message-edit-form - The inline edit form (Save, Cancel; Escape cancels).
 * @csspart message-save-button - Save an edit.
 * @csspart message-cancel-button - Cancel an edit.
 * @csspart message-error - Why the API refused deleting a message.
 * @csspart typing - "Ana is typing…" under the chat.
 * @csspart chat-form - The chat's send form.
 * @csspart join - The invite's join view; `join-form` when the invite can be used.
 * @csspart join-title - Its heading.
 * @csspart join-facts - Organizer, dates, place and number of people of the invite's plan.
 * @csspart join-description - The invite's plan description.
 * @csspart join-form - The join form (when the invite can be used).
 * @csspart join-button - The Join button.
 *
 * @cssproperty --gk-plan-board-gap - Space between sections (default: `--gk-space-l`).
 * @cssproperty --gk-plan-board-card-background - Background of proposal cards (default: the surface colour).
 * @cssproperty --gk-plan-board-online-color - Colour of the online dot (default: the accent colour).
 * @cssproperty --gk-plan-board-chat-height - Maximum height of the chat log before it scrolls (default: `20rem`).
 * @cssproperty --gk-vote-bar-color - Colour of the tally bars (default: the accent colour).
 */
export class GkPlanBoard extends PlanElement {
  static override styles = [GkElement.styles, planStyles, voteControlStyles, planBoardStyles];

  #plan: Plan | undefined;
  #participants: PlanParticipant[] = [];
  #balances: PlanBalances | undefined;
  /** The plan's payments (for the ones waiting for the viewer to confirm). */
  #payments: Payment[] = [];
  /** Marking a transfer paid (key `from>to`) or confirming a payment (its id). */
  readonly #paying = new Map<string, { busy: boolean; problem?: FormProblem }>();
  #messages: ChatMessage[] = [];

  readonly #clock = new Clock(this);
  readonly #votes = new ProposalVotes(this, {
    client: () => this.gatherkit,
    planId: () => this.#plan?.id,
    viewerId: () => this.viewerId,
  });
  readonly #decisions = new Map<string, { busy: boolean; problem?: FormProblem }>();
  /** Taking or giving up a place, per proposal. */
  readonly #commitments = new Map<string, { busy: boolean; problem?: FormProblem }>();
  #finalize: Finalize = { step: "idle" };
  #propose: { busy: boolean; problem?: FormProblem; added?: string } = { busy: false };
  #chat: { busy: boolean; problem?: FormProblem } = { busy: false };
  /** The chat message being edited (only one at a time). */
  #editing: { id: string; busy: boolean; problem?: FormProblem } | undefined;
  /** Deleting a chat message, per message. */
  readonly #messageActions = new Map<string, { busy: boolean; problem?: FormProblem }>();
  /** Who else is typing in the chat (participant id → name), each forgotten after a while if no "stopped" comes. */
  readonly #typing = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();
  /** When the viewer last told the room they are typing (0: they are not). */
  #typingSentAt = 0;
  /** Focus to restore after the next render (a control that was replaced). */
  #focusNext: string | undefined;

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

  readonly #refreshBalances = coalesced(async () => {
    const gk = this.gatherkit;
    const planId = this.#plan?.id;
    if (!gk || !planId) return;
    try {
      const [balances, payments] = await Promise.all([gk.plans.balances(planId), collect(gk.plans.payments.list(planId, { limit: 100 }))]);
      this.#balances = balances;
      this.#payments = payments;
      this.requestUpdate();
    } catch {}
  });

  readonly #live = new PlanLive(
    this,
    () => {
      const gk = this.gatherkit;
      return gk && this.#plan && this.#view.value?.kind === "plan" ? { client: gk, planId: this.#plan.id } : undefined;
    },
    {
      "plan.updated": ({ plan }) => {
        this.#plan = plan;
        this.requestUpdate();
      },
      "plan.tally_changed": ({ tally }) => this.#votes.applyTally(tally),
      "plan.proposal_changed": ({ proposal }) => this.#votes.upsert(proposal),
      "plan.finalized": () => void this.#refresh(),
      "plan.participant_changed": (change) => this.#participantChanged(change),
      "plan.expense_changed": () => void this.#refreshBalances(),
      "plan.payment_changed": () => void this.#refreshBalances(),
      "plan.message_changed": ({ message }) => {
        this.#upsertMessage(message);
        this.#setTyping(message.authorParticipantId, message.authorName, false);
      },
      onTyping: ({ id, name, typing }) => this.#setTyping(id, name, typing),
      onResync: () => void this.#refresh(),
    },
  );

  #setTyping(id: string, name: string, typing: boolean): void {
    const current = this.#typing.get(id);
    if (current) clearTimeout(current.timer);
    if (typing && id !== this.viewerId) {
      this.#typing.set(id, { name, timer: setTimeout(() => this.#setTyping(id, name, false), TYPING_TIMEOUT_MS) });
    } else if (!current) {
      return;
    } else {
      this.#typing.delete(id);
    }
    this.requestUpdate();
  }

  /** Typing in the chat box: tell the room at most every few seconds, and when the box is emptied. */
  #typed = (event: InputEvent): void => {
    const typing = (event.currentTarget as HTMLInputElement).value.trim() !== "";
    const now = Date.now();
    if (typing && now - this.#typingSentAt < TYPING_RESEND_MS) return;
    if (!typing && this.#typingSentAt === 0) return;
    this.#typingSentAt = typing ? now : 0;
    this.#live.sendTyping(typing);
  };

  #stoppedTyping = (): void => {
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.#live.sendTyping(false);
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const { timer } of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
    this.#typingSentAt = 0;
  }

  async #fetch(gk: Gatherkit, planId: string, signal?: AbortSignal): Promise<Board> {
    const [plan, , proposals, participants, balances, payments, messages] = await Promise.all([
      gk.plans.retrieve(planId, { signal }),
      this.fetchViewer(gk, planId, signal),
      collect(gk.plans.proposals.list(planId, { limit: 100 }, { signal })),
      collect(gk.plans.participants.list(planId, { limit: 100, includeRemoved: true }, { signal })),
      gk.plans.balances(planId, { signal }),
      collect(gk.plans.payments.list(planId, { limit: 100 }, { signal })),
      gk.plans.messages.list(planId, { limit: CHAT_PAGE }, { signal }),
    ]);
    return { plan, proposals, participants, balances, payments, messages: [...messages.data].reverse() };
  }

  #apply(board: Board): Board {
    this.#plan = board.plan;
    this.#votes.reset(board.proposals);
    this.#participants = board.participants;
    this.#balances = board.balances;
    this.#payments = board.payments;
    this.#messages = board.messages;
    this.requestUpdate();
    return board;
  }

  // ---- who is who ---------------------------------------------------------------------------

  /** The viewer's role in the plan: null when they are not in it or the board does not know who they are. */
  get #role(): PlanRole | null {
    // Organization staff (e.g. a `client` with a secret key or an organizer session) organize every plan.
    if (this.viewer?.staff) return "organizer";
    const me = this.viewerId;
    return this.#participants.find((p) => p.participantId === me && p.removedAt === null)?.role ?? null;
  }

  #name(participantId: string, you = "You"): string {
    if (participantId === this.viewerId) return you;
    return this.#participants.find((p) => p.participantId === participantId)?.name ?? "Someone";
  }

  #participantChanged(change: PlanEventData<"plan.participant_changed">): void {
    const now = new Date().toISOString();
    const current = this.#participants.find((p) => p.participantId === change.participantId);
    if (current) {
      this.#participants = this.#participants.map((p) =>
        p === current ? { ...p, name: change.name, role: change.role, removedAt: change.removed ? (p.removedAt ?? now) : null } : p,
      );
    } else {
      this.#participants = [
        ...this.#participants,
        {
          id: `pp_${change.participantId}`,
          planId: change.planId,
          participantId: change.participantId,
          name: change.name,
          email: null,
          role: change.role,
          joinedAt: now,
          removedAt: change.removed ? now : null,
        },
      ];
    }
    this.requestUpdate();
  }

  #upsertMessage(message: ChatMessage): void {
    const at = this.#messages.findIndex((m) => m.id === message.id);
    this.#messages =
      at === -1
        ? [...this.#messages, message].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        : this.#messages.map((m) => (m.id === message.id ? message : m));
    this.requestUpdate();
  }

  // ---- rendering ----------------------------------------------------------------------------

  override render() {
    return this.renderTask(this.#view, {
      messages: { loading: "Loading the plan…" },
      isEmpty: () => false,
      complete: (view) => (view.kind === "join" ? this.joinForm.render(view.preview) : this.#renderBoard(this.#plan!)),
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const target = this.#focusNext;
    if (!target) return;
    this.#focusNext = undefined;
    const el = this.renderRoot.querySelector<HTMLElement>(target);
    if (!el) return;
    if (el.tabIndex < 0 && !el.matches("button, input, a[href], textarea, select")) {
      el.tabIndex = -1;
      el.addEventListener("blur", () => el.removeAttribute("tabindex"), { once: true });
    }
    el.focus();
  }

  #renderBoard(plan: Plan): TemplateResult {
    const itinerary = plan.status === "finalized" || plan.status === "completed";
    return html`<div part="board">
      ${this.#renderHeader(plan)}
      <div class="main">${itinerary ? this.#renderItinerary(plan) : nothing} ${this.#renderProposals(plan)}</div>
      <div class="side">${this.#renderPeople()} ${this.#renderMoney()} ${this.#renderChat(plan)}</div>
    </div>`;
  }

  #renderHeader(plan: Plan): TemplateResult {
    const facts = [TYPE_LABELS[plan.type], formatDates(plan.startDate, plan.endDate), plan.location?.name].filter(Boolean);
    return html`<div part="header">
      <h2 part="title">${plan.title} <span part="badge status">${STATUS_LABELS[plan.status]}</span></h2>
      <p part="facts">${facts.join(" · ")}</p>
      ${plan.description ? html`<p part="description">${plan.description}</p>` : nothing}
      ${plan.status === "planning" ? renderDeadline(plan, this.#clock.now) : nothing}
      ${this.#role === "organizer" && plan.status === "planning" ? this.#renderFinalize() : nothing}
    </div>`;
  }

  #renderFinalize(): TemplateResult {
    const selected = this.#votes.proposals.filter((p) => p.status === "selected");
    const what = selected.length
      ? `the ${selected.length === 1 ? "proposal" : `${selected.length} proposals`} marked Selected`
      : "the top-voted proposal";
    const f = this.#finalize;
    if (f.step === "idle") {
      return html`<div part="organizer-controls">
        <button type="button" part="finalize-button" @click=${() => this.#setFinalize({ step: "confirm" }, '[part~="finalize-confirm"]')}>
          Finalize the plan…
        </button>
      </div>`;
    }
    return html`<div part="organizer-controls" role="group" aria-labelledby="finalize-question">
      <p id="finalize-question">Finalize with ${what}? Voting closes and the itinerary is fixed.</p>
      <div class="actions">
        <button
          type="button"
          part="finalize-confirm"
          aria-disabled=${f.step === "sending" ? "true" : "false"}
          @click=${() => void this.#doFinalize(selected.map((p) => p.id))}
        >
          ${f.step === "sending" ? "Finalizing…" : "Finalize"}
        </button>
        <button type="button" part="finalize-cancel" class="secondary" @click=${() => this.#setFinalize({ step: "idle" }, '[part~="finalize-button"]')}>
          Cancel
        </button>
      </div>
      ${f.step === "failed" ? renderFormProblem(f.problem) : nothing}
    </div>`;
  }

  #setFinalize(next: Finalize, focus?: string): void {
    this.#finalize = next;
    this.#focusNext = focus;
    this.requestUpdate();
  }

  async #doFinalize(selectedIds: string[]): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#finalize.step === "sending") return;
    this.#setFinalize({ step: "sending" });
    try {
      this.#plan = await gk.plans.finalize(
        plan.id,
        selectedIds.length ? { mode: "select", proposalIds: selectedIds } : { mode: "top_voted", count: 1 },
      );
      this.#setFinalize({ step: "idle" }, '[part~="itinerary-title"]');
      await this.#refresh();
    } catch (error) {
      this.#setFinalize({ step: "failed", problem: formProblem(error) });
    }
  }

  #renderItinerary(plan: Plan): TemplateResult {
    const selected = this.#votes.proposals
      .filter((p) => p.status === "selected")
      // By start time; proposals without one last.
      .sort((a, b) => (a.startsAt === null ? 1 : 0) - (b.startsAt === null ? 1 : 0) || (a.startsAt ?? "").localeCompare(b.startsAt ?? ""));
    return html`<section part="section itinerary-section" aria-labelledby="itinerary-title">
      <h3 part="section-title itinerary-title" id="itinerary-title">Itinerary</h3>
      ${
        selected.length
          ? html`<ol part="itinerary">
            ${selected.map(
              (p) => html`<li>
                <strong>${p.title}</strong>
                ${p.startsAt ? html`<span class="muted">${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone)}</span>` : nothing}
              </li>`,
            )}
          </ol>`
          : html`<p class="muted">Nothing was selected.</p>`
      }
      ${
        plan.calendarUrl
          ? html`<p><a part="calendar-link" href=${plan.calendarUrl}>Add to calendar<span class="visually-hidden"> (iCalendar feed of ${plan.title})</span></a></p>`
          : nothing
      }
    </section>`;
  }

  #renderProposals(plan: Plan): TemplateResult {
    const role = this.#role;
    const open = votingOpen(plan, this.#clock.now);
    const list = plan.status === "planning" || plan.status === "cancelled" ? this.#votes.proposals : [];
    const canPropose = plan.status === "planning" && (role === "organizer" || (plan.type === "trip" && role !== null));
    if (!list.length && !canPropose && plan.status !== "planning") return html``;
    return html`<section part="section proposals-section" aria-labelledby="proposals-title">
      <h3 part="section-title" id="proposals-title">Proposals</h3>
      ${
        list.length
          ? html`<ol part="proposals">
            ${repeat(
              list,
              (p) => p.id,
              (p) => this.#renderProposal(plan, p, open, role),
            )}
          </ol>`
          : html`<p class="muted">No proposals yet.</p>`
      }
      ${canPropose ? this.#renderProposeForm(plan) : nothing}
    </section>`;
  }

  #renderProposal(plan: Plan, p: Proposal, open: boolean, role: PlanRole | null): TemplateResult {
    const meta: unknown[] = [];
    if (p.startsAt) meta.push(html`<time datetime=${p.startsAt}>${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone)}</time>`);
    if (p.cost) meta.push(`${formatMoney(p.cost.amount, p.cost.currency)} ${p.cost.kind === "per_person" ? "per person" : "in total"}`);
    if (p.url)
      meta.push(
        html`<a href=${p.url} rel="noopener noreferrer" target="_blank">Details<span class="visually-hidden"> of ${p.title} (opens a new tab)</span></a>`,
      );
    const decision = this.#decisions.get(p.id);
    return html`<li part="proposal" id=${`proposal-${p.id}`}>
      <h4 part="proposal-title">
        ${p.title}
        ${p.status !== "proposed" ? html`<span part="badge">${p.status === "selected" ? "Selected" : "Rejected"}</span>` : nothing}
      </h4>
      ${meta.length ? html`<p part="proposal-meta">${meta.map((m, i) => html`${i ? " · " : ""}${m}`)}</p>` : nothing}
      ${p.description ? html`<p class="description">${p.description}</p>` : nothing}
      ${p.status !== "rejected" ? renderVoteControl(this.#votes, p, { open: open && p.status === "proposed" && role !== null }) : nothing}
      ${
        role === "organizer" && plan.status === "planning"
          ? html`<div part="proposal-actions" role="group" aria-label=${`Decide on ${p.title}`}>
            ${
              p.status === "proposed"
                ? html`<button type="button" part="select-button" class="secondary" aria-disabled=${decision?.busy ? "true" : "false"} @click=${() => void this.#decide(p, "select")}>Select</button>
                  <button type="button" part="reject-button" class="secondary" aria-disabled=${decision?.busy ? "true" : "false"} @click=${() => void this.#decide(p, "reject")}>Reject</button>`
                : p.status === "rejected"
                  ? html`<button type="button" part="reopen-button" class="secondary" aria-disabled=${decision?.busy ? "true" : "false"} @click=${() => void this.#decide(p, "reopen")}>Reopen</button>`
                  : nothing
            }
          </div>`
          : nothing
      }
      ${decision?.problem ? html`<div part="proposal-error">${renderFormProblem(decision.problem)}</div>` : nothing}
      ${p.capacity !== null ? this.#renderPlaces(plan, p, p.capacity, role) : nothing}
    </li>`;
  }

  /** Places in a proposal with a capacity: how many are taken, and Take a place / Give up my place. */
  #renderPlaces(plan: Plan, p: Proposal, capacity: number, role: PlanRole | null): TemplateResult {
    const full = p.takenCount >= capacity;
    const state = this.#commitments.get(p.id);
    const canCommit = role !== null && this.viewerId !== null && p.status !== "rejected" && ACTIVE_STATUSES.includes(plan.status);
    return html`<div part="places">
      <p part="places-count">
        ${p.takenCount} of ${capacity} places taken${full ? html` <span part="badge places-full">Full</span>` : nothing}${
          p.committed ? html` <span part="badge">You have a place</span>` : nothing
        }
      </p>
      ${
        canCommit && (p.committed || !full)
          ? html`<button
            type="button"
            part=${p.committed ? "uncommit-button" : "commit-button"}
            class="secondary"
            aria-disabled=${state?.busy ? "true" : "false"}
            aria-label=${p.committed ? `Give up my place in ${p.title}` : `Take a place in ${p.title}`}
            @click=${() => void this.#setCommitted(p, !p.committed)}
          >
            ${p.committed ? "Give up my place" : "Take a place"}
          </button>`
          : nothing
      }
      ${state?.problem ? html`<div part="places-error">${renderFormProblem(state.problem)}</div>` : nothing}
    </div>`;
  }

  async #setCommitted(p: Proposal, commit: boolean): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#commitments.get(p.id)?.busy) return;
    this.#commitments.set(p.id, { busy: true });
    this.requestUpdate();
    try {
      if (commit) {
        this.#votes.upsert(await gk.plans.proposals.commit(plan.id, p.id));
      } else {
        await gk.plans.proposals.uncommit(plan.id, p.id);
        this.#votes.upsert(await gk.plans.proposals.retrieve(plan.id, p.id));
      }
      this.#commitments.delete(p.id);
      // The button pressed is replaced by its opposite: keep focus there.
      this.#focusNext = `#proposal-${p.id} [part~="${commit ? "uncommit-button" : "commit-button"}"]`;
    } catch (error) {
      this.#commitments.set(p.id, { busy: false, problem: formProblem(error) });
      // A refusal such as proposal_full means the counts moved: show them as they are. If the
      // button goes (the proposal is full now), focus moves to the explanation, not to the page.
      this.#focusNext = `#proposal-${p.id} [part~="places-error"]`;
      void this.#refreshProposal(p.id);
    }
    this.requestUpdate();
  }

  async #refreshProposal(proposalId: string): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan) return;
    try {
      this.#votes.upsert(await gk.plans.proposals.retrieve(plan.id, proposalId));
    } catch {}
  }

  async #decide(p: Proposal, action: "select" | "reject" | "reopen"): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#decisions.get(p.id)?.busy) return;
    this.#decisions.set(p.id, { busy: true });
    this.requestUpdate();
    try {
      const updated = await gk.plans.proposals[action](plan.id, p.id);
      this.#decisions.delete(p.id);
      this.#votes.upsert(updated);
      // The button pressed is replaced by the next decision's: keep focus on the card's actions.
      const next = action === "reject" ? "reopen-button" : action === "reopen" ? "select-button" : "proposal-title";
      this.#focusNext = `#proposal-${p.id} [part~="${next}"]`;
    } catch (error) {
      this.#decisions.set(p.id, { busy: false, problem: formProblem(error) });
    }
    this.requestUpdate();
  }

  #renderProposeForm(plan: Plan): TemplateResult {
    const s = this.#propose;
    return html`<details part="propose">
      <summary part="propose-summary">Propose something</summary>
      <form part="propose-form" @submit=${this.#submitProposal} aria-busy=${s.busy ? "true" : "false"}>
        <div part="field">
          <label for="p-title">Title</label>
          <input id="p-title" name="title" required maxlength="200" part="input" />
        </div>
        <div part="field">
          <label for="p-description">Description <span class="optional">(optional)</span></label>
          <textarea id="p-description" name="description" maxlength="5000" part="input"></textarea>
        </div>
        <div class="row">
          <div part="field">
            <label for="p-starts">Starts <span class="optional">(optional, ${plan.timeZone} time)</span></label>
            <input id="p-starts" name="startsAt" type="datetime-local" part="input" />
          </div>
          <div part="field">
            <label for="p-ends">Ends <span class="optional">(optional)</span></label>
            <input id="p-ends" name="endsAt" type="datetime-local" part="input" />
          </div>
        </div>
        <div class="row">
          <div part="field">
            <label for="p-cost">Cost in ${plan.currency} <span class="optional">(optional)</span></label>
            <input id="p-cost" name="cost" inputmode="decimal" autocomplete="off" part="input" />
          </div>
          <div part="field">
            <label for="p-cost-kind">Cost is</label>
            <select id="p-cost-kind" name="costKind" part="input">
              <option value="per_person">per person</option>
              <option value="total">in total, shared</option>
            </select>
          </div>
        </div>
        <div part="field">
          <label for="p-url">Link <span class="optional">(optional)</span></label>
          <input id="p-url" name="url" type="url" maxlength="2000" placeholder="https://" part="input" />
        </div>
        <button type="submit" part="submit-button" aria-disabled=${s.busy ? "true" : "false"}>${s.busy ? "Adding…" : "Add proposal"}</button>
        <p part="form-status" role="status">${s.added ? `Added “${s.added}”.` : ""}</p>
        ${renderFormProblem(s.problem)}
      </form>
    </details>`;
  }

  #submitProposal = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#propose.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? "").trim();
    const params: ProposalCreateParams = { title: field("title") };
    if (field("description")) params.description = field("description");
    if (field("url")) params.url = field("url");
    for (const key of ["startsAt", "endsAt"] as const) {
      const iso = field(key) ? zonedToIso(field(key), plan.timeZone) : null;
      if (iso) params[key] = iso;
    }
    if (field("cost")) {
      const amount = parseMoney(field("cost"), plan.currency);
      if (amount === null) {
        this.#propose = {
          busy: false,
          problem: { message: `Enter the cost as an amount in ${plan.currency}, such as 12.50.`, fields: [] },
        };
        this.requestUpdate();
        return;
      }
      params.cost = { kind: field("costKind") === "total" ? "total" : "per_person", amount, currency: plan.currency };
    }
    this.#propose = { busy: true };
    this.requestUpdate();
    try {
      const proposal = await gk.plans.proposals.create(plan.id, params);
      this.#votes.upsert(proposal);
      form.reset();
      this.#propose = { busy: false, added: proposal.title };
      this.#focusNext = "#p-title";
      emit(this, "gk-proposal-created", { planId: plan.id, proposal });
    } catch (error) {
      this.#propose = { busy: false, problem: formProblem(error) };
    }
    this.requestUpdate();
  };

  #renderPeople(): TemplateResult {
    const online = new Set(this.#live.presence.map((p) => p.id));
    const people = this.#participants
      .filter((p) => p.removedAt === null)
      .sort((a, b) => Number(b.role === "organizer") - Number(a.role === "organizer") || a.name.localeCompare(b.name));
    return html`<section part="section people-section" aria-labelledby="people-title">
      <h3 part="section-title" id="people-title">People (${people.length})</h3>
      <ul part="participants">
        ${repeat(
          people,
          (p) => p.participantId,
          (p) => {
            const here = online.has(p.participantId);
            return html`<li part=${here ? "participant participant-online" : "participant"}>
              <span part="presence" class=${here ? "online" : ""}
                ><span class="dot" aria-hidden="true"></span><span class="visually-hidden">${here ? "online" : "offline"}:</span></span
              >
              ${p.name}
              ${p.participantId === this.viewerId ? html`<span part="badge">You</span>` : nothing}
              ${p.role === "organizer" ? html`<span part="badge">Organizer</span>` : nothing}
            </li>`;
          },
        )}
      </ul>
    </section>`;
  }

  #renderMoney(): TemplateResult {
    const b = this.#balances;
    const transfers = b?.transfers ?? [];
    const open = (b?.balances ?? []).filter((x) => x.status !== "settled" || x.paid !== 0 || x.share !== 0);
    return html`<section part="section money-section" aria-labelledby="money-title">
      <h3 part="section-title" id="money-title">Who owes whom</h3>
      ${
        !transfers.length && !open.length
          ? html`<p class="muted">Nobody owes anything yet.</p>`
          : html`${
              transfers.length
                ? html`<h4>To settle up</h4>
                  <ul part="transfers">
                    ${transfers.map(
                      (t) => html`<li part="transfer">
                        ${this.#name(t.fromParticipantId)} ${t.fromParticipantId === this.viewerId ? "pay" : "pays"}
                        ${this.#name(t.toParticipantId, "you")} <strong>${formatMoney(t.amount, b!.currency)}</strong>
                        ${t.fromParticipantId === this.viewerId ? this.#renderMarkPaid(t, b!.currency) : nothing}
                      </li>`,
                    )}
                  </ul>`
                : html`<p class="muted">Everyone is settled up.</p>`
            }
            ${
              open.length
                ? html`<h4>Balances</h4>
                  <ul part="balances">
                    ${open.map((x) => html`<li part="balance">${this.#name(x.participantId)}: ${this.#balanceText(x, b!.currency)}</li>`)}
                  </ul>`
                : nothing
            }`
      }
      ${this.#renderToConfirm()}
    </section>`;
  }

  #renderMarkPaid(t: SettleUpTransfer, currency: string): TemplateResult {
    const key = `${t.fromParticipantId}>${t.toParticipantId}`;
    const state = this.#paying.get(key);
    const to = this.#name(t.toParticipantId);
    return html`<button
        type="button"
        part="mark-paid-button"
        class="secondary"
        aria-disabled=${state?.busy ? "true" : "false"}
        aria-label=${`Mark as paid: ${formatMoney(t.amount, currency)} to ${to}`}
        @click=${() =>
          void this.#pay(key, (gk, planId) =>
            gk.plans.payments.create(planId, {
              fromParticipantId: t.fromParticipantId,
              toParticipantId: t.toParticipantId,
              amount: t.amount,
              currency,
            }),
          )}
      >
        Mark as paid
      </button>
      ${state?.problem ? html`<div part="payment-error">${renderFormProblem(state.problem)}</div>` : nothing}`;
  }

  /** Payments others recorded as sent to the viewer, waiting for the viewer to confirm them. */
  #renderToConfirm(): TemplateResult | typeof nothing {
    const me = this.viewerId;
    const waiting = me === null ? [] : this.#payments.filter((p) => p.status === "pending" && p.toParticipantId === me);
    if (!waiting.length) return nothing;
    return html`<h4>Waiting for you to confirm</h4>
      <ul part="payments-to-confirm">
        ${waiting.map((p) => {
          const state = this.#paying.get(p.id);
          const from = this.#name(p.fromParticipantId);
          const amount = formatMoney(p.amount, p.currency);
          return html`<li part="payment-to-confirm">
            ${from} says they paid you <strong>${amount}</strong>
            <button
              type="button"
              part="confirm-received-button"
              class="secondary"
              aria-disabled=${state?.busy ? "true" : "false"}
              aria-label=${`Confirm received: ${amount} from ${from}`}
              @click=${() => void this.#pay(p.id, (gk, planId) => gk.plans.payments.update(planId, p.id, { status: "received" }))}
            >
              Confirm received
            </button>
            ${state?.problem ? html`<div part="payment-error">${renderFormProblem(state.problem)}</div>` : nothing}
          </li>`;
        })}
      </ul>`;
  }

  async #pay(key: string, send: (gk: Gatherkit, planId: string) => Promise<Payment>): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#paying.get(key)?.busy) return;
    this.#paying.set(key, { busy: true });
    this.requestUpdate();
    try {
      await send(gk, plan.id);
      this.#paying.delete(key);
      // The button goes with the settled transfer: focus the section's heading, not the page.
      this.#focusNext = "#money-title";
      await this.#refreshBalances();
    } catch (error) {
      this.#paying.set(key, { busy: false, problem: formProblem(error) });
    }
    this.requestUpdate();
  }

  #balanceText(b: Balance, currency: string): string {
    const mine = b.participantId === this.viewerId;
    switch (b.status) {
      case "owes":
        return `${mine ? "owe" : "owes"} ${formatMoney(-b.outstanding, currency)}`;
      case "owed":
        return `${mine ? "are" : "is"} owed ${formatMoney(b.outstanding, currency)}`;
      case "paid":
        return `paid ${formatMoney(b.pendingOut, currency)}, waiting for confirmation`;
      case "settled":
        return "settled up";
    }
  }

  #renderChat(plan: Plan): TemplateResult {
    const s = this.#chat;
    const canChat = this.viewerId === null || this.#role !== null;
    return html`<section part="section chat-section" aria-labelledby="chat-title">
      <h3 part="section-title" id="chat-title">Chat</h3>
      <div part="messages" role="log" aria-labelledby="chat-title" tabindex="0">
        ${
          this.#messages.length
            ? html`<ol>
              ${repeat(
                this.#messages,
                (m) => m.id,
                (m) => this.#renderMessage(m),
              )}
            </ol>`
            : html`<p class="muted">No messages yet.</p>`
        }
      </div>
      ${this.#typing.size ? html`<p part="typing" class="muted">${typingText([...this.#typing.values()].map((t) => t.name))}</p>` : nothing}
      ${
        canChat
          ? html`<form part="chat-form" @submit=${this.#send} aria-busy=${s.busy ? "true" : "false"}>
            <div part="field">
              <label for="chat-input">Message</label>
              <div class="row tight">
                <input
                  id="chat-input"
                  name="body"
                  required
                  maxlength="4000"
                  autocomplete="off"
                  part="input"
                  @input=${this.#typed}
                  @blur=${this.#stoppedTyping}
                />
                <button type="submit" part="submit-button" aria-disabled=${s.busy ? "true" : "false"}>Send</button>
              </div>
            </div>
            ${renderFormProblem(s.problem)}
          </form>`
          : nothing
      }
      ${plan.status === "cancelled" ? html`<p class="muted">This plan was cancelled.</p>` : nothing}
    </section>`;
  }

  #renderMessage(m: ChatMessage): TemplateResult {
    const deleted = m.body === null || m.deletedAt !== null;
    const mine = this.viewerId !== null && m.authorParticipantId === this.viewerId;
    const canEdit = mine && !deleted;
    const canDelete = !deleted && (mine || this.#role === "organizer");
    const editing = this.#editing?.id === m.id ? this.#editing : undefined;
    const state = this.#messageActions.get(m.id);
    return html`<li part="message" id=${`message-${m.id}`}>
      <span part="message-author">${mine ? "You" : m.authorName}</span>
      <time part="message-time" datetime=${m.createdAt}>${formatInstant(m.createdAt)}</time>
      ${
        deleted
          ? html`<p part="message-deleted" class="muted deleted">Message deleted.</p>`
          : editing
            ? html`<form part="message-edit-form" @submit=${(e: SubmitEvent) => void this.#saveEdit(e, m)} aria-busy=${editing.busy ? "true" : "false"}>
              <label for="edit-input" class="visually-hidden">Edit your message</label>
              <div class="row tight">
                <input id="edit-input" name="body" required maxlength="4000" autocomplete="off" part="input" .value=${m.body ?? ""} @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.#stopEditing(m.id)} />
                <button type="submit" part="message-save-button" aria-disabled=${editing.busy ? "true" : "false"}>Save</button>
                <button type="button" part="message-cancel-button" class="secondary" @click=${() => this.#stopEditing(m.id)}>Cancel</button>
              </div>
              ${renderFormProblem(editing.problem)}
            </form>`
            : html`<p>${m.body}${m.editedAt ? html` <span part="message-edited" class="muted">(edited)</span>` : nothing}</p>`
      }
      ${
        !editing && (canEdit || canDelete)
          ? html`<div part="message-actions" role="group" aria-label=${`${mine ? "Your message" : `Message from ${m.authorName}`} at ${formatInstant(m.createdAt)}`}>
            ${
              canEdit
                ? html`<button type="button" part="message-edit-button" class="secondary" @click=${() => this.#startEditing(m.id)}>Edit</button>`
                : nothing
            }
            ${
              canDelete
                ? html`<button type="button" part="message-delete-button" class="secondary" aria-disabled=${state?.busy ? "true" : "false"} @click=${() => void this.#deleteMessage(m)}>Delete</button>`
                : nothing
            }
          </div>`
          : nothing
      }
      ${state?.problem ? html`<div part="message-error">${renderFormProblem(state.problem)}</div>` : nothing}
    </li>`;
  }

  #startEditing(id: string): void {
    this.#editing = { id, busy: false };
    this.#focusNext = "#edit-input";
    this.requestUpdate();
  }

  #stopEditing(id: string): void {
    this.#editing = undefined;
    this.#focusNext = `#message-${id} [part~="message-edit-button"]`;
    this.requestUpdate();
  }

  async #saveEdit(event: SubmitEvent, m: ChatMessage): Promise<void> {
    event.preventDefault();
    const gk = this.gatherkit;
    const plan = this.#plan;
    const editing = this.#editing;
    if (!gk || !plan || !editing || editing.busy) return;
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("body") as HTMLInputElement;
    const body = input.value.trim();
    if (!body) return;
    if (body === m.body) return this.#stopEditing(m.id);
    this.#editing = { id: m.id, busy: true };
    this.requestUpdate();
    try {
      this.#upsertMessage(await gk.plans.messages.update(plan.id, m.id, { body }));
      this.#stopEditing(m.id);
    } catch (error) {
      this.#editing = { id: m.id, busy: false, problem: formProblem(error) };
      this.requestUpdate();
    }
  }

  async #deleteMessage(m: ChatMessage): Promise<void> {
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#messageActions.get(m.id)?.busy) return;
    this.#messageActions.set(m.id, { busy: true });
    this.requestUpdate();
    try {
      await gk.plans.messages.del(plan.id, m.id);
      this.#messageActions.delete(m.id);
      const now = new Date().toISOString();
      this.#upsertMessage({ ...m, body: null, deletedAt: m.deletedAt ?? now });
      // The buttons go with the message: focus the tombstone, not the page.
      this.#focusNext = `#message-${m.id} [part~="message-deleted"]`;
    } catch (error) {
      this.#messageActions.set(m.id, { busy: false, problem: formProblem(error) });
    }
    this.requestUpdate();
  }

  #send = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const gk = this.gatherkit;
    const plan = this.#plan;
    if (!gk || !plan || this.#chat.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem("body") as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    this.#chat = { busy: true };
    this.requestUpdate();
    try {
      const message = await gk.plans.messages.create(plan.id, { body: text });
      this.#upsertMessage(message);
      input.value = "";
      this.#stoppedTyping();
      this.#chat = { busy: false };
      emit(this, "gk-message-sent", { planId: plan.id, message });
    } catch (error) {
      this.#chat = { busy: false, problem: formProblem(error) };
    }
    this.requestUpdate();
  };
}

/** "Ana is typing…", "Ana and Ben are typing…", "3 people are typing…". */
function typingText(names: string[]): string {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

defineElement("gk-plan-board", GkPlanBoard);
