import type { Balance, Payment, PlanBalances, SettleUpTransfer } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type TemplateResult } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { formatMoney } from "../internal/plans/format.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import type { PlanStore } from "../internal/plans/plan-store.js";
import type { PlanStrings } from "../internal/plans/plans.strings.js";
import { collect } from "../internal/plans/util.js";
import { PLAN_MONEY_LOCALES, PLAN_MONEY_STRINGS, type PlanMoneyStrings } from "./plan-money.strings.js";
import { planMoneyStyles } from "./plan-money.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-plan-money": GkPlanMoney;
  }
}

/**
 * Who owes whom in a plan: the transfers that settle everyone up and each person's balance. The
 * viewer gets **Mark as paid** on the transfers they owe (it records a payment for the recipient
 * to confirm) and **Confirm received** on payments others recorded to them. Balances reload
 * after each, and whenever a cost or payment changes.
 *
 * Inside `<gk-plan-board>` or `<gk-plan>` it shows their plan; alone it takes the same attributes
 * as the board (`plan`, `token` or `invite`, `api-base`, …).
 *
 * @tag gk-plan-money
 * @summary Who owes whom in a plan, settle-up, Mark as paid and Confirm received.
 *
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - Alone with `invite`: the visitor joined through the invite form.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart heading - The "Who owes whom" heading.
 * @csspart transfer - One settle-up suggestion (who pays whom how much).
 * @csspart balance - One person's balance.
 * @csspart payment - A payment someone recorded as sent to the viewer, waiting for the viewer to confirm.
 * @csspart button - Mark as paid, Confirm received.
 * @csspart form-error - Why the API refused marking or confirming a payment.
 * @csspart notice - Alone: "You are no longer in this plan" once the viewer lost access.
 */
export class GkPlanMoney extends PlanElement {
  static override styles = [GkElement.styles, planStyles, planMoneyStyles];
  static override properties: PropertyDeclarations = {
    balances: { state: true, attribute: false },
    payments: { state: true, attribute: false },
  };

  declare private balances: PlanBalances | undefined;
  /** The plan's payments (for the ones waiting for the viewer to confirm). */
  declare private payments: readonly Payment[];

  /** Sentences in your own words (see `PLAN_MONEY_STRINGS`, and the plan widgets' `PLAN_STRINGS`). Property only. */
  declare strings: Partial<PlanStrings & PlanMoneyStrings>;
  readonly #s = new Strings(this, PLAN_MONEY_STRINGS, PLAN_MONEY_LOCALES);
  readonly #actions = new ActionController(this, { disabled: () => this.locked });
  readonly #part = this.loadPart(
    async (store, signal) => {
      const { client, planId } = store;
      const [balances, payments] = await Promise.all([
        client.plans.balances(planId, { signal }),
        collect(client.plans.payments.list(planId, { limit: 100 }, { signal })),
        // For the names of everyone, including people who left.
        store.ensureParticipants(),
      ]);
      return { balances, payments };
    },
    ({ balances, payments }) => {
      this.balances = balances;
      this.payments = payments;
    },
  );

  constructor() {
    super();
    this.payments = [];
    const refresh = () => void this.#part.refresh();
    this.listen({ "plan.expense_changed": refresh, "plan.payment_changed": refresh, onResync: refresh });
  }

  override render() {
    return this.renderPlan(this.#part, {
      messages: { loading: this.#s.value.loading },
      isEmpty: () => false,
      complete: () => this.#render(this.store!, this.balances!),
    });
  }

  #render(store: PlanStore, b: PlanBalances): TemplateResult {
    const s = this.#s.value;
    const transfers = b.transfers;
    const open = b.balances.filter((x) => x.status !== "settled" || x.paid !== 0 || x.share !== 0);
    const me = store.viewerId;
    return html`<fieldset class="scope" ?disabled=${this.locked}>
      <h3 part="heading" id="money-title">${s.heading}</h3>
      ${
        !transfers.length && !open.length
          ? html`<p class="muted">${s.nobody}</p>`
          : html`${
              transfers.length
                ? html`<h4>${s.settleUp}</h4>
                  <ul class="list">
                    ${transfers.map(
                      (t) => html`<li part="transfer">
                        ${s.transfer(
                          t.fromParticipantId === me ? null : store.name(t.fromParticipantId),
                          t.toParticipantId === me ? null : store.name(t.toParticipantId),
                          html`<strong>${formatMoney(t.amount, b.currency, this.resolvedLocale)}</strong>`,
                        )}
                        ${t.fromParticipantId === me ? this.#renderMarkPaid(store, t, b.currency) : nothing}
                      </li>`,
                    )}
                  </ul>`
                : html`<p class="muted">${s.allSettled}</p>`
            }
            ${
              open.length
                ? html`<h4>${s.balances}</h4>
                  <ul class="list">
                    ${open.map((x) => html`<li part="balance">${store.name(x.participantId, s.you)}: ${this.#balanceText(me, x, b.currency)}</li>`)}
                  </ul>`
                : nothing
            }`
      }
      ${this.#renderToConfirm(store)}
    </fieldset>`;
  }

  #renderMarkPaid(store: PlanStore, t: SettleUpTransfer, currency: string): TemplateResult {
    const key = `${t.fromParticipantId}>${t.toParticipantId}`;
    return html`<button
        type="button"
        part="button"
        class="secondary mark-paid"
        aria-disabled=${this.#actions.busy(key) ? "true" : "false"}
        aria-label=${this.#s.value.markPaidLabel(formatMoney(t.amount, currency, this.resolvedLocale), store.name(t.toParticipantId))}
        @click=${() =>
          void this.#pay(key, () =>
            store.client.plans.payments.create(store.planId, {
              fromParticipantId: t.fromParticipantId,
              toParticipantId: t.toParticipantId,
              amount: t.amount,
              currency,
            }),
          )}
      >
        ${this.#s.value.markPaid}
      </button>
      ${this.#actions.renderProblem(key)}`;
  }

  /** Payments others recorded as sent to the viewer, waiting for the viewer to confirm them. */
  #renderToConfirm(store: PlanStore): TemplateResult | typeof nothing {
    const me = store.viewerId;
    const waiting = me === null ? [] : this.payments.filter((p) => p.status === "pending" && p.toParticipantId === me);
    if (!waiting.length) return nothing;
    const s = this.#s.value;
    return html`<h4>${s.toConfirm}</h4>
      <ul class="list">
        ${waiting.map((p) => {
          const from = store.name(p.fromParticipantId);
          const amount = formatMoney(p.amount, p.currency, this.resolvedLocale);
          return html`<li part="payment">
            ${s.paidYou(from, html`<strong>${amount}</strong>`)}
            <button
              type="button"
              part="button"
              class="secondary confirm-received"
              aria-disabled=${this.#actions.busy(p.id) ? "true" : "false"}
              aria-label=${s.confirmLabel(amount, from)}
              @click=${() => void this.#pay(p.id, () => store.client.plans.payments.update(store.planId, p.id, { status: "received" }))}
            >
              ${s.confirm}
            </button>
            ${this.#actions.renderProblem(p.id)}
          </li>`;
        })}
      </ul>`;
  }

  async #pay(key: string, send: () => Promise<Payment>): Promise<void> {
    await this.#actions.run(
      key,
      async () => {
        await send();
        await this.#part.refresh();
      },
      // The button goes with the settled transfer: focus the section's heading, not the page.
      { focus: "#money-title" },
    );
  }

  #balanceText(me: string | null, b: Balance, currency: string): string {
    const mine = b.participantId === me;
    const s = this.#s.value;
    switch (b.status) {
      case "owes":
        return s.owes(mine, formatMoney(-b.outstanding, currency, this.resolvedLocale));
      case "owed":
        return s.owed(mine, formatMoney(b.outstanding, currency, this.resolvedLocale));
      case "paid":
        return s.waiting(formatMoney(b.pendingOut, currency, this.resolvedLocale));
      case "settled":
        return s.settled;
    }
  }
}

defineElement("gk-plan-money", GkPlanMoney);
