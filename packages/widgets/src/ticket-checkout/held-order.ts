import type { Order } from "@gatherkit/sdk";
import { embeddedTargetOf, type StripeTarget, stripeTargetOf } from "../internal/payments/stripe-pay.js";

/**
 * The order under way in a tab, kept in its sessionStorage under one key per API and event, so that
 * a reload, or a return from a payment page, finds it where the buyer left it. Its secrets (the
 * buyer's token, Stripe's client secret) never leave the tab.
 */
export interface StoredOrder {
  orderId: string;
  buyerToken: string;
  checkoutUrl: string | null;
  /** Stripe's Payment Element: what Stripe.js confirms the payment with (this tab's own order only). */
  stripe?: StripeTarget;
  /** Embedded Stripe Checkout: the session Stripe.js mounts (this tab's own order only). */
  embedded?: StripeTarget;
  /** Stripe Checkout's own page, in this tab: the buyer leaves and comes back to this page. */
  redirect?: boolean;
}

/** What to keep of the order the API just opened: how to read it again, and how it is paid. */
export function storedOrderOf(order: Order): StoredOrder {
  const stripe = stripeTargetOf(order.payment);
  const embedded = embeddedTargetOf(order.payment);
  return {
    orderId: order.id,
    buyerToken: order.buyerToken ?? "",
    checkoutUrl: order.payment?.checkoutUrl ?? null,
    ...(stripe ? { stripe } : {}),
    ...(embedded ? { embedded } : {}),
    ...(order.payment?.mode === "checkout_redirect" ? { redirect: true } : {}),
  };
}

/** The order this tab keeps under `key`, or undefined (none, or no sessionStorage). */
export function readStoredOrder(key: string): StoredOrder | undefined {
  try {
    const raw = sessionStorage.getItem(key);
    if (raw) return JSON.parse(raw) as StoredOrder;
  } catch {}
  return undefined;
}

/** Keeps `stored` under `key` in this tab, or forgets what was kept when undefined. */
export function storeOrder(key: string, stored: StoredOrder | undefined): void {
  try {
    if (stored) sessionStorage.setItem(key, JSON.stringify(stored));
    else sessionStorage.removeItem(key);
  } catch {}
}
