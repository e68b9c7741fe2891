import type { Order } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, newEvent, newTicketType } from "../../../test/event-fixtures.js";
import { expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { signStripe, startStripeStandIn } from "../../../test/stripe-standin.js";

/**
 * Stripe's two ways to pay, the organizer's choice (`STRIPE_CHECKOUT`), end to end against the
 * Stripe stand-in: it plays the buyer's browser (Stripe.js's confirm calls, the hosted Checkout
 * page) and sends the webhooks Stripe would, signed in Stripe's format, into the API's webhook.
 * The order follows those events only.
 */

const WEBHOOK_SECRET = "whsec_test_modes_0123456789abcdef0123456789ab";
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
let element: TestApp; // payment_element (the default), Connect account, publishable key
let hosted: TestApp; // checkout_session
let orgE: TestOrg;
let orgH: TestOrg;
const deliveries: { app: string; status: number; type: string }[] = [];

beforeAll(async () => {
  stripe = await startStripeStandIn();
  const env = { STRIPE_SECRET_KEY: "sk_test_standin", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url };
  element = await createTestApp({ env: { ...env, STRIPE_PUBLISHABLE_KEY: "pk_test_standin", STRIPE_ACCOUNT: "acct_standin" } });
  hosted = await createTestApp({ env: { ...env, STRIPE_CHECKOUT: "checkout_session" } });
  orgE = await newOrg(element);
  orgH = await newOrg(hosted);
  // Each event goes to the app whose payment it is (the connected account's PaymentIntents belong to `element`).
  stripe.setWebhook(WEBHOOK_SECRET, async (payload, signature) => {
    const target = payload.includes("cs_test_standin") || payload.includes('"gkCheckoutSession"') ? hosted : element;
    const res = await call(target, "POST", "/v1/payments/webhook", { raw: payload, headers: { "stripe-signature": signature } });
    deliveries.push({
      app: target === hosted ? "hosted" : "element",
      status: res.status,
      type: (JSON.parse(payload) as { type: string }).type,
    });
  });
});
afterAll(async () => {
  element.close();
  hosted.close();
  await stripe.close();
});

async function pendingOrder(t: TestApp, o: TestOrg, quantity = 1) {
  const event = await newEvent(t, o);
  const type = await newTicketType(t, o, event, { price: 2500, quantity: 10 });
  return expectStatus<Order>(await checkoutRequest(t, o, event, [{ ticketTypeId: type.id, quantity }]), 201);
}
const getOrder = async (t: TestApp, o: TestOrg, id: string) =>
  expectStatus<Order>(await call(t, "GET", `/v1/orders/${id}`, { token: o.secretKey }), 200);

/** What Stripe.js does from the buyer's page: confirm with a card, or answer the 3-D Secure challenge. */
async function browser(order: Order, path: "confirm" | "authenticate", fields: Record<string, string>) {
  const pi = order.payment?.paymentIntentId ?? "";
  const res = await fetch(`${stripe.url}/v1/payment_intents/${pi}/${path}`, {
    method: "POST",
    body: new URLSearchParams({ key: order.payment?.publishableKey ?? "", client_secret: order.payment?.clientSecret ?? "", ...fields }),
  });
  return { status: res.status, body: (await res.json()) as { status?: string; error?: { code: string } } };
}
const card = (n: string) => ({ "payment_method_data[card][number]": n });

describe("payment_element (the default): the page confirms a PaymentIntent with Stripe.js", () => {
  it("the answer that starts the checkout carries the client secret, the publishable key and the connected account", async () => {
    const order = await pendingOrder(element, orgE);
    expect(order.payment).toMatchObject({
      provider: "stripe",
      clientSecret: `${order.payment?.paymentIntentId}_secret_standin`,
      checkoutUrl: null,
      publishableKey: "pk_test_standin",
      stripeAccount: "acct_standin",
    });
    // Created on the connected account; later reads carry no secret and no key.
    const created = stripe.requests.filter((r) => r.path === "/v1/payment_intents").at(-1);
    expect(created?.body.get("metadata[orderId]")).toBe(order.id);
    expect((await getOrder(element, orgE, order.id)).payment).toMatchObject({
      clientSecret: null,
      publishableKey: null,
      stripeAccount: null,
    });
  });

  it("a card that pays: the webhook Stripe sends pays the order", async () => {
    const order = await pendingOrder(element, orgE, 2);
    expect((await browser(order, "confirm", card("4242 4242 4242 4242"))).body.status).toBe("succeeded");
    const paid = await getOrder(element, orgE, order.id);
    expect(paid.status).toBe("paid");
    expect(paid.tickets).toHaveLength(2);
  });

  it("a declined card leaves the order pending (the buyer may retry), and a second card pays it", async () => {
    const order = await pendingOrder(element, orgE);
    const declined = await browser(order, "confirm", card("4000000000000002"));
    expect(declined.status).toBe(402);
    expect(declined.body.error?.code).toBe("card_declined");
    expect((await getOrder(element, orgE, order.id)).status).toBe("pending");
    expect((await browser(order, "confirm", card("4242424242424242"))).body.status).toBe("succeeded");
    expect((await getOrder(element, orgE, order.id)).status).toBe("paid");
  });

  it("requires action: pending while the bank asks; a failed authentication pays nothing, a completed one pays", async () => {
    const order = await pendingOrder(element, orgE);
    expect((await browser(order, "confirm", card("4000002760003184"))).body.status).toBe("requires_action");
    expect((await getOrder(element, orgE, order.id)).status).toBe("pending");
    const failed = await browser(order, "authenticate", { outcome: "fail" });
    expect(failed.body.error?.code).toBe("payment_intent_authentication_failure");
    expect((await getOrder(element, orgE, order.id)).status).toBe("pending");
    expect((await browser(order, "confirm", card("4000002760003184"))).body.status).toBe("requires_action");
    expect((await browser(order, "authenticate", { outcome: "complete" })).body.status).toBe("succeeded");
    expect((await getOrder(element, orgE, order.id)).status).toBe("paid");
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });
});

describe("checkout_session: Stripe Checkout's hosted page", () => {
  it("the answer carries the session's page; paying there pays the order (through checkout.session.completed), and the buyer comes back to the API's return page", async () => {
    const order = await pendingOrder(hosted, orgH, 2);
    expect(order.payment).toMatchObject({ provider: "stripe", clientSecret: null, publishableKey: null });
    expect(order.payment?.paymentIntentId).toMatch(/^cs_test_standin_/);
    const url = order.payment?.checkoutUrl ?? "";
    expect(url).toBe(`${stripe.url}/pay/${order.payment?.paymentIntentId}`);
    const created = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1);
    expect(created?.body.get("mode")).toBe("payment");
    expect(created?.body.get("line_items[0][price_data][unit_amount]")).toBe("5000");
    expect(created?.body.get("metadata[orderId]")).toBe(order.id);
    expect(created?.body.get("metadata[domain]")).toBe("events");
    // Its PaymentIntent's own events are not the order's: no domain, a mark instead.
    expect(created?.body.has("payment_intent_data[metadata][domain]")).toBe(false);
    expect(created?.body.get("payment_intent_data[metadata][gkCheckoutSession]")).toBe("1");
    expect(created?.idempotencyKey).toBe(`order-${order.id}`);
    expect(created?.body.get("success_url")).toBe("http://api.test/v1/payments/return?outcome=paid");

    const declined = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "decline" }), redirect: "manual" });
    expect(declined.headers.get("location")).toBe("http://api.test/v1/payments/return?outcome=cancelled");
    expect((await getOrder(hosted, orgH, order.id)).status).toBe("pending");

    const paid = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    expect(paid.headers.get("location")).toBe("http://api.test/v1/payments/return?outcome=paid");
    const now = await getOrder(hosted, orgH, order.id);
    expect(now.status).toBe("paid");
    expect(now.tickets).toHaveLength(2);
    const page = await hosted.fetch("http://api.test/v1/payments/return?outcome=paid");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Payment sent");
    expect(deliveries.filter((d) => d.app === "hosted").map((d) => [d.type, d.status])).toEqual([
      ["payment_intent.succeeded", 200],
      ["checkout.session.completed", 200],
    ]);
  });

  it("a refund goes to the session's PaymentIntent, and Stripe's charge.refunded (the PaymentIntent's metadata) refunds the order, once", async () => {
    const order = await pendingOrder(hosted, orgH, 1);
    await fetch(order.payment?.checkoutUrl ?? "", { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    expect((await getOrder(hosted, orgH, order.id)).status).toBe("paid");
    const session = stripe.sessions.get(order.payment?.paymentIntentId ?? "");
    const pi = session?.paymentIntent ?? "";
    expect(pi).toMatch(/^pi_standin_/);
    expect((await call(hosted, "POST", `/v1/orders/${order.id}/refunds`, { token: orgH.secretKey, body: {} })).status).toBeLessThan(300);
    const asked = stripe.requests.filter((r) => r.path === "/v1/refunds").at(-1);
    expect(asked?.body.get("payment_intent")).toBe(pi);
    const charge = JSON.stringify({
      id: `evt_refund_${order.id}`,
      object: "event",
      type: "charge.refunded",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: "ch_standin_1",
          object: "charge",
          amount: 2500,
          amount_refunded: 2500,
          refunded: true,
          currency: "eur",
          payment_intent: pi,
          metadata: session?.intentMetadata,
        },
      },
    });
    for (let i = 0; i < 3; i++) {
      const res = await call(hosted, "POST", "/v1/payments/webhook", {
        raw: charge,
        headers: { "stripe-signature": signStripe(charge, WEBHOOK_SECRET) },
      });
      expect(res.status).toBe(200);
    }
    const refunded = await getOrder(hosted, orgH, order.id);
    expect(refunded).toMatchObject({ status: "refunded", amountRefunded: 2500 });
    expect(refunded.tickets.every((x) => x.status === "void")).toBe(true);
  });
});
