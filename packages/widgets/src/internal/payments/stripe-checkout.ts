import { html, nothing } from "lit";
import type { MountedCheckout } from "./stripe-embedded.js";
import { StripeMount } from "./stripe-mount.js";
import type { StripeTarget } from "./stripe-pay.js";
import { STRIPE_PAY_STRINGS, type StripePayStrings } from "./stripe-pay.strings.js";

/**
 * Stripe's embedded Checkout (`checkoutMode: checkout_embedded`) as a payment step. `sync(target)`
 * (from the host's `updated`) loads @stripe/stripe-js and Stripe.js on demand — only when a buyer
 * reaches payment — and mounts Checkout; Stripe's form collects the card and its bank's checks.
 * When Stripe says the buyer paid, the widget waits: `onComplete` asks the host to read the order,
 * which is paid only once the API had Stripe's webhook.
 */
export class EmbeddedCheckout extends StripeMount<MountedCheckout, never, { scriptUrl: () => string | undefined; onComplete: () => void }> {
  protected readonly container = "gk-stripe-checkout";

  protected mount(container: HTMLElement, target: StripeTarget, mine: () => boolean): Promise<MountedCheckout> {
    return import("./stripe-embedded.js").then(({ mountEmbeddedCheckout }) =>
      mountEmbeddedCheckout(container, target, {
        scriptUrl: this.opts.scriptUrl(),
        onComplete: () => {
          if (!mine()) return;
          this.set("waiting", "");
          this.opts.onComplete();
        },
      }),
    );
  }

  /** Where Stripe's form goes, with a progress line; `t` the sentences (default English). */
  render(t: StripePayStrings = STRIPE_PAY_STRINGS) {
    this.s = t;
    const s = this.state;
    const progress = s === "loading" ? t.payLoading : s === "waiting" ? t.payWaiting : "";
    return html`<div part="payment-form" class="stripe-pay" role="group" aria-label=${t.payment} aria-busy=${s === "loading" || s === "waiting" ? "true" : "false"}>
      <div id=${this.container} part="embedded-checkout"></div>
      <p role="status" class="muted">${progress}</p>
      ${s === "failed" ? html`<p id="gk-stripe-error" part="form-error" role="alert" tabindex="-1">${this.message}</p>` : nothing}
    </div>`;
  }
}
