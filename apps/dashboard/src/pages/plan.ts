import type { Plan, PlanBalances, PlanParticipant, Proposal, Tally } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";
import { money } from "./events.js";
import "./plan-chat.js";
import "./plan-costs.js";
import "./plan-invites.js";

/**
 * One plan: its status with the lifecycle actions (complete, cancel — confirmed), the
 * participants, the invites, the proposals with their vote tallies, the expenses and who owes
 * whom, and the chat (each of invites, expenses and chat its own element, in plan-*.ts).
 */
export class PlanPage extends LitElement {
  static override styles = styles;
  static override properties = { planId: { attribute: "plan-id" } };
  declare planId: string;
  #plan: Plan | undefined;
  #tallies = new Map<string, Tally>();
  #balances: PlanBalances | undefined;
  #error = "";
  #actionError = "";
  #busy = false;
  readonly #people = new ListController<PlanParticipant>(this, () => gk.plans.participants.list(this.planId, { limit: 50 }));
  readonly #proposals = new ListController<Proposal>(this, () => gk.plans.proposals.list(this.planId, { limit: 50 }));

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      const [plan, tallies] = await Promise.all([gk.plans.retrieve(this.planId), gk.plans.tallies(this.planId), this.#loadBalances()]);
      this.#plan = plan;
      this.#tallies = new Map(tallies.data.map((t) => [t.proposalId, t]));
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  async #loadBalances() {
    this.#balances = await gk.plans.balances(this.planId);
    this.requestUpdate();
  }

  /** An expense was recorded or deleted: the balances change. */
  #costsChanged = () => {
    this.#loadBalances().catch((err) => {
      this.#actionError = `Could not reload the balances: ${describe(err)}`;
      this.requestUpdate();
    });
  };

  override render() {
    if (this.#error) return html`<p class="error" role="alert">Could not load the plan: ${this.#error}</p>`;
    const plan = this.#plan;
    if (!plan) return html`<p role="status">Loading the plan…</p>`;
    const open = plan.status === "planning" || plan.status === "finalized";
    const names = new Map(this.#people.items.map((p) => [p.participantId, p.name]));
    return html`<p><a href="${BASE}/plans">← Plans</a></p>
      <h1>${plan.title}</h1>
      <p>${plan.type} · <strong>${plan.status}</strong>${plan.startDate ? ` · ${plan.startDate}${plan.endDate ? ` – ${plan.endDate}` : ""}` : ""}</p>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${
        open
          ? html`<div class="row">
            ${
              plan.status === "finalized"
                ? html`<button ?disabled=${this.#busy} @click=${() => this.#act("complete")}>Mark completed</button>`
                : nothing
            }
            <button class="danger" ?disabled=${this.#busy} @click=${() => this.#act("cancel")}>Cancel plan</button>
          </div>`
          : nothing
      }
      <h2>Participants</h2>
      ${this.#people.render({
        what: "participants",
        empty: "Nobody has joined yet.",
        rows: (people) => html`<table>
          <caption class="muted" style="text-align:left">Who is in the plan</caption>
          <thead><tr><th>Name</th><th>Role</th><th class="optional">Email</th><th>Joined</th></tr></thead>
          <tbody>
            ${people.map(
              (p) =>
                html`<tr><td>${p.name}</td><td>${p.role}</td><td class="optional">${p.email ?? "—"}</td><td>${dateTime(p.joinedAt)}</td></tr>`,
            )}
          </tbody>
        </table>`,
      })}
      <gk-dash-plan-invites plan-id=${plan.id} ?open=${open}></gk-dash-plan-invites>
      <h2>Proposals and votes</h2>
      ${this.#proposals.render({
        what: "proposals",
        empty: "No proposals yet.",
        rows: (proposals) => html`<table>
          <caption class="muted" style="text-align:left">Proposals with their votes (yes / maybe / no)</caption>
          <thead><tr><th>Proposal</th><th>Status</th><th>Votes</th></tr></thead>
          <tbody>
            ${proposals.map((p) => {
              const t = this.#tallies.get(p.id);
              const votes = !t ? "—" : t.hidden ? `${t.total} (hidden until the deadline)` : `${t.yes} / ${t.maybe} / ${t.no}`;
              return html`<tr><td>${p.title}</td><td>${p.status}</td><td>${votes}</td></tr>`;
            })}
          </tbody>
        </table>`,
      })}
      <gk-dash-plan-costs plan-id=${plan.id} currency=${plan.currency} ?open=${open} .people=${this.#people.items}
        @costs-changed=${this.#costsChanged}></gk-dash-plan-costs>
      <h2>Balances</h2>
      ${
        !this.#balances || this.#balances.balances.every((b) => b.paid === 0 && b.share === 0)
          ? html`<p class="muted">No expenses yet.</p>`
          : html`<table id="balances">
              <caption class="muted" style="text-align:left">Balances (positive: the others owe them)</caption>
              <thead><tr><th>Who</th><th>Paid</th><th>Share</th><th>Balance</th></tr></thead>
              <tbody>
                ${this.#balances.balances.map(
                  (b) => html`<tr>
                    <td>${names.get(b.participantId) ?? b.participantId}</td>
                    <td>${money(b.paid, this.#balances?.currency ?? plan.currency)}</td>
                    <td>${money(b.share, this.#balances?.currency ?? plan.currency)}</td>
                    <td>${money(b.net, this.#balances?.currency ?? plan.currency)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${
              this.#balances.transfers.length
                ? html`<p>To settle up:</p>
                  <ul>
                    ${this.#balances.transfers.map(
                      (t) =>
                        html`<li>${names.get(t.fromParticipantId) ?? t.fromParticipantId} pays ${names.get(t.toParticipantId) ?? t.toParticipantId} ${money(t.amount, this.#balances?.currency ?? plan.currency)}</li>`,
                    )}
                  </ul>`
                : nothing
            }`
      }
      <gk-dash-plan-chat plan-id=${plan.id} ?open=${open}></gk-dash-plan-chat>`;
  }

  async #act(action: "complete" | "cancel") {
    const plan = this.#plan;
    if (!plan) return;
    if (action === "cancel" && !confirm(`Cancel “${plan.title}”? Participants are told, and nothing more can be voted or added.`)) return;
    this.#busy = true;
    this.#actionError = "";
    this.requestUpdate();
    try {
      this.#plan = action === "cancel" ? await gk.plans.cancel(plan.id) : await gk.plans.complete(plan.id);
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.#busy = false;
    this.requestUpdate();
  }
}

customElements.define("gk-dash-plan", PlanPage);
