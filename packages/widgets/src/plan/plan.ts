import { html } from "lit";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-plan": GkPlan;
  }
}

/**
 * One plan for the plan elements you place inside it, laid out as you like: they share its
 * client, plan, viewer and ONE live connection, instead of each opening its own. It loads the
 * plan (and shows the invite's join form first, with `invite`), then shows its content.
 *
 * ```html
 * <gk-plan api-base="https://api.example.com" plan="plan_…" token="gk_pt_…">
 *   <gk-plan-proposals></gk-plan-proposals>
 *   <aside><gk-plan-chat></gk-plan-chat></aside>
 * </gk-plan>
 * ```
 *
 * @tag gk-plan
 * @summary Shares one plan (and one live connection) with the plan elements inside it.
 *
 * @slot - The plan elements (`<gk-plan-proposals>`, `<gk-plan-people>`, `<gk-plan-money>`, `<gk-plan-chat>`, `<gk-vote>`, `<gk-plan-board>`) and anything around them.
 *
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - The visitor joined through the invite form: `{ planId, participantId }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart join - The invite's join view, with `title`, `facts`, `description`, `input`, `button` and `form-error`.
 * @csspart title - The invite's plan title.
 * @csspart facts - Organizer, dates, place and people of the invite's plan.
 * @csspart description - The invite's plan description.
 * @csspart input - The join form's fields.
 * @csspart button - The Join button.
 * @csspart form-error - Why the invite cannot be used, or the API refused joining.
 * @csspart notice - "You are no longer in this plan" once the viewer lost access.
 */
export class GkPlan extends PlanElement {
  static override styles = [GkElement.styles, planStyles];

  protected override showsProposals(): boolean {
    // Loaded with the plan when an element inside shows them first.
    return this.querySelector("gk-plan-proposals, gk-vote, gk-plan-board") !== null;
  }

  readonly #ready = this.loadPart(async () => true);

  override render() {
    return this.renderPlan(this.#ready, {
      messages: { loading: this.planStrings.loadingPlan },
      isEmpty: () => false,
      complete: () => html`<slot></slot>`,
    });
  }
}

defineElement("gk-plan", GkPlan);
