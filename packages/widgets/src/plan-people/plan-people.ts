import type { PlanParticipant } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import type { PlanStore } from "../internal/plans/plan-store.js";
import type { PlanStrings } from "../internal/plans/plans.strings.js";
import { PLAN_PEOPLE_LOCALES, PLAN_PEOPLE_STRINGS, type PlanPeopleStrings } from "./plan-people.strings.js";
import { planPeopleStyles } from "./plan-people.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-plan-people": GkPlanPeople;
  }
}

/**
 * The people in a plan, organizers first, with a dot for who has the plan open right now. An
 * organizer can make someone a co-organizer or a participant again, and remove someone from the
 * plan (after a confirmation); the API's refusal (a plan always keeps an organizer) is shown.
 *
 * Inside `<gk-plan-board>` or `<gk-plan>` it shows their plan; alone it takes the same attributes
 * as the board (`plan`, `token` or `invite`, `api-base`, …).
 *
 * @tag gk-plan-people
 * @summary Who is in a plan and who is online; organizers manage roles and remove people.
 *
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - Alone with `invite`: the visitor joined through the invite form.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart heading - The "People (3)" heading.
 * @csspart participant - One person.
 * @csspart participant-online - A person who has the plan open right now (also `participant`).
 * @csspart presence - The online dot of a person (and its hidden "online"/"offline" label).
 * @csspart badge - "You", "Organizer".
 * @csspart button - The organizer's Make organizer / Make participant / Remove… / Remove / Cancel.
 * @csspart form-error - Why the API refused a role change or a removal.
 * @csspart notice - Alone: "You are no longer in this plan" once the viewer lost access.
 *
 * @cssproperty --gk-plan-online-color - Colour of the online dot (default: `--gk-plan-board-online-color`, else the accent colour).
 */
export class GkPlanPeople extends PlanElement {
  static override styles = [GkElement.styles, planStyles, planPeopleStyles];
  static override properties: PropertyDeclarations = { confirmingRemove: { state: true, attribute: false } };

  /** Sentences in your own words (see `PLAN_PEOPLE_STRINGS`, and the plan widgets' `PLAN_STRINGS`). Property only. */
  declare strings: Partial<PlanStrings & PlanPeopleStrings>;
  readonly #s = new Strings(this, PLAN_PEOPLE_STRINGS, PLAN_PEOPLE_LOCALES);
  readonly #actions = new ActionController(this, { disabled: () => this.locked });
  readonly #part = this.loadPart((store) => store.ensureParticipants());
  /** The person an organizer is about to remove (asked to confirm). */
  declare private confirmingRemove: string | undefined;

  override render() {
    return this.renderPlan(this.#part, {
      messages: { loading: this.#s.value.loading },
      isEmpty: () => false,
      complete: () => this.#render(this.store!),
    });
  }

  #render(store: PlanStore): TemplateResult {
    const t = this.#s.value;
    const online = new Set(store.presence.map((p) => p.id));
    const me = store.viewerId;
    const organizer = store.role === "organizer";
    const people = (store.participants ?? [])
      .filter((p) => p.removedAt === null)
      .sort((a, b) => Number(b.role === "organizer") - Number(a.role === "organizer") || a.name.localeCompare(b.name, this.resolvedLocale));
    return html`<fieldset class="scope" ?disabled=${this.locked}>
      <h3 part="heading" id="people-title">${t.heading(people.length)}</h3>
      <ul class="participants">
        ${repeat(
          people,
          (p) => p.participantId,
          (p) => {
            const here = online.has(p.participantId);
            return html`<li part=${here ? "participant participant-online" : "participant"} id=${`person-${p.participantId}`}>
              <span class="who">
                <span part="presence" class=${here ? "online" : ""}
                  ><span class="dot" aria-hidden="true"></span><span class="visually-hidden">${here ? t.online : t.offline}:</span></span
                >
                ${p.name}
                ${p.participantId === me ? html`<span part="badge">${t.you}</span>` : nothing}
                ${p.role === "organizer" ? html`<span part="badge">${t.organizer}</span>` : nothing}
              </span>
              ${organizer && p.participantId !== me ? this.#renderControls(store, p) : nothing}
              ${this.#actions.renderProblem(`person:${p.participantId}`)}
            </li>`;
          },
        )}
      </ul>
    </fieldset>`;
  }

  /** An organizer's controls on someone else: their role, and removing them. */
  #renderControls(store: PlanStore, p: PlanParticipant): TemplateResult {
    const t = this.#s.value;
    const key = `person:${p.participantId}`;
    const busy = this.#actions.busy(key) ? "true" : "false";
    if (this.confirmingRemove === p.participantId) {
      return html`<div class="actions" role="group" aria-labelledby=${`remove-${p.participantId}`}>
        <span id=${`remove-${p.participantId}`}>${t.removeQuestion(p.name)}</span>
        <button type="button" part="button" class="remove-confirm" aria-disabled=${busy} @click=${() => void this.#remove(store, p)}>
          ${t.remove}
        </button>
        <button type="button" part="button" class="secondary remove-cancel" @click=${() => this.#confirmRemove(p, false)}>${t.cancel}</button>
      </div>`;
    }
    const promote = p.role !== "organizer";
    return html`<div class="actions" role="group" aria-label=${t.manage(p.name)}>
      <button
        type="button"
        part="button"
        class="secondary role"
        aria-disabled=${busy}
        @click=${() => void this.#setRole(store, p, promote ? "organizer" : "participant")}
      >
        ${promote ? t.makeOrganizer : t.makeParticipant}
      </button>
      <button type="button" part="button" class="secondary remove" @click=${() => this.#confirmRemove(p, true)}>${t.removeAsk}</button>
    </div>`;
  }

  #confirmRemove(p: PlanParticipant, confirming: boolean): void {
    this.confirmingRemove = confirming ? p.participantId : undefined;
    this.#actions.clear(`person:${p.participantId}`);
    this.#actions.focusAfterUpdate(`#person-${p.participantId} ${confirming ? ".remove-confirm" : ".remove"}`);
  }

  async #setRole(store: PlanStore, p: PlanParticipant, role: PlanParticipant["role"]): Promise<void> {
    await this.#actions.run(
      `person:${p.participantId}`,
      async () => {
        const updated = await store.client.plans.participants.update(store.planId, p.participantId, { role });
        store.setParticipant({
          planId: store.planId,
          participantId: p.participantId,
          name: updated.name,
          role: updated.role,
          removed: false,
        });
      },
      // Organizers are listed first, so the person moves: focus follows their button.
      { focus: `#person-${p.participantId} .role` },
    );
  }

  async #remove(store: PlanStore, p: PlanParticipant): Promise<void> {
    await this.#actions.run(
      `person:${p.participantId}`,
      async () => {
        await store.client.plans.participants.remove(store.planId, p.participantId);
        this.confirmingRemove = undefined;
        store.setParticipant({ planId: store.planId, participantId: p.participantId, name: p.name, role: p.role, removed: true });
      },
      // They are gone from the list: focus the section's heading, not the page.
      { focus: "#people-title" },
    );
  }
}

defineElement("gk-plan-people", GkPlanPeople);
