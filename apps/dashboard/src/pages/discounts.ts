import type { DiscountCode, TicketType } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, ListController, styles } from "../ui.js";
import { money, toMinor } from "./events.js";
import { EventHeading } from "./orders.js";

/** A `datetime-local` value (the browser's time) as an ISO instant; undefined when empty. */
const isoFrom = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);

/** Whether a buyer can use the code now, as the organizer reads it. */
function state(d: DiscountCode, now: number): string {
  if (!d.active) return "inactive";
  if (d.validFrom && Date.parse(d.validFrom) > now) return "not yet valid";
  if (d.validUntil && Date.parse(d.validUntil) <= now) return "ended";
  if (d.maxUses !== null && d.used >= d.maxUses) return "used up";
  return "active";
}

/**
 * An event's discount codes: each with its uses and state, deactivated (or reactivated) or
 * deleted (a code never used) after a confirmation, and a form for a new one.
 */
export class DiscountsPage extends LitElement {
  static override styles = [
    styles,
    css`
      fieldset { border: 1px solid #d0d7de; border-radius: 6px; display: grid; gap: 0.35rem; }
      select { justify-self: start; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  readonly #heading = new EventHeading(this, () => this.eventId);
  readonly #codes = new ListController<DiscountCode>(this, () => gk.events.discountCodes.list(this.eventId, { limit: 20 }));
  readonly #form = new FormState(this);
  #types: TicketType[] = [];
  #kind: "percent" | "fixed" = "percent";
  #actionError = "";
  #notice = "";

  override connectedCallback(): void {
    super.connectedCallback();
    gk.events.ticketTypes
      .list(this.eventId)
      .then((types) => {
        this.#types = types;
      })
      .catch(() => {})
      .finally(() => this.requestUpdate());
  }

  override render() {
    const currency = this.#heading.event?.currency ?? "EUR";
    const f = this.#form;
    const now = Date.now();
    const step = String(
      10 ** -(new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2),
    );
    return html`${this.#heading.back(this.eventId)}
      <h1>Discount codes</h1>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#codes.render({
        what: "discount codes",
        empty: "No discount codes yet. Create the first one below.",
        rows: (codes) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Discount codes of this event, oldest first</caption>
          <thead><tr><th>Code</th><th>Discount</th><th>Uses</th><th class="optional">Valid</th><th>State</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${codes.map(
              (d) => html`<tr>
                <td><code>${d.code}</code></td>
                <td>${d.kind === "percent" ? `${d.value}% off` : `${money(d.value, currency)} off each ticket`}${d.ticketTypeIds ? html` <span class="muted">(${d.ticketTypeIds.length} ${d.ticketTypeIds.length === 1 ? "type" : "types"})</span>` : nothing}</td>
                <td data-testid="uses">${d.used}${d.maxUses === null ? " (no limit)" : ` of ${d.maxUses}`}</td>
                <td class="optional">${d.validFrom || d.validUntil ? `${dateTime(d.validFrom)} – ${dateTime(d.validUntil)}` : "always"}</td>
                <td data-testid="state">${state(d, now)}</td>
                <td><div class="row">
                  <button class="secondary" @click=${() => this.#setActive(d, !d.active)} aria-label="${d.active ? "Deactivate" : "Reactivate"} ${d.code}">${d.active ? "Deactivate" : "Reactivate"}</button>
                  ${
                    d.used === 0
                      ? html`<button class="danger" @click=${() => this.#delete(d)} aria-label="Delete ${d.code}">Delete</button>`
                      : nothing
                  }
                </div></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      <h2>New discount code</h2>
      <form novalidate aria-label="New discount code" @submit=${this.#create} @input=${f.check} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${this.#codeField(f.errors.code)}
        <label for="f-kind">Kind
          <select id="f-kind" name="kind" @change=${(e: Event) => this.#setKind((e.target as HTMLSelectElement).value)}>
            <option value="percent" ?selected=${this.#kind === "percent"}>Percent off</option>
            <option value="fixed" ?selected=${this.#kind === "fixed"}>Amount off each ticket</option>
          </select>
        </label>
        ${
          this.#kind === "percent"
            ? field({
                label: "Percent",
                name: "value",
                type: "number",
                min: "1",
                step: "1",
                required: true,
                error: f.errors.value,
                hint: "1 to 100.",
              })
            : field({
                label: `Amount (${currency})`,
                name: "value",
                type: "number",
                min: step,
                step,
                required: true,
                error: f.errors.value,
              })
        }
        ${field({ label: "Most uses", name: "maxUses", type: "number", min: "1", step: "1", error: f.errors.maxUses, hint: "Orders that may use it; empty for no limit." })}
        ${field({ label: "Valid from", name: "validFrom", type: "datetime-local", error: f.errors.validFrom, hint: "Optional, in your browser's time." })}
        ${field({ label: "Valid until", name: "validUntil", type: "datetime-local", error: f.errors.validUntil })}
        ${
          this.#types.length
            ? html`<fieldset>
              <legend>Only for these ticket types (none ticked: every type)</legend>
              ${this.#types.map((t) => html`<label class="inline"><input type="checkbox" name="ticketTypeIds" value=${t.id} /> ${t.name}</label>`)}
              ${f.errors.ticketTypeIds ? html`<span class="field-error">${f.errors.ticketTypeIds}</span>` : nothing}
            </fieldset>`
            : nothing
        }
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create discount code"}</button>
      </form>`;
  }

  /** The code: letters, digits and dashes, 3 to 64 (the browser checks as the organizer types, as the API will). */
  #codeField(error: string | undefined) {
    return html`<label for="f-code">Code
      <input id="f-code" name="code" required minlength="3" maxlength="64" pattern="[A-Za-z0-9\\-]+" autocomplete="off"
        title="Letters, digits and dashes" aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? "f-code-error" : "f-code-hint"} />
      <span class="muted" id="f-code-hint">Letters, digits and dashes; buyers may type it in any case.</span>
      ${error ? html`<span class="field-error" id="f-code-error">${error}</span>` : nothing}
    </label>`;
  }

  #setKind(kind: string) {
    this.#kind = kind === "fixed" ? "fixed" : "percent";
    const { value: _, ...rest } = this.#form.errors;
    this.#form.errors = rest;
    this.requestUpdate();
  }

  #create = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const currency = this.#heading.event?.currency ?? "EUR";
    const ticketTypeIds = [...new FormData(form).getAll("ticketTypeIds")].map(String);
    const ok = await this.#form.submit(e, async (v) => {
      const validFrom = isoFrom(v.validFrom);
      const validUntil = isoFrom(v.validUntil);
      await gk.events.discountCodes.create(this.eventId, {
        code: v.code ?? "",
        kind: this.#kind,
        value: this.#kind === "percent" ? Number(v.value) : toMinor(v.value ?? "", currency),
        ...(v.maxUses ? { maxUses: Number(v.maxUses) } : {}),
        ...(validFrom ? { validFrom } : {}),
        ...(validUntil ? { validUntil } : {}),
        ...(ticketTypeIds.length ? { ticketTypeIds } : {}),
      });
    });
    if (ok) {
      this.#notice = `Discount code ${(form.elements.namedItem("code") as HTMLInputElement).value.toUpperCase()} created.`;
      form.reset();
      this.#kind = "percent";
      await this.#codes.reload();
    }
  };

  async #setActive(d: DiscountCode, active: boolean) {
    if (!active && !confirm(`Deactivate ${d.code}? Buyers can no longer use it; orders that used it keep their discount.`)) return;
    await this.#act(async () => {
      await gk.events.discountCodes.update(this.eventId, d.id, { active });
      return `${d.code} ${active ? "reactivated" : "deactivated"}.`;
    });
  }

  async #delete(d: DiscountCode) {
    if (!confirm(`Delete ${d.code}? This cannot be undone.`)) return;
    await this.#act(async () => {
      await gk.events.discountCodes.del(this.eventId, d.id);
      return `${d.code} deleted.`;
    });
  }

  async #act(action: () => Promise<string>) {
    this.#actionError = "";
    this.#notice = "";
    try {
      this.#notice = await action();
      await this.#codes.reload();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-discounts", DiscountsPage);
