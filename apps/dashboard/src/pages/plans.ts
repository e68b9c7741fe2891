import type { Plan } from "@gatherkit/sdk";
import { html, LitElement } from "lit";
import { gk } from "../api.js";
import { BASE } from "../router.js";
import { ListController, styles } from "../ui.js";

/** Plans: the organization's plans, newest first, with their status and dates. */
export class PlansPage extends LitElement {
  static override styles = styles;
  readonly #plans = new ListController<Plan>(this, () => gk.plans.list({ limit: 20 }));

  override render() {
    return html`<h1>Plans</h1>
      ${this.#plans.render({
        what: "plans",
        empty: html`No plans yet. Create one with the API (<code>POST /v1/plans</code>) or let participants start one from a widget.`,
        rows: (plans) => html`<table>
          <caption class="muted" style="text-align:left">Plans of this organization</caption>
          <thead><tr><th>Title</th><th>Type</th><th>Status</th><th class="optional">Dates</th></tr></thead>
          <tbody>
            ${plans.map(
              (p) => html`<tr>
                <td><a href="${BASE}/plans/${p.id}">${p.title}</a></td>
                <td>${p.type}</td>
                <td>${p.status}</td>
                <td class="optional">${p.startDate ?? "—"}${p.endDate ? ` – ${p.endDate}` : ""}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}`;
  }
}

customElements.define("gk-dash-plans", PlansPage);
