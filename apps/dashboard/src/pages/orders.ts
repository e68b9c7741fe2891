import type { Order, OrderListParams, Refund, TicketedEvent, TicketType } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { describe, fieldErrors, gk } from "../api.js";
import { LiveController, newOnes, nowIn } from "../live.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";
import { money, toMinor } from "./events.js";

const STATUSES: Order["status"][] = ["pending", "paid", "partially_refunded", "refunded", "expired", "cancelled"];
/** A status as the API reports it, readable: `partially_refunded` → "partially refunded". */
export const statusText = (s: string) => s.replaceAll("_", " ");

/** The event's title for a page's heading and back link (or its id while it loads or if it cannot). */
export class EventHeading {
  event: TicketedEvent | undefined;
  constructor(host: LitElement, eventId: () => string) {
    queueMicrotask(() =>
      gk.events
        .retrieve(eventId())
        .then((e) => {
          this.event = e;
        })
        .catch(() => {})
        .finally(() => host.requestUpdate()),
    );
  }
  back(eventId: string) {
    return html`<p><a href="${BASE}/events/${eventId}">← ${this.event?.title ?? "The event"}</a></p>`;
  }
}

/** An event's orders: search by buyer or confirmation code, filter by status, newest first, a page at a time. */
export class OrdersPage extends LitElement {
  static override styles = [
    styles,
    css`
      form[role="search"] { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; max-width: none; margin-bottom: 1rem; }
      form[role="search"] label { flex: 1 1 12rem; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  #query: OrderListParams = {};
  #typing: ReturnType<typeof setTimeout> | undefined;
  readonly #heading = new EventHeading(this, () => this.eventId);
  readonly #orders = new ListController<Order>(this, () => gk.events.orders.list(this.eventId, { limit: 20, ...this.#query }));
  /** Live: a sale, a payment, a refund or a release in the event's room refetches the pages shown (with the search) and says what is new or moved. */
  readonly #live = new LiveController(
    this,
    () => `event:${this.eventId}`,
    async () => {
      const before = this.#orders.items;
      await this.#orders.refresh();
      const fresh = newOnes(before, this.#orders.items, "order", "orders");
      const said = [
        fresh && `${fresh} ${this.#query.q || this.#query.status ? "match" : "arrived"}`,
        nowIn(before, this.#orders.items, "order", "orders"),
      ];
      return said.some(Boolean) ? `${said.filter(Boolean).join("; ")}.` : undefined;
    },
  );

  override render() {
    const filtered = Boolean(this.#query.q || this.#query.status);
    return html`${this.#heading.back(this.eventId)}
      <h1>Orders</h1>
      ${this.#live.render()}
      <form role="search" aria-label="Find orders" @submit=${this.#search} @input=${this.#typed}>
        <label for="order-q">Buyer name, email or confirmation code
          <input id="order-q" name="q" type="search" maxlength="100" autocomplete="off" .value=${this.#query.q ?? ""} />
        </label>
        <label for="order-status">Status
          <select id="order-status" name="status" @change=${this.#search}>
            <option value="">Any status</option>
            ${STATUSES.map((s) => html`<option value=${s} ?selected=${this.#query.status === s}>${statusText(s)}</option>`)}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      ${this.#orders.render({
        what: "orders",
        empty: filtered ? "No orders match." : "No orders yet.",
        rows: (orders) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Orders, newest first</caption>
          <thead><tr><th>Code</th><th>Buyer</th><th>Status</th><th>Total</th><th class="optional">Placed</th></tr></thead>
          <tbody>
            ${repeat(
              orders,
              (o) => o.id,
              (o) => html`<tr>
                <td><a href="${BASE}/events/${this.eventId}/orders/${o.id}"><code>${o.confirmationCode}</code></a></td>
                <td>${o.buyer.name} <span class="muted">${o.buyer.email}</span></td>
                <td data-status=${o.status}>${statusText(o.status)}</td>
                <td>${money(o.total, o.currency)}${o.amountRefunded ? html` <span class="muted">(${money(o.amountRefunded, o.currency)} refunded)</span>` : nothing}</td>
                <td class="optional">${dateTime(o.createdAt)}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}`;
  }

  #search = (e: Event) => {
    e.preventDefault();
    const form = (e.target as HTMLElement | null)?.closest("form");
    if (form) this.#searchWith(form);
  };

  #searchWith(form: HTMLFormElement) {
    clearTimeout(this.#typing);
    const data = new FormData(form);
    const q = String(data.get("q") ?? "").trim();
    const status = String(data.get("status") ?? "") as Order["status"] | "";
    this.#query = { ...(q ? { q } : {}), ...(status ? { status } : {}) };
    void this.#orders.reload();
  }

  /** Searching as the organizer types, once they pause. */
  #typed = (e: Event) => {
    const form = e.target instanceof HTMLInputElement ? e.target.form : null;
    if (!form) return;
    clearTimeout(this.#typing);
    this.#typing = setTimeout(() => this.#searchWith(form), 350);
  };
}

/**
 * One order: its buyer, lines, tickets and refunds, in the states the API reports; a pending
 * order can be cancelled, a paid one refunded in full or in part (each after a confirmation).
 */
export class OrderPage extends LitElement {
  static override styles = [
    styles,
    css`
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
      dt { font-weight: 600; }
      dd { margin: 0; }
      fieldset { border: 1px solid #d0d7de; border-radius: 6px; display: grid; gap: 0.5rem; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" }, orderId: { attribute: "order-id" } };
  declare eventId: string;
  declare orderId: string;
  #order: Order | undefined;
  #refunds: Refund[] = [];
  #types: TicketType[] = [];
  #error = "";
  #actionError = "";
  #notice = "";
  #busy = false;
  #partial = false;
  #amountError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      const [order, refunds, types] = await Promise.all([
        gk.orders.retrieve(this.orderId),
        gk.orders.refunds.list(this.orderId),
        gk.events.ticketTypes.list(this.eventId).catch(() => [] as TicketType[]),
      ]);
      [this.#order, this.#refunds, this.#types] = [order, refunds, types];
      this.#error = "";
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  override render() {
    const back = html`<p><a href="${BASE}/events/${this.eventId}/orders">← Orders</a></p>`;
    if (this.#error) {
      return html`${back}<h1>Order</h1><div class="error" role="alert">Could not load the order: ${this.#error}
        <button class="secondary" @click=${() => this.#load()}>Retry</button></div>`;
    }
    const o = this.#order;
    if (!o) return html`${back}<h1>Order</h1><p role="status">Loading the order…</p>`;
    const typeName = (id: string) => this.#types.find((t) => t.id === id)?.name ?? id;
    const left = o.total - this.#taken();
    const refundable = (o.status === "paid" || o.status === "partially_refunded") && o.total > 0 && left > 0;
    return html`${back}
      <h1>Order <code>${o.confirmationCode}</code></h1>
      <dl>
        <dt>Status</dt><dd data-testid="order-status">${statusText(o.status)}</dd>
        <dt>Buyer</dt><dd>${o.buyer.name} · ${o.buyer.email}</dd>
        <dt>Total</dt><dd>${money(o.total, o.currency)}${o.discount ? html` <span class="muted">(code ${o.discount.code}: −${money(o.discount.amount, o.currency)})</span>` : nothing}</dd>
        <dt>Refunded</dt><dd data-testid="order-refunded">${money(o.amountRefunded, o.currency)}</dd>
        <dt>Placed</dt><dd>${dateTime(o.createdAt)}</dd>
        ${o.status === "pending" ? html`<dt>Held until</dt><dd>${dateTime(o.expiresAt)}</dd>` : nothing}
        ${o.paidAt ? html`<dt>Paid</dt><dd>${dateTime(o.paidAt)}</dd>` : nothing}
        ${o.cancelledAt ? html`<dt>Cancelled</dt><dd>${dateTime(o.cancelledAt)}</dd>` : nothing}
      </dl>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      <h2>Lines</h2>
      <ul>${o.lines.map((l) => html`<li>${l.quantity} × ${typeName(l.ticketTypeId)} at ${money(l.unitPrice, o.currency)}</li>`)}</ul>
      <h2>Tickets</h2>
      ${
        o.tickets.length === 0
          ? html`<p class="muted">${o.status === "pending" ? "Tickets are issued once the order is paid." : "No tickets."}</p>`
          : html`<div class="table-wrap"><table>
            <caption class="muted" style="text-align:left">Tickets of this order</caption>
            <thead><tr><th>Code</th><th>Type</th><th>Status</th></tr></thead>
            <tbody>${o.tickets.map((t) => html`<tr><td><code>${t.code}</code></td><td>${typeName(t.ticketTypeId)}</td><td>${t.status}</td></tr>`)}</tbody>
          </table></div>`
      }
      ${
        this.#refunds.length
          ? html`<h2>Refunds</h2>
            <ul data-testid="refunds">${this.#refunds.map(
              (r) =>
                html`<li>${money(r.amount, r.currency)} · ${r.status} · ${dateTime(r.createdAt)}${r.reason ? html` · ${r.reason}` : nothing}</li>`,
            )}</ul>`
          : nothing
      }
      ${
        o.status === "pending"
          ? html`<h2>Cancel</h2>
            <p>The hold ends and its tickets go back on sale.</p>
            <button class="danger" ?disabled=${this.#busy} @click=${() => this.#cancel(o)}>Cancel order</button>`
          : nothing
      }
      ${refundable ? this.#refundForm(o, left) : nothing}`;
  }

  /** Refunded or being refunded: what no new refund may take again. */
  #taken(): number {
    const asked = this.#refunds.filter((r) => r.status !== "failed").reduce((a, r) => a + r.amount, 0);
    return Math.max(asked, this.#order?.amountRefunded ?? 0);
  }

  #refundForm(o: Order, left: number) {
    const err = this.#amountError;
    return html`<h2>Refund</h2>
      <form novalidate aria-label="Refund the order" @submit=${(e: SubmitEvent) => this.#refund(e, o, left)} @input=${this.#checkAmount}>
        <fieldset>
          <legend>How much</legend>
          <label class="inline"><input type="radio" name="mode" value="full" ?checked=${!this.#partial} @change=${() => this.#setPartial(false)} /> All that is left (${money(left, o.currency)}) — its tickets are voided and go back on sale</label>
          <label class="inline"><input type="radio" name="mode" value="partial" ?checked=${this.#partial} @change=${() => this.#setPartial(true)} /> Part of it</label>
        </fieldset>
        ${
          this.#partial
            ? html`<label for="f-amount">Amount (${o.currency})
              <input id="f-amount" name="amount" type="number" required min=${String(1 / 10 ** decimals(o.currency))} max=${String(left / 10 ** decimals(o.currency))}
                step=${String(1 / 10 ** decimals(o.currency))} aria-invalid=${err ? "true" : "false"} aria-describedby=${err ? "f-amount-error" : "f-amount-hint"} />
              ${err ? html`<span class="field-error" id="f-amount-error">${err}</span>` : html`<span class="muted" id="f-amount-hint">At most ${money(left, o.currency)}.</span>`}
            </label>`
            : nothing
        }
        <label for="f-reason">Reason (optional)<input id="f-reason" name="reason" maxlength="500" /></label>
        <button type="submit" class="danger" ?disabled=${this.#busy}>${this.#busy ? "Refunding…" : "Refund"}</button>
      </form>`;
  }

  #setPartial(on: boolean) {
    this.#partial = on;
    this.#amountError = "";
    this.requestUpdate();
  }

  #checkAmount = (e: Event) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || input.name !== "amount") return;
    this.#amountError = input.validity.valid ? "" : input.validationMessage;
    this.requestUpdate();
  };

  async #refund(e: SubmitEvent, o: Order, left: number) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const amountInput = form.querySelector<HTMLInputElement>("#f-amount");
    if (amountInput && !amountInput.validity.valid) {
      this.#amountError = amountInput.validationMessage;
      this.requestUpdate();
      amountInput.focus();
      return;
    }
    const amount = this.#partial ? toMinor(String(data.get("amount") ?? ""), o.currency) : left;
    const reason = String(data.get("reason") ?? "").trim();
    if (!confirm(`Refund ${money(amount, o.currency)} of order ${o.confirmationCode} to ${o.buyer.name}?`)) return;
    await this.#act(async () => {
      await gk.orders.refunds.create(o.id, { ...(this.#partial ? { amount } : {}), ...(reason ? { reason } : {}) });
      this.#partial = false;
      return `Refund of ${money(amount, o.currency)} asked for.`;
    });
  }

  #cancel(o: Order) {
    if (!confirm(`Cancel order ${o.confirmationCode} of ${o.buyer.name}? Its tickets go back on sale.`)) return;
    void this.#act(async () => {
      await gk.orders.cancel(o.id);
      return "Order cancelled.";
    });
  }

  async #act(action: () => Promise<string>) {
    this.#busy = true;
    this.#actionError = "";
    this.#notice = "";
    this.requestUpdate();
    try {
      this.#notice = await action();
    } catch (err) {
      const fields = fieldErrors(err);
      this.#amountError = fields.amount ?? "";
      this.#actionError = describe(err);
    }
    this.#busy = false;
    await this.#load();
  }
}

const decimals = (currency: string): number =>
  new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

customElements.define("gk-dash-orders", OrdersPage);
customElements.define("gk-dash-order", OrderPage);
