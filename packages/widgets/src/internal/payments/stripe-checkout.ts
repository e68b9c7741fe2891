import { html, type LitElement, nothing, type ReactiveController } from "lit";
import type { MountedCheckout } from "./stripe-embedded.js";
import type { StripeTarget } from "./stripe-pay.js";
import { STRIPE_PAY_STRINGS, type StripePayStrings } from "./stripe-pay.strings.js";

type State = "loading" | "ready" | "waiting" | "failed";

/** The element embedded Checkout is mounted in (one per widget). */
const CONTAINER = "gk-stripe-checkout";

/**
 * Stripe's embedded Checkout (`checkoutMode: checkout_embedded`) as a payment step. `sync(target)`
 * (from the host's `updated`) loads @stripe/stripe-js and Stripe.js on demand — only when a buyer
 * reaches payment — and mounts Checkout; Stripe's form collects the card and its bank's checks.
 * When Stripe says the buyer paid, the widget waits: `onComplete` asks the host to read the order,
 * which is paid only once the API had Stripe's webhook.
 */
export class EmbeddedCheckout implements ReactiveController {
  state: State = "loading";
  message = "";
  #target: StripeTarget | undefined;
  #mounted: MountedCheckout | undefined;
  #generation = 0;

  constructor(
    private readonly host: LitElement,
    private readonly opts: { scriptUrl: () => string | undefined; onComplete: () => void },
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.reset();
  }

  reset(): void {
    this.#generation++;
    this.#mounted?.destroy();
    this.#mounted = undefined;
    this.#target = undefined;
    this.state = "loading";
    this.message = "";
  }

  /** Mounts embedded Checkout for `target` once its container is in the page (call from `updated`). */
  sync(target: StripeTarget | undefined, t: StripePayStrings = STRIPE_PAY_STRINGS): void {
    if (this.#target?.clientSecret === target?.clientSecret) return;
    this.reset();
    if (!target) return;
    const container = this.host.renderRoot.querySelector<HTMLElement>(`#${CONTAINER}`);
    if (!container) return;
    this.#target = target;
    const generation = this.#generation;
    const mine = () => generation === this.#generation;
    import("./stripe-embedded.js")
      .then(({ mountEmbeddedCheckout }) =>
        mountEmbeddedCheckout(container, target, {
          scriptUrl: this.opts.scriptUrl(),
          onComplete: () => {
            if (!mine()) return;
            this.#set("waiting", "");
            this.opts.onComplete();
          },
        }),
      )
      .then(
        (mounted) => {
          if (!mine()) return mounted.destroy();
          this.#mounted = mounted;
          if (this.state === "loading") this.#set("ready", "");
        },
        (err: unknown) => {
          if (!mine()) return;
          this.#set("failed", t.payFailed(err instanceof Error ? err.message : String(err)));
        },
      );
  }

  #set(state: State, message: string): void {
    this.state = state;
    this.message = message;
    this.host.requestUpdate();
  }

  /** Where Stripe's form goes, with a progress line; `t` the sentences (default English). */
  render(t: StripePayStrings = STRIPE_PAY_STRINGS) {
    const s = this.state;
    const progress = s === "loading" ? t.payLoading : s === "waiting" ? t.payWaiting : "";
    return html`<div part="payment-form" class="stripe-pay" role="group" aria-label=${t.payment} aria-busy=${s === "loading" || s === "waiting" ? "true" : "false"}>
      <div id=${CONTAINER} part="embedded-checkout"></div>
      <p role="status" class="muted">${progress}</p>
      ${s === "failed" ? html`<p id="gk-stripe-error" part="form-error" role="alert" tabindex="-1">${this.message}</p>` : nothing}
    </div>`;
  }
}
