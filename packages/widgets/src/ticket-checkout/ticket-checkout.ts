import { Events, type GatherkitClient, type Order, Orders, type Subscription, type TicketedEvent, type TicketType } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { describeError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { EmbeddedCheckout } from "../internal/payments/stripe-checkout.js";
import { StripePay } from "../internal/payments/stripe-pay.js";
import { formatInstantRange, formatMoney } from "../internal/plans/format.js";
import { returnUrl, takeReturn } from "./checkout-return.js";
import { readStoredOrder, type StoredOrder, storedOrderOf, storeOrder } from "./held-order.js";
import { availabilityOf, type LiveStock, maxOf, remainingOf } from "./live-stock.js";
import { OrderPoll } from "./order-poll.js";
import { renderDone, renderHeld } from "./order-views.js";
import { TICKET_CHECKOUT_LOCALES, TICKET_CHECKOUT_STRINGS, type TicketCheckoutStrings } from "./ticket-checkout.strings.js";
import { ticketCheckoutStyles } from "./ticket-checkout.styles.js";

/** Detail of `gk-checkout-started`: the tickets are held until `order.expiresAt`. */
export interface CheckoutStartedDetail {
  eventId: string;
  orderId: string;
  /** The order as the API answered: `payment.checkoutUrl` (local provider) or `payment.clientSecret` (Stripe). */
  order: Order;
}
/** Detail of `gk-checkout-complete`: the order is paid and its tickets issued. */
export interface CheckoutCompleteDetail {
  eventId: string;
  orderId: string;
  confirmationCode: string;
  tickets: Order["tickets"];
}
/** Detail of `gk-checkout-failed`: the API refused the checkout, or the hold ended unpaid. */
export interface CheckoutFailedDetail {
  eventId: string;
  orderId: string | undefined;
  /** `refused` (with the API's `code`), `expired` or `cancelled`. */
  reason: "refused" | "expired" | "cancelled";
  code: string | undefined;
  message: string;
}

declare global {
  interface HTMLElementTagNameMap {
    "gk-ticket-checkout": GkTicketCheckout;
  }
  interface GkEventDetailMap {
    "gk-checkout-started": CheckoutStartedDetail;
    "gk-checkout-complete": CheckoutCompleteDetail;
    "gk-checkout-failed": CheckoutFailedDetail;
  }
}

export { TICKET_CHECKOUT_STRINGS, type TicketCheckoutStrings } from "./ticket-checkout.strings.js";

type Step = "select" | "pay" | "done" | "ended";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Sells an event's tickets on your page: the ticket types with their price and live remaining
 * stock, quantity steppers bounded by each type's per-order limits and what is left, the buyer's
 * name and email, then a hold on the tickets with its countdown while the buyer pays — with
 * Stripe's Payment Element in the widget (@stripe/stripe-js and Stripe.js load only at this step),
 * or on a payment page in a new tab (Stripe Checkout, or the local provider's) — and the confirmation with the tickets' codes once the
 * payment is confirmed by the provider. A free order is confirmed at once. Stock changes made by
 * other buyers arrive live through the event's room; a buyer who reloads or comes back finds
 * their order where they left it (kept in the tab's sessionStorage).
 *
 * ```html
 * <gk-ticket-checkout api-base="https://api.example.com" publishable-key="gk_pk_…" event="evt_…"></gk-ticket-checkout>
 * ```
 *
 * @tag gk-ticket-checkout
 * @summary Ticket types with live stock, buyer details, hold countdown, payment and confirmation.
 *
 * @event {CustomEvent<CheckoutStartedDetail>} gk-checkout-started - The tickets are held; `detail.order.payment` says how to pay.
 * @event {CustomEvent<CheckoutCompleteDetail>} gk-checkout-complete - The order is paid: `{ eventId, orderId, confirmationCode, tickets }`.
 * @event {CustomEvent<CheckoutFailedDetail>} gk-checkout-failed - The API refused the checkout, or the hold ended unpaid.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart checkout - The widget's card.
 * @csspart title - The event's title.
 * @csspart when - The event's date and time, in its time zone.
 * @csspart ticket-type - One ticket type: name, price, stock and its stepper.
 * @csspart price - A ticket type's price.
 * @csspart stock - "3 left", "Sold out", "Not yet on sale", "Sales ended".
 * @csspart stepper - The −/+ buttons and the quantity.
 * @csspart input - The name and email fields.
 * @csspart button - The widget's buttons (check out, I have paid, start again).
 * @csspart form-error - Why the API refused the checkout.
 * @csspart countdown - The time left on the hold.
 * @csspart pay-link - The link to the payment page.
 * @csspart payment-form - Stripe's Payment Element with its progress line and Pay button.
 * @csspart payment-element - Where Stripe's Payment Element is mounted.
 * @csspart embedded-checkout - Where Stripe's embedded Checkout is mounted (`checkout_embedded`).
 * @csspart pay-button - Pay (Stripe's Payment Element).
 * @csspart confirmation-code - The order's confirmation code.
 * @csspart ticket - One issued ticket.
 * @csspart ticket-code - A ticket's code, shown at the door.
 *
 * @cssproperty --gk-ticket-checkout-gap - Space between the widget's sections (default: `--gk-space-m`).
 * @cssproperty --gk-ticket-checkout-card-background - Background of each ticket type (default: transparent).
 */
export class GkTicketCheckout extends GkElement {
  static override styles = [GkElement.styles, ticketCheckoutStyles];
  static override properties: PropertyDeclarations = {
    event: {},
    stripeJsUrl: { attribute: "stripe-js-url" },
    strings: { attribute: false },
    _qty: { state: true },
    _live: { state: true },
    _step: { state: true },
    _order: { state: true },
    _stored: { state: true },
    _now: { state: true },
    _invalid: { state: true },
    _notice: { state: true },
    _status: { state: true },
  };

  /** The event's id (`evt_…`). */
  declare event: string | undefined;
  /**
   * Where Stripe.js is loaded from, instead of Stripe's own address: for a page whose policy
   * self-hosts it, or a stand-in in tests. Leave it out in production.
   */
  declare stripeJsUrl: string | undefined;
  /** The widget's sentences (see `TICKET_CHECKOUT_STRINGS`), to translate them. Property only. */
  declare strings: Partial<TicketCheckoutStrings>;

  declare _qty: Record<string, number>;
  declare _live: LiveStock;
  declare _step: Step;
  declare _order: Order | undefined;
  /** The order under way, kept in the tab's sessionStorage (per API and event). */
  declare _stored: StoredOrder | undefined;
  declare _now: number;
  declare _invalid: { name?: string; email?: string; tickets?: string };
  declare _notice: string;
  /** The event's status as the room last said (published, unpublished, cancelled), over the loaded one. */
  declare _status: string | undefined;

  readonly #actions = new ActionController(this);
  readonly #stripe = new StripePay(this, { scriptUrl: () => this.stripeJsUrl, onSubmitted: () => void this.#refreshOrder() });
  readonly #embedded = new EmbeddedCheckout(this, { scriptUrl: () => this.stripeJsUrl, onComplete: () => void this.#refreshOrder() });
  /** The buyer just came back from Stripe Checkout's page: `paid` or `cancelled` (as Stripe's page said, not the order). */
  #returned: string | undefined;
  #subscription: { client: GatherkitClient; eventId: string; sub: Subscription } | undefined;
  readonly #poll = new OrderPoll(this, {
    paying: () => this._step === "pay",
    expiresAt: () => (this._order ? Date.parse(this._order.expiresAt) : Number.POSITIVE_INFINITY),
    tick: (now) => {
      this._now = now;
    },
    refresh: () => void this.#refreshOrder(),
  });

  readonly #data = this.load(
    () => [this.event] as const,
    async (gk, [id], { signal }) => {
      if (!id) throw new Error("<gk-ticket-checkout> needs an event attribute: the event's id (evt_…).");
      const events = new Events(gk);
      const [event, types] = await Promise.all([events.retrieve(id, { signal }), events.ticketTypes.list(id, {}, { signal })]);
      this._live = {};
      this._status = undefined;
      this._now = Date.now();
      return { event, types };
    },
  );

  constructor() {
    super();
    this.strings = {};
    this._qty = {};
    this._live = {};
    this._step = "select";
    this._now = Date.now();
    this._invalid = {};
    this._notice = "";
  }

  readonly #strings = new Strings(this, TICKET_CHECKOUT_STRINGS, TICKET_CHECKOUT_LOCALES);
  get #s(): TicketCheckoutStrings {
    return this.#strings.value;
  }

  get #storageKey(): string {
    return `gk-ticket-checkout:${this.gatherkit?.baseUrl ?? ""}:${this.event ?? ""}`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#subscription?.sub.close();
    this.#subscription = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has("event")) this.#restore();
    // Live stock may have dropped under what the buyer chose: lower the choice, and say so.
    const types = this.#data.value?.types;
    if (types && this._step === "select") {
      let next: Record<string, number> | undefined;
      for (const t of types) {
        const q = this._qty[t.id] ?? 0;
        const max = maxOf(this._live, t);
        if (q > max) {
          next ??= { ...this._qty };
          next[t.id] = max >= t.minPerOrder ? max : 0;
          this._notice = this.#s.stockChanged(t.name, Math.max(0, remainingOf(this._live, t) ?? 0));
        }
      }
      if (next) this._qty = next;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.#keepSubscription();
    const paying = this._step === "pay" && this._order?.status === "pending";
    this.#stripe.sync(paying ? this._stored?.stripe : undefined);
    this.#embedded.sync(paying ? this._stored?.embedded : undefined);
  }

  /** One subscription to the event's room while the event is shown; a new one when the client or event changes. */
  #keepSubscription(): void {
    const gk = this.gatherkit;
    const id = this.#data.value?.event.id;
    const current = this.#subscription;
    if (current && (current.client !== gk || current.eventId !== id)) {
      current.sub.close();
      this.#subscription = undefined;
    }
    if (!gk || !id || this.#subscription) return;
    const events = new Events(gk);
    const sub = events.subscribe(id, {
      onStockChanged: ({ ticketTypes }) => {
        const live = { ...this._live };
        for (const t of ticketTypes) live[t.id] = t.remaining;
        this._live = live;
      },
      onStatusChanged: ({ status }) => {
        this._status = status;
      },
      // Missed messages (or the first connect after loading): read the stock again, quietly.
      onResync: () => {
        events.ticketTypes.list(id).then(
          (types) => {
            const live = { ...this._live };
            for (const t of types) live[t.id] = t.remaining;
            this._live = live;
          },
          () => {},
        );
      },
    });
    this.#subscription = { client: gk, eventId: id, sub };
  }

  #step(t: TicketType, delta: 1 | -1): void {
    const q = this._qty[t.id] ?? 0;
    const max = maxOf(this._live, t);
    // Below the per-order minimum there is only 0: + from 0 jumps to the minimum, − from it back to 0.
    let next = q + delta;
    if (delta > 0 && q === 0) next = t.minPerOrder;
    if (delta < 0 && q <= t.minPerOrder) next = 0;
    next = Math.max(0, Math.min(next, max));
    if (next !== 0 && next < t.minPerOrder) return;
    this._qty = { ...this._qty, [t.id]: next };
    this._notice = "";
    if (this._invalid.tickets) this._invalid = { ...this._invalid, tickets: undefined };
  }

  #lines(types: TicketType[]) {
    return types.filter((t) => (this._qty[t.id] ?? 0) > 0).map((t) => ({ ticketTypeId: t.id, quantity: this._qty[t.id]! }));
  }

  async #submit(e: SubmitEvent, event: TicketedEvent, types: TicketType[]): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = (form.elements.namedItem("name") as HTMLInputElement).value.trim();
    const email = (form.elements.namedItem("email") as HTMLInputElement).value.trim();
    const lines = this.#lines(types);
    const s = this.#s;
    const invalid = {
      tickets: lines.length ? undefined : s.chooseTickets,
      name: name ? undefined : s.nameRequired,
      email: EMAIL.test(email) ? undefined : s.emailInvalid,
    };
    this._invalid = invalid;
    if (invalid.tickets || invalid.name || invalid.email) {
      this.#actions.focusAfterUpdate(invalid.tickets ? "#tickets-error" : invalid.name ? "#name" : "#email");
      return;
    }
    const gk = this.gatherkit;
    if (!gk) return;
    const back = returnUrl();
    const body = { buyer: { name, email }, lines, ...(back ? { returnUrl: back } : {}) };
    const order = await this.#actions.run("checkout", () => new Events(gk).orders.create(event.id, body), {
      focusOnError: '[part~="form-error"]',
      onError: (error) => {
        const { message, code } = describeError(error);
        emit(this, "gk-checkout-failed", { eventId: event.id, orderId: undefined, reason: "refused", code, message });
      },
    });
    if (!order) return;
    this.#returned = undefined;
    this.#store(storedOrderOf(order));
    emit(this, "gk-checkout-started", { eventId: event.id, orderId: order.id, order });
    this.#show(order);
    // The form went away: focus goes to what replaced it.
    this.#actions.focusAfterUpdate(order.status === "paid" ? "#done" : "#held");
  }

  /** Moves to the step the order is at (and announces completion or failure once). */
  #show(order: Order): void {
    const before = this._order?.status;
    this._order = order;
    if (order.status === "paid") {
      this._step = "done";
      if (before !== "paid") {
        emit(this, "gk-checkout-complete", {
          eventId: order.eventId,
          orderId: order.id,
          confirmationCode: order.confirmationCode,
          tickets: order.tickets,
        });
      }
    } else if (order.status === "pending") {
      this._step = "pay";
    } else {
      this._step = "ended";
      this.#store(undefined);
      if (before === "pending" || before === undefined) {
        const reason = order.status === "cancelled" ? "cancelled" : "expired";
        emit(this, "gk-checkout-failed", {
          eventId: order.eventId,
          orderId: order.id,
          reason,
          code: `order_${order.status}`,
          message: reason === "cancelled" ? this.#s.cancelled : this.#s.expired,
        });
      }
      if (before === "pending" && this.#focusIsOurs()) this.#actions.focusAfterUpdate("#ended");
    }
  }

  /** Reads the order with the buyer's token: paid (with tickets), still pending, or ended. */
  async #refreshOrder(): Promise<void> {
    const stored = this._stored;
    const gk = this.gatherkit;
    if (!stored || !gk) return;
    this.#poll.polled();
    const wasPending = this._step === "pay";
    const order = await this.#actions.run("poll", () => new Orders(gk).retrieveAsBuyer(stored.orderId, stored.buyerToken));
    // The order is gone (another API, a token that expired): start afresh.
    if (!order) {
      const problem = this.#actions.problem("poll");
      if (problem && this._step !== "pay") this.#store(undefined);
      return;
    }
    if (stored !== this._stored) return;
    this.#show(order);
    // To the confirmation, unless the visitor is busy elsewhere on the page.
    if (wasPending && order.status === "paid" && this.#focusIsOurs()) this.#actions.focusAfterUpdate("#done");
  }

  #focusIsOurs(): boolean {
    const a = document.activeElement;
    return a === null || a === document.body || a === this;
  }

  /** Finds the order this tab has under way for the event (after a reload, or back from a payment page). */
  #restore(): void {
    this._order = undefined;
    this._step = "select";
    const stored = readStoredOrder(this.#storageKey);
    this._stored = stored;
    if (stored) {
      this._step = "pay";
      this.#returned = takeReturn(stored.orderId, this.#returned);
      queueMicrotask(() => void this.#refreshOrder());
    }
  }

  /** Keeps the order under way in this tab (or, undefined, forgets it). */
  #store(stored: StoredOrder | undefined): void {
    this._stored = stored;
    storeOrder(this.#storageKey, stored);
  }

  #startOver(): void {
    this.#store(undefined);
    this.#returned = undefined;
    this._order = undefined;
    this._qty = {};
    this._step = "select";
    this.#actions.clear("poll");
    void this.#data.run();
    this.#actions.focusAfterUpdate("#title");
  }

  override render() {
    return this.renderTask(this.#data, {
      messages: { loading: this.#s.loading, empty: this.#s.empty },
      isEmpty: (v) => !v || (v.types.length === 0 && this._step === "select"),
      complete: ({ event, types }) => html`<section part="checkout" aria-labelledby="title">
        <div>
          <h2 part="title" id="title">${event.title}</h2>
          <p part="when" class="muted">${formatInstantRange(event.startsAt, event.endsAt, event.timeZone, this.resolvedLocale)}${event.venue ? ` · ${event.venue.name}` : ""}</p>
        </div>
        ${this._step === "select" ? this.#renderSelect(event, types) : this.#renderOrder(event, types)}
      </section>`,
    });
  }

  #renderSelect(event: TicketedEvent, types: TicketType[]) {
    const s = this.#s;
    const lines = this.#lines(types);
    const count = lines.reduce((n, l) => n + l.quantity, 0);
    const total = lines.reduce((n, l) => n + l.quantity * (types.find((t) => t.id === l.ticketTypeId)?.price ?? 0), 0);
    const busy = this.#actions.busy("checkout");
    return html`<form novalidate @submit=${(e: SubmitEvent) => this.#submit(e, event, types)}>
      <fieldset aria-describedby=${this._invalid.tickets ? "tickets-error" : nothing}>
        <legend>${s.tickets}</legend>
        <ul>
          ${types.map((t) => this.#renderType(t, event))}
        </ul>
        ${this._invalid.tickets ? html`<p id="tickets-error" class="field-error">${this._invalid.tickets}</p>` : nothing}
        <p class="visually-hidden" role="status">${this._notice}</p>
        ${this._notice ? html`<p class="muted" aria-hidden="true">${this._notice}</p>` : nothing}
      </fieldset>
      <fieldset>
        <legend>${s.buyer}</legend>
        ${this.#renderField("name", s.name, "text", "name", this._invalid.name)}
        ${this.#renderField("email", s.email, "email", "email", this._invalid.email)}
      </fieldset>
      ${count > 0 ? html`<p>${s.total(formatMoney(total, event.currency, this.resolvedLocale), count)}</p>` : nothing}
      ${this.#actions.renderProblem("checkout")}
      <div class="actions">
        <button part="button" type="submit" aria-disabled=${busy ? "true" : "false"}>${s.checkout}</button>
      </div>
    </form>`;
  }

  #clearInvalid(field: "name" | "email"): void {
    if (this._invalid[field]) this._invalid = { ...this._invalid, [field]: undefined };
  }

  #renderField(id: string, label: string, type: string, autocomplete: string, error: string | undefined) {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input part="input" id=${id} name=${id} type=${type} autocomplete=${autocomplete} required maxlength="200"
        aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? `${id}-error` : nothing}
        @input=${() => this.#clearInvalid(id as "name" | "email")} />
      ${error ? html`<span id=${`${id}-error`} class="field-error">${error}</span>` : nothing}
    </div>`;
  }

  #renderType(t: TicketType, event: TicketedEvent) {
    const s = this.#s;
    const availability = availabilityOf(this._live, t, event, this._status, this._now);
    const onSale = availability === "on_sale";
    const q = this._qty[t.id] ?? 0;
    const max = maxOf(this._live, t);
    const remaining = remainingOf(this._live, t);
    const stock =
      availability === "not_yet_on_sale" && t.salesStartAt
        ? s.salesFrom(formatInstantRange(t.salesStartAt, null, event.timeZone, this.resolvedLocale))
        : onSale
          ? remaining === null
            ? ""
            : s.left(remaining)
          : s.availability[availability];
    const atMax = !onSale || q >= max || (q === 0 && t.minPerOrder > max);
    return html`<li part="ticket-type">
      <div>
        <h3 id=${`tt-${t.id}`}>${t.name}</h3>
        ${t.description ? html`<p class="muted">${t.description}</p>` : nothing}
        <p><span part="price">${t.price === 0 ? s.free : formatMoney(t.price, t.currency, this.resolvedLocale)}</span>
          ${stock ? html` · <span part="stock">${stock}</span>` : nothing}</p>
        ${onSale && (t.maxPerOrder < 10 || t.minPerOrder > 1) ? html`<p class="muted">${s.perOrder(t.minPerOrder, t.maxPerOrder)}</p>` : nothing}
      </div>
      ${
        onSale || q > 0
          ? html`<div part="stepper" role="group" aria-labelledby=${`tt-${t.id}`}>
            <button part="button" type="button" aria-label=${s.fewer(t.name)} aria-disabled=${q === 0 ? "true" : "false"}
              @click=${() => q > 0 && this.#step(t, -1)}>−</button>
            <output aria-label=${s.quantityOf(t.name)} aria-live="polite">${q}</output>
            <button part="button" type="button" aria-label=${s.more(t.name)} aria-disabled=${atMax ? "true" : "false"}
              @click=${() => !atMax && this.#step(t, 1)}>+</button>
          </div>`
          : nothing
      }
    </li>`;
  }

  #renderOrder(event: TicketedEvent, types: TicketType[]) {
    const s = this.#s;
    const order = this._order;
    if (this._step === "ended") {
      return html`<div class="actions">
        <p id="ended" role="alert">${order?.status === "cancelled" ? s.cancelled : s.expired}</p>
        <button part="button" type="button" @click=${() => this.#startOver()}>${s.startAgain}</button>
      </div>`;
    }
    if (!order) {
      // Restoring a stored order: its state is on the way (or the API could not say).
      return html`<p role="status">${s.waiting}</p>${this.#actions.renderProblem("poll")}
        <button part="button" type="button" class="secondary" @click=${() => this.#startOver()}>${s.startAgain}</button>`;
    }
    const nameOf = (id: string) => types.find((t) => t.id === id)?.name ?? id;
    if (this._step === "done") return renderDone(order, event.title, s, nameOf, () => this.#startOver());
    return renderHeld({
      order,
      now: this._now,
      s,
      locale: this.resolvedLocale,
      checkoutUrl: this._stored?.checkoutUrl,
      stripe: this._stored?.stripe ? this.#stripe : undefined,
      embedded: this._stored?.embedded ? this.#embedded : undefined,
      redirect: this._stored?.redirect === true,
      returned: this.#returned,
      nameOf,
      problem: this.#actions.renderProblem("poll"),
      checking: this.#actions.busy("poll"),
      onCheck: () => void this.#refreshOrder(),
    });
  }
}

defineElement("gk-ticket-checkout", GkTicketCheckout);
