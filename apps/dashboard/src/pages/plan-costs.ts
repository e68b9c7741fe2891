import type { Expense, PlanParticipant } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, ListController, styles } from "../ui.js";
import { money, toMinor } from "./events.js";

/**
 * A plan's expenses as its organizer keeps them: the list (who paid, how much), a form to record
 * one (the payer chosen among the participants, split equally among those ticked), Edit (the same
 * form, filled in with the expense; an expense split otherwise than equally keeps its split) and
 * Delete (confirmed). Fires `costs-changed` (bubbling out of the shadow root) so the page can
 * reload the balances.
 */
export class PlanCosts extends LitElement {
  static override styles = [
    styles,
    css`fieldset { border: 1px solid #d0d7de; border-radius: 6px; display: grid; gap: 0.35rem; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.35rem; }`,
  ];
  static override properties = {
    planId: { attribute: "plan-id" },
    currency: {},
    open: { type: Boolean },
    people: { attribute: false },
  };
  declare planId: string;
  declare currency: string;
  /** Whether the plan still takes expenses (planning or finalized). */
  declare open: boolean;
  declare people: PlanParticipant[];
  readonly #expenses = new ListController<Expense>(this, () => gk.plans.expenses.list(this.planId, { limit: 20 }));
  readonly #form = new FormState(this);
  #notice = "";
  #actionError = "";
  /** The expense being edited in the form, or undefined while the form records a new one. */
  #editing: Expense | undefined;

  constructor() {
    super();
    this.people = [];
    this.currency = "EUR";
    this.open = false;
  }

  override render() {
    const names = new Map(this.people.map((p) => [p.participantId, p.name]));
    const step = String(
      10 **
        -(new Intl.NumberFormat(undefined, { style: "currency", currency: this.currency }).resolvedOptions().maximumFractionDigits ?? 2),
    );
    return html`<h2 id="costs">Expenses</h2>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#expenses.render({
        what: "expenses",
        empty: "No expenses yet.",
        rows: (expenses) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Expenses of this plan</caption>
          <thead><tr><th>What</th><th>Amount</th><th>Paid by</th><th class="optional">Recorded</th>${this.open ? html`<th><span class="muted">Actions</span></th>` : nothing}</tr></thead>
          <tbody>
            ${expenses.map(
              (x) => html`<tr data-expense=${x.id}>
                <td>${x.description}</td>
                <td>${money(x.amount, x.currency)}</td>
                <td>${names.get(x.paidByParticipantId) ?? x.paidByParticipantId}</td>
                <td class="optional">${dateTime(x.createdAt)}</td>
                ${
                  this.open
                    ? html`<td class="actions">
                      <button data-edit=${x.id} aria-label="Edit the expense ${x.description}" @click=${() => this.#edit(x)}>Edit</button>
                      <button class="danger" aria-label="Delete the expense ${x.description}" @click=${() => this.#delete(x)}>Delete</button>
                    </td>`
                    : nothing
                }
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      ${
        !this.open
          ? nothing
          : this.people.length === 0
            ? html`<p class="muted">Expenses are paid by participants: once someone joins, you can record one.</p>`
            : this.#renderForm(step)
      }`;
  }

  #renderForm(step: string) {
    const f = this.#form;
    const x = this.#editing;
    const title = x ? `Edit the expense “${x.description}”` : "Record an expense";
    // Ticked: who shares it equally (everyone for a new one, or for an equal split among everyone).
    const sharers = x?.split.mode === "equal" ? x.split.participantIds : undefined;
    const splitKept = x !== undefined && x.split.mode !== "equal";
    const digits = step.includes(".") ? step.split(".")[1]!.length : 0;
    // A fresh form per expense: the browser's own values start from the expense's.
    return keyed(
      x?.id ?? "new",
      html`<h3 id="expense-form-title" tabindex="-1">${title}</h3>
            <form novalidate aria-labelledby="expense-form-title" @submit=${this.#save} @input=${f.check} @focusout=${f.check}>
              ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
              <label for="f-description">What
                <input id="f-description" name="description" required maxlength="200" autocomplete="off" .value=${x?.description ?? ""}
                  aria-invalid=${f.errors.description ? "true" : "false"} aria-describedby=${f.errors.description ? "f-description-error" : nothing} />
                ${f.errors.description ? html`<span class="field-error" id="f-description-error">${f.errors.description}</span>` : nothing}
              </label>
              ${field({
                label: `Amount (${this.currency})`,
                name: "amount",
                type: "number",
                min: step,
                step,
                required: true,
                error: f.errors.amount,
                value: x ? (x.amount / 10 ** digits).toFixed(digits) : "",
              })}
              <label for="f-payer">Paid by
                <select id="f-payer" name="paidByParticipantId" aria-invalid=${f.errors.paidByParticipantId ? "true" : "false"}
                  aria-describedby=${f.errors.paidByParticipantId ? "f-payer-error" : "f-payer-hint"}>
                  ${this.people.map((p) => html`<option value=${p.participantId} ?selected=${p.participantId === x?.paidByParticipantId}>${p.name}</option>`)}
                </select>
                ${f.errors.paidByParticipantId ? html`<span class="field-error" id="f-payer-error">${f.errors.paidByParticipantId}</span>` : nothing}
              </label>
              ${
                splitKept
                  ? html`<p class="muted" id="f-split-kept">Split by ${x.split.mode}, as recorded: the split stays as it is.</p>`
                  : html`<fieldset @change=${this.#clearSplitError} aria-describedby=${f.errors["split.participantIds"] ? "f-split-error" : "f-split-hint"}>
                <legend>Shared equally by</legend>
                ${this.people.map(
                  (p) =>
                    html`<label class="inline"><input type="checkbox" name="sharedBy" value=${p.participantId}
                      ?checked=${sharers === undefined || sharers.includes(p.participantId)} /> ${p.name}</label>`,
                )}
                <span class="muted" id="f-split-hint">Shares are worked out now: someone who joins later does not share it.</span>
                ${f.errors["split.participantIds"] ? html`<span class="field-error" id="f-split-error">${f.errors["split.participantIds"]}</span>` : nothing}
              </fieldset>`
              }
              <div class="actions">
                <button type="submit" ?disabled=${f.busy}>${f.busy ? (x ? "Saving…" : "Recording…") : x ? "Save changes" : "Record expense"}</button>
                ${x ? html`<button type="button" @click=${this.#cancelEdit}>Cancel</button>` : nothing}
              </div>
            </form>`,
    );
  }

  /** Records a new expense, or saves the one being edited (only the form's fields; its split as ticked). */
  #save = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const editing = this.#editing;
    let saved: Expense | undefined;
    const keepSplit = editing !== undefined && editing.split.mode !== "equal";
    const sharedBy = [...new FormData(form).getAll("sharedBy")].map(String);
    if (!keepSplit && sharedBy.length === 0) {
      e.preventDefault();
      this.#form.errors = { ...this.#form.errors, "split.participantIds": "Tick at least one person to share it." };
      this.requestUpdate();
      return;
    }
    // Everyone ticked: the plan's plain equal split (among everyone in it now).
    const everyone = sharedBy.length === this.people.length;
    const split = everyone ? ({ mode: "equal" } as const) : ({ mode: "equal", participantIds: sharedBy } as const);
    const ok = await this.#form.submit(e, async (v) => {
      const params = {
        description: v.description ?? "",
        amount: toMinor(v.amount ?? "", this.currency),
        currency: this.currency,
        paidByParticipantId: v.paidByParticipantId ?? "",
        ...(keepSplit ? {} : { split }),
      };
      saved = editing
        ? await gk.plans.expenses.update(this.planId, editing.id, params)
        : await gk.plans.expenses.create(this.planId, { ...params, split });
    });
    if (ok && saved) {
      this.#notice = `Expense “${saved.description}” ${editing ? "saved" : "recorded"}.`;
      this.#actionError = "";
      this.#editing = undefined;
      form.reset();
      await this.#changed();
      if (editing) this.#focus(`button[data-edit='${editing.id}']`);
    }
  };

  #edit(x: Expense) {
    this.#editing = x;
    this.#form.errors = {};
    this.#form.error = "";
    this.#notice = "";
    this.requestUpdate();
    this.#focus("#f-description");
  }

  #cancelEdit = () => {
    const id = this.#editing?.id;
    this.#editing = undefined;
    this.#form.errors = {};
    this.#form.error = "";
    this.requestUpdate();
    if (id) this.#focus(`button[data-edit='${id}']`);
  };

  async #focus(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #clearSplitError = () => {
    const { "split.participantIds": _, ...rest } = this.#form.errors;
    this.#form.errors = rest;
    this.requestUpdate();
  };

  async #delete(x: Expense) {
    if (!confirm(`Delete the expense “${x.description}” (${money(x.amount, x.currency)})? The balances are worked out again without it.`))
      return;
    this.#actionError = "";
    this.#notice = "";
    try {
      await gk.plans.expenses.del(this.planId, x.id);
      if (this.#editing?.id === x.id) this.#editing = undefined;
      this.#notice = `Expense “${x.description}” deleted.`;
      await this.#changed();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }

  async #changed() {
    this.dispatchEvent(new CustomEvent("costs-changed", { bubbles: true, composed: true }));
    await this.#expenses.reload();
  }
}

customElements.define("gk-dash-plan-costs", PlanCosts);
