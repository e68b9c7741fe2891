// Loaded on demand, with the payment step that needs it (the Payment Element or embedded Checkout):
// Stripe.js, from Stripe or from the page's own address for it.
import type { Stripe } from "@stripe/stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";

const scripts = new Map<string, Promise<void>>();

/**
 * Stripe.js from `url` instead of Stripe's own address (self-hosting policy, or a stand-in in
 * tests). Once `window.Stripe` exists, `loadStripe` uses it rather than adding its own script.
 */
function loadScript(url: string): Promise<void> {
  if (window.Stripe) return Promise.resolve();
  let p = scripts.get(url);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => {
        scripts.delete(url);
        script.remove();
        reject(new Error(`Stripe.js did not load from ${url}.`));
      });
      document.head.append(script);
    });
    scripts.set(url, p);
  }
  return p;
}

/** Stripe.js for `publishableKey` (on `stripeAccount`, Stripe Connect), from `scriptUrl` when the page names one. */
export async function stripeFor(publishableKey: string, stripeAccount: string | null, scriptUrl: string | undefined): Promise<Stripe> {
  if (scriptUrl) await loadScript(scriptUrl);
  const stripe = await loadStripe(publishableKey, stripeAccount ? { stripeAccount } : undefined);
  if (!stripe) throw new Error("Stripe.js is not available on this page.");
  return stripe;
}
