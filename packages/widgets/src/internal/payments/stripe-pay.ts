import { html, type LitElement, nothing } from "lit";
import type { MountedPayment } from "./stripe-element.js";
import { StripeMount } from "./stripe-mount.js";
import { STRIPE_PAY_STRINGS, type StripePayStrings } from "./stripe-pay.strings.js";

/** What Stripe.js needs to confirm a payment in the page: from an order's or a booking's `payment`, in the answer that opened it. */
export interface StripeTarget {
  clientSecret: string;
  publishableKey: string;
  stripeAccount: string | null;
}

/** How a confirmation ended, as the widget shows it (the order or booking itself follows the webhook). */
export type PaymentOutcome =
  | { kind: "submitted" }
  | { kind: "requires_action" }
  | { kind: "invalid"; message: string }
  | { kind: "declined"; message: string; code: string | undefined };

type PaymentSecrets =
  | { provider: string; mode?: string | null; clientSecret: string | null; publishableKey?: string | null; stripeAccount?: string | null }
  | null
  | undefined;

/** A payment to confirm with Stripe's Payment Element, or undefined (the local provider, Stripe Checkout, or a later read without secrets). */
export function stripeTargetOf(payment: PaymentSecrets): StripeTarget | undefined {
  if (payment?.mode && payment.mode !== "payment_element") return undefined;
  return secretsOf(payment);
}

/** A Checkout Session to pay in embedded Stripe Checkout (`mode: checkout_embedded`), or undefined. */
export function embeddedTargetOf(payment: PaymentSecrets): StripeTarget | undefined {
  return payment?.mode === "checkout_embedded" ? secretsOf(payment) : undefined;
}

function secretsOf(payment: PaymentSecrets): StripeTarget | undefined {
  if (payment?.provider !== "stripe" || !payment.clientSecret || !payment.publishableKey) return undefined;
  return { clientSecret: payment.clientSecret, publishableKey: payment.publishableKey, stripeAccount: payment.stripeAccount ?? null };
}

/**
 * The Payment Element step shared by `<gk-ticket-checkout>`, `<gk-parking-map>` and
 * `<gk-slot-picker>`. `sync(target)` (from the host's `updated`) loads @stripe/stripe-js and
 * Stripe.js on demand — only now, when a buyer reaches payment — and mounts the element; `render`
 * draws the form around it: a progress line, the decline (an alert, the form stays to try another
 * card), the bank's extra step, and Pay. After Stripe.js accepted the payment the widget waits:
 * `onSubmitted` asks the host to read the order or booking, which is paid only once the API had
 * Stripe's webhook — never on the browser's word.
 */
export class StripePay extends StripeMount<
  MountedPayment,
  "paying" | "action" | "declined",
  { scriptUrl: () => string | undefined; onSubmitted: () => void }
> {
  protected readonly container = "gk-stripe-element";

  protected mount(container: HTMLElement, target: StripeTarget): Promise<MountedPayment> {
    return import("./stripe-element.js").then(({ mountPaymentElement }) =>
      mountPaymentElement(container, target, {
        scriptUrl: this.opts.scriptUrl(),
        // Stripe's form in the widget's language (its `locale`, the nearest `lang`, …), not only the page's.
        locale: (this.host as LitElement & { resolvedLocale?: string }).resolvedLocale ?? (document.documentElement.lang || undefined),
      }),
    );
  }

  async #run(step: (m: MountedPayment) => Promise<PaymentOutcome>): Promise<void> {
    const mounted = this.mounted;
    if (!mounted || this.state === "paying" || this.state === "waiting" || this.state === "loading") return;
    this.set("paying", "");
    let outcome: PaymentOutcome;
    try {
      outcome = await step(mounted);
    } catch (err) {
      outcome = { kind: "declined", message: err instanceof Error ? err.message : String(err), code: undefined };
    }
    // The step moved on while Stripe answered (a new target, none, the widget gone): not this form's answer.
    if (mounted !== this.mounted) return;
    if (outcome.kind === "submitted") {
      this.set("waiting", "");
      this.opts.onSubmitted();
    } else if (outcome.kind === "requires_action") {
      this.set("action", "");
      this.#focus("#gk-stripe-action");
    } else if (outcome.kind === "invalid") {
      this.set("ready", outcome.message);
      mounted.focus();
    } else {
      this.set("declined", outcome.message || this.s.declined);
      this.#focus("#gk-stripe-error");
    }
  }

  #focus(selector: string): void {
    void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  /** The form around the Payment Element; `amount` is the formatted price on the Pay button; `t` the sentences (default English). */
  render(amount: string, t: StripePayStrings = STRIPE_PAY_STRINGS) {
    this.s = t;
    const s = this.state;
    const blocked = s === "loading" || s === "paying" || s === "waiting" || s === "failed";
    const progress = s === "loading" ? t.payLoading : s === "paying" ? t.paying : s === "waiting" ? t.payWaiting : "";
    const submit = (e: SubmitEvent) => {
      e.preventDefault();
      void this.#run((m) => m.confirm());
    };
    return html`<form part="payment-form" class="stripe-pay" novalidate aria-label=${t.payment} aria-busy=${blocked ? "true" : "false"} @submit=${submit}>
      <div id=${this.container} part="payment-element"></div>
      <p role="status" class="muted">${progress}</p>
      ${
        s === "declined" || s === "failed" || (s === "ready" && this.message)
          ? html`<p id="gk-stripe-error" part="form-error" role="alert" tabindex="-1">${this.message}</p>`
          : nothing
      }
      ${
        s === "action"
          ? html`<p>${t.bankAsks}</p>
            <button id="gk-stripe-action" part="button" type="button" @click=${() => void this.#run((m) => m.nextAction())}>${t.confirmBank}</button>`
          : nothing
      }
      ${
        s === "waiting" || s === "action"
          ? nothing
          : html`<button part="button pay-button" type="submit" aria-disabled=${blocked ? "true" : "false"}>
            ${s === "declined" ? t.payAgain(amount) : t.pay(amount)}</button>`
      }
    </form>`;
  }
}
