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
  /** One organization per checkout mode (the mode is the organization's choice), made on first use. */
  const modeOrgs = new Map();
  let made = 0;
  async function modeOrg(mode, origin) {
    const { apiBase } = await api.ready();
    const call = async (method, path, body, token) => {
      const res = await fetch(apiBase + path, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body && JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    const key = `${mode} ${origin}`;
    if (!modeOrgs.has(key)) {
      made += 1;
      const session = await call("POST", "/v1/auth/sign-up", {
        email: `modes-${made}-${Date.now()}@widgets.test`,
        password: "correct horse battery staple 42",
        name: "Widget tests",
        organizationName: `Checkout ${mode}`,
      });
      const secret = (await call("POST", "/v1/secret-keys", { name: "Widget tests" }, session.accessToken)).secret;
      await call("PATCH", "/v1/organization", { checkoutMode: mode }, secret);
      const publishableKey = (await call("POST", "/v1/publishable-keys", { name: "Widget tests", allowedOrigins: [origin] }, secret)).key;
      modeOrgs.set(key, { secret, publishableKey });
    }
    return { apiBase, call, ...modeOrgs.get(key) };
  }
  /** A published event with "General admission" (€25.00, 3, at most 2 per order) in the organization of `mode`. */
  async function modeEvent(mode, origin) {
    const { apiBase, call, secret, publishableKey } = await modeOrg(mode, origin);
    made += 1;
    const draft = await call(
      "POST",
      "/v1/events",
      {
        title: `Fado night ${made}`,
        timeZone: "Europe/Lisbon",
        startsAt: "2030-07-02T19:30:00.000Z",
        endsAt: "2030-07-02T22:30:00.000Z",
        currency: "EUR",
        venue: { name: "Clube de Fado" },
      },
      secret,
    );
    const general = await call(
      "POST",
      `/v1/events/${draft.id}/ticket-types`,
      { currency: "EUR", name: "General admission", price: 2500, quantity: 3, maxPerOrder: 2 },
      secret,
    );
    await call("POST", `/v1/events/${draft.id}/publish`, undefined, secret);
    return { apiBase, publishableKey, eventId: draft.id, ticketTypes: { general: general.id } };
  }

  const info = {
    name: "gatherkit-stripe-standin",
    async serve(context) {
      // `?mode=checkout_embedded|checkout_redirect|payment_element`: an event of an organization that picked that mode.
      if (context.path === `${STRIPE_PREFIX}/mode-event.json`) {
        try {
          return {
            body: JSON.stringify(await modeEvent(String(context.query.mode), `${context.protocol}://${context.host}`)),
            type: "json",
          };
        } catch (error) {
          context.status = 500;
          return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: "json" };
        }
      }
      // `?session=cs_…`: pays a Checkout Session on Stripe's hosted page (what the buyer does there).
      if (context.path === `${STRIPE_PREFIX}/pay-hosted.json`) {
        const standin = await stripe();
        const session = standin.sessions.get(String(context.query.session));
        const res = await fetch(`${standin.url}/pay/${encodeURIComponent(String(context.query.session))}`, {
          method: "POST",
          body: new URLSearchParams({ outcome: context.query.outcome === "decline" ? "decline" : "pay" }),
          redirect: "manual",
        });
        return {
          body: JSON.stringify({ status: res.status, location: res.headers.get("location"), found: Boolean(session) }),
          type: "json",
        };
      }
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
