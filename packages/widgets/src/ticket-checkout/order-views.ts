import type { Order } from "@gatherkit/sdk";
import { html, nothing, type TemplateResult } from "lit";
import type { EmbeddedCheckout } from "../internal/payments/stripe-checkout.js";
import type { StripePay } from "../internal/payments/stripe-pay.js";
import { formatMoney } from "../internal/plans/format.js";
import type { TicketCheckoutStrings } from "./ticket-checkout.strings.js";

/** The confirmation of a paid (or free) order: its code, where it was emailed, and each ticket's code. */
export function renderDone(order: Order, title: string, s: TicketCheckoutStrings, nameOf: (id: string) => string, onAgain: () => void) {
  return html`<div>
      <h3 id="done">${s.done(title)}</h3>
      <p>${s.confirmation}: <span part="confirmation-code">${order.confirmationCode}</span></p>
      <p class="muted">${s.emailed(order.buyer.email)}</p>
    </div>
    <h3>${s.ticketList}</h3>
    <ul>
      ${order.tickets.map((t) => html`<li part="ticket"><span>${nameOf(t.ticketTypeId)}</span><span part="ticket-code">${t.code}</span></li>`)}
    </ul>
    <div class="actions">
      <button part="button" type="button" class="secondary" @click=${onAgain}>${s.again}</button>
    </div>`;
}

export interface HeldOptions {
  order: Order;
  /** The clock of the countdown (ms). */
  now: number;
  s: TicketCheckoutStrings;
  locale: string;
  /** The payment page (the local provider's, Stripe Checkout's), when the order pays there. */
  checkoutUrl: string | null | undefined;
  /** Stripe's Payment Element, when the order pays in the widget. */
  stripe: StripePay | undefined;
  /** Stripe's embedded Checkout, when the order pays in it. */
  embedded: EmbeddedCheckout | undefined;
  /** The payment page is Stripe Checkout's, opened in this tab (the buyer comes back here). */
  redirect: boolean;
  /** Back from Stripe Checkout's page: `paid` or `cancelled`, as that page said. */
  returned: string | undefined;
  nameOf: (id: string) => string;
  /** Why the last check of the order failed (from an ActionController). */
  problem: TemplateResult | typeof nothing;
  checking: boolean;
  /** "I have paid": read the order now. */
  onCheck: () => void;
}

/** A held order waiting for its payment: what is held, the time left, and how to pay. */
export function renderHeld(o: HeldOptions) {
  const { order, s } = o;
  // Never more than the hold's length, however far this device's clock is behind the API's.
  const expiresAt = Date.parse(order.expiresAt);
  const left = Math.max(0, Math.min(expiresAt - o.now, expiresAt - Date.parse(order.createdAt)));
  const mm = Math.floor(left / 60_000);
  const ss = String(Math.floor((left % 60_000) / 1000)).padStart(2, "0");
  const amount = formatMoney(order.total, order.currency, o.locale);
  return html`<div>
      <h3 id="held">${s.held}</h3>
      <ul class="muted">
        ${order.lines.map((l) => html`<li>${l.quantity} × ${o.nameOf(l.ticketTypeId)}</li>`)}
      </ul>
    </div>
    <p>${s.heldFor} <span part="countdown" role="timer" aria-live="off"><time datetime=${`PT${mm}M${ss}S`}>${mm}:${ss}</time></span></p>
    ${
      o.stripe
        ? o.stripe.render(amount, s)
        : o.embedded
          ? o.embedded.render(s)
          : o.checkoutUrl && o.redirect
            ? html`${
                o.returned === "paid"
                  ? html`<p role="status">${s.payWaiting}</p>`
                  : o.returned === "cancelled"
                    ? html`<p role="status">${s.paymentNotMade}</p>`
                    : nothing
              }
              <a part="pay-link" href=${o.checkoutUrl}>${s.pay(amount)}</a>
              <p class="muted">${s.redirectHint}</p>`
            : o.checkoutUrl
              ? html`<a part="pay-link" href=${o.checkoutUrl} target="_blank" rel="noopener">${s.pay(amount)}</a>
            <p class="muted">${s.payHint}</p>`
              : html`<p class="muted">${s.stripeHint}</p>`
    }
    ${o.problem}
    ${
      o.stripe || o.embedded
        ? nothing
        : html`<div class="actions">
          <button part="button" type="button" class="secondary" aria-disabled=${o.checking ? "true" : "false"} @click=${o.onCheck}>${s.checkPayment}</button>
        </div>`
    }`;
}
