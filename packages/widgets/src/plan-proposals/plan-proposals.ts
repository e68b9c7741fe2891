import type { Plan, PlanRole, Proposal } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { lazyImage } from "../base/image.js";
import { Clock } from "../internal/plans/clock.js";
import { formatInstantRange, formatMoney } from "../internal/plans/format.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import type { PlanStore } from "../internal/plans/plan-store.js";
import type { PlanStrings } from "../internal/plans/plans.strings.js";
import { loadOnce } from "../internal/plans/util.js";
import { renderVoteControl, votingOpen } from "../internal/plans/vote-control.js";
import { voteControlStyles } from "../internal/plans/vote-control.styles.js";
import { PLAN_PROPOSALS_LOCALES, PLAN_PROPOSALS_STRINGS, type PlanProposalsStrings } from "./plan-proposals.strings.js";
import { planProposalsStyles } from "./plan-proposals.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";
export type { VoteCastDetail } from "../internal/plans/vote-control.js";

/** Detail of `gk-proposal-created`: the viewer added a proposal through the propose form. */
export interface ProposalCreatedDetail {
  planId: string;
  proposal: Proposal;
}

declare global {
  interface GkEventDetailMap {
    "gk-proposal-created": ProposalCreatedDetail;
  }
  interface HTMLElementTagNameMap {
    "gk-plan-proposals": GkPlanProposals;
  }
}

type ProposeFormModule = typeof import("./propose-form.js");
const loadProposeForm = loadOnce(() => import("./propose-form.js"));

/** Plan statuses in which places can be taken and given up (the API's `commit` activity). */
const ACTIVE_STATUSES: readonly Plan["status"][] = ["planning", "finalized"];

/**
 * A plan's proposals as cards: when and what they cost, their live tallies and the viewer's vote
 * (yes / maybe / no), places to take in proposals with a capacity, and a "Propose something"
 * form (everyone in a trip, organizers in event and purchase plans). Organizers also get Select /
 * Reject / Reopen on each proposal and Finalize (with the proposals marked Selected, or else the
 * top-voted one) after a confirmation. Once the plan is finalized it shows the itinerary, with an
 * "Add to calendar" link.
 *
 * Inside `<gk-plan-board>` or `<gk-plan>` it shows their plan; alone it takes the same attributes
 * as the board (`plan`, `token` or `invite`, `api-base`, …).
 *
 * ```html
 * <gk-plan-proposals api-base="https://api.example.com" plan="plan_…" token="gk_pt_…"></gk-plan-proposals>
 * ```
 *
 * @tag gk-plan-proposals
 * @summary A plan's proposals: votes, places, the propose form, organizer decisions and the itinerary.
 *
 * @event {CustomEvent<VoteCastDetail>} gk-vote-cast - The API recorded the viewer's vote: `{ planId, proposalId, value, participantId }`.
 * @event {CustomEvent<ProposalCreatedDetail>} gk-proposal-created - The viewer added a proposal: `{ planId, proposal }`.
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - Alone with `invite`: the visitor joined through the invite form.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart heading - The section's heading ("Proposals", "Itinerary").
 * @csspart proposal - One proposal card.
 * @csspart proposal-title - A proposal's title (with its badges).
 * @csspart proposal-images - A proposal's images (lazy-loaded), each a `proposal-image`.
 * @csspart badge - Selected, Rejected, Full, "You have a place".
 * @csspart tally - A proposal's votes: counts with bars, or "Results appear after the deadline".
 * @csspart vote-option - One of yes / maybe / no (a label around its radio button).
 * @csspart vote-option-checked - The viewer's choice.
 * @csspart button - Every button: Select, Reject, Reopen, Take a place, Give up my place, Finalize, Add proposal.
 * @csspart input - The propose form's fields.
 * @csspart form-error - Why the API refused a vote, a decision, a place or a proposal.
 * @csspart itinerary - The list of selected proposals once the plan is finalized.
 * @csspart notice - Alone: "You are no longer in this plan" once the viewer lost access.
 *
 * @cssproperty --gk-plan-card-background - Background of proposal cards (default: `--gk-plan-board-card-background`, else the surface colour).
 * @cssproperty --gk-vote-bar-color - Colour of the tally bars (default: the accent colour).
 */
export class GkPlanProposals extends PlanElement {
  static override styles = [GkElement.styles, planStyles, voteControlStyles, planProposalsStyles];
  static override properties: PropertyDeclarations = {
    confirmingFinalize: { state: true, attribute: false },
    added: { state: true, attribute: false },
  };

  protected override showsProposals(): boolean {
    return true;
  }

  readonly #clock = new Clock(this);
  /** Sentences in your own words (see `PLAN_PROPOSALS_STRINGS`, and the plan widgets' `PLAN_STRINGS`). Property only. */
  declare strings: Partial<PlanStrings & PlanProposalsStrings>;
  readonly #s = new Strings(this, PLAN_PROPOSALS_STRINGS, PLAN_PROPOSALS_LOCALES);
  readonly #actions = new ActionController(this, { disabled: () => this.locked });
  readonly #part = this.loadPart((store) => store.ensureProposals());
  #proposeForm: ProposeFormModule | undefined;
  /** Finalizing asks first. */
  declare private confirmingFinalize: boolean;
  /** The title of the proposal just added, announced under the form. */
  declare private added: string | undefined;

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The propose form sits folded under "Propose something": its code is fetched once the proposals show.
    if (!this.#proposeForm && this.store?.ready) {
      loadProposeForm().then(
        (form) => {
          this.#proposeForm = form;
          this.requestUpdate();
        },
        // Not arrived: the form stays folded and empty; the next update tries again.
        () => {},
      );
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const plan = this.store?.plan;
    // When the deadline passes while the page is open, hidden results become visible.
    if (plan) this.store!.votes.noteOpen(votingOpen(plan, this.#clock.now));
  }

  override render() {
    return this.renderPlan(this.#part, {
      messages: { loading: this.#s.value.loading },
      isEmpty: () => false,
      complete: () => this.#render(this.store!, this.store!.plan!),
    });
  }

  #render(store: PlanStore, plan: Plan): TemplateResult {
    const finalized = plan.status === "finalized" || plan.status === "completed";
    return html`<fieldset class="scope" ?disabled=${this.locked}>
      ${finalized ? this.#renderItinerary(plan) : this.#renderProposals(store, plan)}
    </fieldset>`;
  }

  #renderItinerary(plan: Plan): TemplateResult {
    const t = this.#s.value;
    const selected = this.store!.votes.proposals.filter((p) => p.status === "selected")
      // By start time; proposals without one last.
      .sort((a, b) => (a.startsAt === null ? 1 : 0) - (b.startsAt === null ? 1 : 0) || (a.startsAt ?? "").localeCompare(b.startsAt ?? ""));
    return html`<h3 part="heading" id="itinerary-title">${t.itinerary}</h3>
      ${
        selected.length
          ? html`<ol part="itinerary">
            ${selected.map(
              (p) => html`<li>
                <strong>${p.title}</strong>
                ${p.startsAt ? html`<span class="muted">${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone, this.resolvedLocale)}</span>` : nothing}
              </li>`,
            )}
          </ol>`
          : html`<p class="muted">${t.nothingSelected}</p>`
      }
      ${
        plan.calendarUrl
          ? html`<p><a class="calendar-link" href=${plan.calendarUrl}>${t.addToCalendar}<span class="visually-hidden">${t.feedOf(plan.title)}</span></a></p>`
          : nothing
      }`;
  }

  #renderProposals(store: PlanStore, plan: Plan): TemplateResult {
    const role = store.role;
    const open = votingOpen(plan, this.#clock.now);
    const list = store.votes.proposals;
    const canPropose = plan.status === "planning" && (role === "organizer" || (plan.type === "trip" && role !== null));
    const t = this.#s.value;
    return html`<h3 part="heading" id="proposals-title">${t.proposals}</h3>
      ${role === "organizer" && plan.status === "planning" ? this.#renderFinalize(store) : nothing}
      ${
        list.length
          ? html`<ol class="proposals">
            ${repeat(
              list,
              (p) => p.id,
              (p) => this.#renderProposal(store, plan, p, open, role),
            )}
          </ol>`
          : html`<p class="muted">${t.none}</p>`
      }
      ${canPropose ? this.#renderProposeForm(plan) : nothing}`;
  }

  #renderFinalize(store: PlanStore): TemplateResult {
    const selected = store.votes.proposals.filter((p) => p.status === "selected");
    const t = this.#s.value;
    if (!this.confirmingFinalize) {
      return html`<div class="organizer-controls">
        <button type="button" part="button" class="finalize" @click=${() => this.#confirmFinalize(true)}>${t.finalizeAsk}</button>
      </div>`;
    }
    const busy = this.#actions.busy("finalize");
    return html`<div class="organizer-controls" role="group" aria-labelledby="finalize-question">
      <p id="finalize-question">${t.finalizeQuestion(selected.length)}</p>
      <div class="actions">
        <button
          type="button"
          part="button"
          class="finalize-confirm"
          aria-disabled=${busy ? "true" : "false"}
          @click=${() =>
            void this.#finalize(
              store,
              selected.map((p) => p.id),
            )}
        >
          ${busy ? t.finalizing : t.finalize}
        </button>
        <button type="button" part="button" class="secondary finalize-cancel" @click=${() => this.#confirmFinalize(false)}>${t.cancel}</button>
      </div>
      ${this.#actions.renderProblem("finalize")}
    </div>`;
  }

  #confirmFinalize(confirming: boolean): void {
    this.confirmingFinalize = confirming;
    this.#actions.clear("finalize");
    this.#actions.focusAfterUpdate(confirming ? ".finalize-confirm" : ".finalize");
  }

  async #finalize(store: PlanStore, selectedIds: string[]): Promise<void> {
    const params = selectedIds.length ? { mode: "select" as const, proposalIds: selectedIds } : { mode: "top_voted" as const, count: 1 };
    await this.#actions.run(
      "finalize",
      async () => {
        store.setPlan(await store.client.plans.finalize(store.planId, params));
        this.confirmingFinalize = false;
        await store.refresh();
      },
      { focus: "#itinerary-title" },
    );
  }

  #renderProposal(store: PlanStore, plan: Plan, p: Proposal, open: boolean, role: PlanRole | null): TemplateResult {
    const t = this.#s.value;
    const meta: unknown[] = [];
    if (p.startsAt)
      meta.push(html`<time datetime=${p.startsAt}>${formatInstantRange(p.startsAt, p.endsAt, plan.timeZone, this.resolvedLocale)}</time>`);
    if (p.cost) meta.push(t.cost(formatMoney(p.cost.amount, p.cost.currency, this.resolvedLocale), p.cost.kind === "per_person"));
    if (p.url)
      meta.push(
        html`<a href=${p.url} rel="noopener noreferrer" target="_blank">${t.details}<span class="visually-hidden">${t.detailsOf(p.title)}</span></a>`,
      );
    const key = `decide:${p.id}`;
    const busy = this.#actions.busy(key) ? "true" : "false";
    const decide = (action: "select" | "reject" | "reopen", label: string) =>
      html`<button type="button" part="button" class=${`secondary ${action}`} aria-disabled=${busy} @click=${() => void this.#decide(store, p, action)}>${label}</button>`;
    return html`<li part="proposal" id=${`proposal-${p.id}`}>
      <h4 part="proposal-title">
        ${p.title}
        ${p.status !== "proposed" ? html`<span part="badge">${p.status === "selected" ? t.selected : t.rejected}</span>` : nothing}
      </h4>
      ${meta.length ? html`<p class="proposal-meta">${meta.map((m, i) => html`${i ? " · " : ""}${m}`)}</p>` : nothing}
      ${p.description ? html`<p class="description">${p.description}</p>` : nothing}
      ${
        p.imageUrls.length
          ? html`<div part="proposal-images">
            ${p.imageUrls.map((src, i) =>
              lazyImage({
                part: "proposal-image",
                src: new URL(src, this.gatherkit?.baseUrl ?? location.href).href,
                alt: t.photo(i + 1, p.title),
                width: 160,
                height: 120,
                sizes: "10rem",
              }),
            )}
          </div>`
          : nothing
      }
      ${
        p.status !== "rejected"
          ? renderVoteControl(store.votes, p, {
              open: open && p.status === "proposed" && role !== null,
              origin: this,
              strings: this.planStrings,
            })
          : nothing
      }
      ${
        role === "organizer" && plan.status === "planning"
          ? html`<div class="actions" role="group" aria-label=${t.decideOn(p.title)}>
            ${
              p.status === "proposed"
                ? html`${decide("select", t.select)} ${decide("reject", t.reject)}`
                : p.status === "rejected"
                  ? decide("reopen", t.reopen)
                  : nothing
            }
          </div>`
          : nothing
      }
      ${this.#actions.renderProblem(key)}
      ${p.capacity !== null ? this.#renderPlaces(store, plan, p, p.capacity) : nothing}
    </li>`;
  }

  async #decide(store: PlanStore, p: Proposal, action: "select" | "reject" | "reopen"): Promise<void> {
    // The button pressed is replaced by the next decision's: keep focus on the card.
    const next = action === "reject" ? ".reopen" : action === "reopen" ? ".select" : '[part~="proposal-title"]';
    await this.#actions.run(
      `decide:${p.id}`,
      async () => store.votes.upsert(await store.client.plans.proposals[action](store.planId, p.id)),
      {
        focus: `#proposal-${p.id} ${next}`,
      },
    );
  }

  /** Places in a proposal with a capacity: how many are taken, and Take a place / Give up my place. */
  #renderPlaces(store: PlanStore, plan: Plan, p: Proposal, capacity: number): TemplateResult {
    const full = p.takenCount >= capacity;
    const t = this.#s.value;
    const key = `places:${p.id}`;
    const canCommit = store.role !== null && store.viewerId !== null && p.status !== "rejected" && ACTIVE_STATUSES.includes(plan.status);
    return html`<div class="places">
      <p class="places-count">
        ${t.placesTaken(p.takenCount, capacity)}${full ? html` <span part="badge">${t.full}</span>` : nothing}${
          p.committed ? html` <span part="badge">${t.youHaveAPlace}</span>` : nothing
        }
      </p>
      ${
        canCommit && (p.committed || !full)
          ? html`<button
            type="button"
            part="button"
            class=${p.committed ? "secondary uncommit" : "secondary commit"}
            aria-disabled=${this.#actions.busy(key) ? "true" : "false"}
            aria-label=${p.committed ? t.giveUpIn(p.title) : t.takeIn(p.title)}
            @click=${() => void this.#setCommitted(store, p, !p.committed)}
          >
            ${p.committed ? t.giveUp : t.take}
          </button>`
          : nothing
      }
      <div class="places-error">${this.#actions.renderProblem(key)}</div>
    </div>`;
  }

  async #setCommitted(store: PlanStore, p: Proposal, commit: boolean): Promise<void> {
    const { client, planId } = store;
    await this.#actions.run(
      `places:${p.id}`,
      async () => {
        if (commit) {
          store.votes.upsert(await client.plans.proposals.commit(planId, p.id));
        } else {
          await client.plans.proposals.uncommit(planId, p.id);
          store.votes.upsert(await client.plans.proposals.retrieve(planId, p.id));
        }
      },
      {
        // The button pressed is replaced by its opposite: keep focus there.
        focus: `#proposal-${p.id} .${commit ? "uncommit" : "commit"}`,
        // A refusal such as proposal_full means the counts moved: show them as they are. If the
        // button goes (the proposal is full now), focus moves to the explanation, not to the page.
        focusOnError: `#proposal-${p.id} .places-error [part~="form-error"]`,
        onError: () => {
          void client.plans.proposals.retrieve(planId, p.id).then(
            (fresh) => store.votes.upsert(fresh),
            () => {},
          );
        },
      },
    );
  }

  #renderProposeForm(plan: Plan): TemplateResult {
    const form = this.#proposeForm;
    return html`<details class="propose">
      <summary>${this.#s.value.propose}</summary>
      ${
        form
          ? form.renderProposeForm({
              plan,
              store: () => this.store,
              actions: this.#actions,
              added: this.added,
              setAdded: (title) => {
                this.added = title;
              },
              origin: this,
              strings: this.#s.value,
            })
          : nothing
      }
    </details>`;
  }
}

defineElement("gk-plan-proposals", GkPlanProposals);
