// Loaded on demand (its own chunk), only when a buyer reaches a payment in embedded Stripe Checkout.
import { stripeFor } from "./stripe-load.js";
import type { StripeTarget } from "./stripe-pay.js";

export interface MountedCheckout {
  destroy(): void;
}

/**
 * Stripe's embedded Checkout (`createEmbeddedCheckoutPage`, formerly `initEmbeddedCheckout`) in `container`, for the Checkout Session
 * whose client secret `target` carries; `onComplete` when Stripe says the buyer paid (the order
 * itself is paid only by Stripe's webhook).
 */
export async function mountEmbeddedCheckout(
  container: HTMLElement,
  target: StripeTarget,
  opts: { scriptUrl?: string | undefined; onComplete: () => void },
): Promise<MountedCheckout> {
  const stripe = await stripeFor(target.publishableKey, target.stripeAccount, opts.scriptUrl);
  // Stripe.js's `initEmbeddedCheckout`, named `createEmbeddedCheckoutPage` since `ui_mode: embedded_page`.
  const checkout = await stripe.createEmbeddedCheckoutPage({ clientSecret: target.clientSecret, onComplete: opts.onComplete });
  checkout.mount(container);
  return { destroy: () => checkout.destroy() };
}
