// Loaded on demand (its own chunk), only when a buyer reaches a Stripe payment: @stripe/stripe-js
// and, through it, Stripe.js itself.
import type { StripeError } from "@stripe/stripe-js";
import { stripeFor } from "./stripe-load.js";
import type { PaymentOutcome, StripeTarget } from "./stripe-pay.js";

export interface MountedPayment {
  confirm(): Promise<PaymentOutcome>;
  /** The bank's extra step, when the confirmation answered `requires_action`. */
  nextAction(): Promise<PaymentOutcome>;
  focus(): void;
  destroy(): void;
}

function outcomeOf(r: { error?: StripeError; paymentIntent?: { status: string } }): PaymentOutcome {
  if (r.error) {
    // The Payment Element shows a field's problem beside the field; the rest is a decline.
    if (r.error.type === "validation_error") return { kind: "invalid", message: r.error.message ?? "" };
    return { kind: "declined", message: r.error.message ?? "", code: r.error.decline_code ?? r.error.code };
  }
  const status = r.paymentIntent?.status;
  if (status === "succeeded" || status === "processing" || status === "requires_capture") return { kind: "submitted" };
  if (status === "requires_action") return { kind: "requires_action" };
  return { kind: "declined", message: "", code: status };
}

/** Stripe's Payment Element in `container`, for the PaymentIntent `target` names; resolves once it is ready to type in. */
export async function mountPaymentElement(
  container: HTMLElement,
  target: StripeTarget,
  opts: { scriptUrl?: string; locale?: string },
): Promise<MountedPayment> {
  const stripe = await stripeFor(target.publishableKey, target.stripeAccount, opts.scriptUrl);
  const elements = stripe.elements({ clientSecret: target.clientSecret, ...(opts.locale ? { locale: opts.locale as "auto" } : {}) });
  const element = elements.create("payment", { layout: "tabs" });
  const ready = new Promise<void>((resolve) => element.on("ready", () => resolve()));
  element.mount(container);
  await ready;
  return {
    async confirm() {
      // Stripe.js shows a bank's check (3-D Secure) itself; a redirect-only method comes back to this page.
      return outcomeOf(await stripe.confirmPayment({ elements, redirect: "if_required", confirmParams: { return_url: location.href } }));
    },
    async nextAction() {
      return outcomeOf(await stripe.handleNextAction({ clientSecret: target.clientSecret }));
    },
    focus: () => element.focus(),
    destroy: () => element.destroy(),
  };
}
