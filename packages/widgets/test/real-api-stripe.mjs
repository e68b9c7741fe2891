// Test-runner plugins: a second real API whose payments provider is Stripe, pointed at the Stripe
// stand-in of the API's own tests (apps/api/test/stripe-standin.ts, on loopback: nothing reaches
// the internet). The stand-in serves a stand-in Stripe.js (the widgets load it through
// `stripe-js-url`), answers its confirm calls from the page, and sends the signed webhooks to this
// API's `/v1/payments/webhook`, as Stripe would. Its events and places are served under
// `/__gatherkit-stripe/…` (like `/__gatherkit-api/…`), and `/__gatherkit-stripe.json` says where
// the stand-in Stripe.js is.
import { startStripeStandIn } from "../../../apps/api/test/stripe-standin.ts";
import { realApi } from "./real-api.mjs";
import { realApiEvents } from "./real-api-events.mjs";
import { realApiPlaces } from "./real-api-places.mjs";

const WEBHOOK_SECRET = "whsec_widgets_standin_0123456789abcdef01234567";
export const STRIPE_PREFIX = "/__gatherkit-stripe";

export function realApiStripe() {
  /** @type {Promise<Awaited<ReturnType<typeof startStripeStandIn>>> | undefined} */
  let standIn;
  const stripe = () => {
    standIn ??= startStripeStandIn();
    return standIn;
  };
  /** @type {Awaited<ReturnType<typeof startStripeStandIn>> | undefined} */
  let started;
  const api = realApi({
    name: "gatherkit-real-api-stripe",
    env: async () => {
      started = await stripe();
      return {
        STRIPE_SECRET_KEY: "sk_test_widgets_standin",
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_PUBLISHABLE_KEY: "pk_test_widgets_standin",
        STRIPE_API_BASE: started.url,
      };
    },
    started: (apiBase) => {
      started?.setWebhook(WEBHOOK_SECRET, async (payload, signature) => {
        const res = await fetch(`${apiBase}/v1/payments/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": signature },
          body: payload,
        });
        if (!res.ok) throw new Error(`the API refused a stand-in webhook: ${res.status} ${await res.text()}`);
      });
    },
    stop: async () => {
      if (standIn) await (await standIn).close();
    },
  });
  const info = {
    name: "gatherkit-stripe-standin",
    async serve(context) {
      // `?hold=1`: Stripe's webhooks wait (a late webhook); `?hold=0`: they are sent now.
      if (context.path === `${STRIPE_PREFIX}/webhooks.json`) {
        await (await stripe()).holdWebhooks(context.query.hold === "1");
        return { body: "{}", type: "json" };
      }
      if (context.path !== `${STRIPE_PREFIX}.json`) return undefined;
      await api.ready();
      return { body: JSON.stringify({ stripeJs: (await stripe()).stripeJs }), type: "json" };
    },
  };
  return [api, realApiEvents(api, STRIPE_PREFIX), realApiPlaces(api, STRIPE_PREFIX), info];
}
