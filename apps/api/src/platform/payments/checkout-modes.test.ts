import type { Order, Organization, TicketType } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent, newTicketType } from "../../../test/event-fixtures.js";
import { expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { signStripe, startStripeStandIn } from "../../../test/stripe-standin.js";

/**
 * The organizer's choice of Stripe checkout (`checkoutMode` on the organization, else the
 * deployment's `STRIPE_CHECKOUT`), end to end against the Stripe stand-in: the Payment Element,
 * embedded Checkout (`ui_mode: embedded_page`) and Stripe Checkout's own page, each paying the
 * order only through the webhook Stripe sends; an expired session ends the hold, and a hold that
 * ends expires its session.
 */

const WEBHOOK_SECRET = "whsec_test_orgmodes_0123456789abcdef01234567";
const HOST_PAGE = `${TEST_ORIGIN}/gala?seat=a`;
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
let t: TestApp;
let local: TestApp;
let clockOffset = 0;
const delivered: { type: string; status: number; payload: string }[] = [];

beforeAll(async () => {
  stripe = await startStripeStandIn();
  t = await createTestApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_standin",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
      STRIPE_PUBLISHABLE_KEY: "pk_test_standin",
    },
    now: () => Date.now() + clockOffset,
  });
  local = await createTestApp();
  stripe.setWebhook(WEBHOOK_SECRET, async (payload, signature) => {
    const res = await call(t, "POST", "/v1/payments/webhook", { raw: payload, headers: { "stripe-signature": signature } });
    delivered.push({ type: (JSON.parse(payload) as { type: string }).type, status: res.status, payload });
  });
});
afterAll(async () => {
  t.close();
  local.close();
  await stripe.close();
});

async function orgWith(app: TestApp, checkoutMode: Organization["checkoutMode"]) {
  const org = await newOrg(app);
  const set = await call(app, "PATCH", "/v1/organization", { token: org.secretKey, body: { checkoutMode } });
  expect(expectStatus<Organization>(set, 200).checkoutMode).toBe(checkoutMode);
  return org;
}

async function sale(app: TestApp, org: TestOrg) {
  const event = await newEvent(app, org);
  const type = await newTicketType(app, org, event, { price: 2500, quantity: 10 });
  return { event, type };
}

function checkout(app: TestApp, org: TestOrg, eventId: string, typeId: string, quantity: number, extra: Record<string, unknown> = {}) {
  return call(app, "POST", `/v1/events/${eventId}/orders`, {
    token: org.publishableKey,
    headers: { origin: TEST_ORIGIN },
    body: { buyer: { name: "Grace Hopper", email: "grace@example.com" }, lines: [{ ticketTypeId: typeId, quantity }], ...extra },
  });
}

const getOrder = async (app: TestApp, org: TestOrg, id: string) =>
  expectStatus<Order>(await call(app, "GET", `/v1/orders/${id}`, { token: org.secretKey }), 200);
const remaining = async (app: TestApp, org: TestOrg, eventId: string, typeId: string) => {
  const types = expectStatus<{ data: TicketType[] }>(
    await call(app, "GET", `/v1/events/${eventId}/ticket-types`, { token: org.secretKey }),
    200,
  );
  return types.data.find((x) => x.id === typeId)?.remaining;
};
const lastSessionRequest = () => stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1);

/** Sends `event` (Stripe's shape) to the webhook `times` times, signed as Stripe signs; answers the statuses. */
async function deliver(event: { id: string; type: string; object: Record<string, unknown> }, times = 1) {
  const payload = JSON.stringify({
    id: event.id,
    object: "event",
    type: event.type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object: event.object },
  });
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await call(t, "POST", "/v1/payments/webhook", {
      raw: payload,
      headers: { "stripe-signature": signStripe(payload, WEBHOOK_SECRET) },
    });
    statuses.push(res.status);
  }
  return statuses;
}

/** A session event as Stripe sends it, from the stand-in's record of the session. */
function sessionEvent(id: string, type: string, paymentStatus: "paid" | "unpaid") {
  const s = stripe.sessions.get(id);
  if (!s) throw new Error(`no session ${id}`);
  return {
    id: `evt_${type.replace(/\W/g, "_")}_${id}`,
    type,
    object: {
      id,
      object: "checkout.session",
      mode: "payment",
      amount_total: s.amount,
      currency: s.currency,
      metadata: s.metadata,
      payment_status: paymentStatus,
      status: type === "checkout.session.expired" ? "expired" : "complete",
    },
  };
}

describe("the organization's checkout mode", () => {
  it("is the deployment's until the organizer picks one; an unknown mode is a 400 problem, and null goes back to the default", async () => {
    const org = await newOrg(t);
    expect(expectStatus<Organization>(await call(t, "GET", "/v1/organization", { token: org.secretKey }), 200).checkoutMode).toBeNull();
    const { event, type } = await sale(t, org);
    const before = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    expect(before.payment).toMatchObject({ mode: "payment_element", paymentIntentId: expect.stringMatching(/^pi_standin_/) });

    const bad = await call(t, "PATCH", "/v1/organization", { token: org.secretKey, body: { checkoutMode: "checkout_popup" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.body).toMatchObject({ code: "validation_failed", errors: [{ path: "body.checkoutMode" }] });
    const staff = await call(t, "PATCH", "/v1/organization", { token: org.publishableKey, body: { checkoutMode: "checkout_redirect" } });
    expect(staff.status).toBeGreaterThanOrEqual(400);
    expect(staff.status).toBeLessThan(500);

    const set = await call(t, "PATCH", "/v1/organization", { token: org.secretKey, body: { checkoutMode: "checkout_redirect" } });
    expect(expectStatus<Organization>(set, 200).checkoutMode).toBe("checkout_redirect");
    const after = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    expect(after.payment).toMatchObject({ mode: "checkout_redirect", paymentIntentId: expect.stringMatching(/^cs_test_standin_/) });

    const reset = await call(t, "PATCH", "/v1/organization", { token: org.secretKey, body: { checkoutMode: null } });
    expect(expectStatus<Organization>(reset, 200).checkoutMode).toBeNull();
    expect(expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201).payment?.mode).toBe("payment_element");
  });

  it("the local provider (no Stripe) ignores it: its own checkout page, through the same code path", async () => {
    const org = await orgWith(local, "checkout_embedded");
    const { event, type } = await sale(local, org);
    const order = expectStatus<Order>(await checkout(local, org, event.id, type.id, 1), 201);
    expect(order.payment).toMatchObject({ provider: "local", mode: null, publishableKey: null });
    expect(order.payment?.checkoutUrl).toContain("/v1/payments/local/checkout?token=");
  });
});

describe("checkout_embedded: Stripe Checkout in the buyer's page", () => {
  it("answers the session's client secret and the publishable key; paying in the page pays the order once, whatever Stripe redelivers", async () => {
    const org = await orgWith(t, "checkout_embedded");
    const { event, type } = await sale(t, org);
    const order = expectStatus<Order>(await checkout(t, org, event.id, type.id, 2, { returnUrl: HOST_PAGE }), 201);
    const id = order.payment?.paymentIntentId ?? "";
    expect(id).toMatch(/^cs_test_standin_/);
    expect(order.payment).toMatchObject({
      provider: "stripe",
      mode: "checkout_embedded",
      clientSecret: `${id}_secret_standin`,
      checkoutUrl: null,
      publishableKey: "pk_test_standin",
    });
    const created = lastSessionRequest();
    expect(created?.body.get("ui_mode")).toBe("embedded_page");
    expect(created?.body.get("redirect_on_completion")).toBe("if_required");
    expect(created?.body.has("success_url")).toBe(false);
    const back = new URL(created?.body.get("return_url") ?? "");
    expect(back.origin + back.pathname).toBe(`${TEST_ORIGIN}/gala`);
    expect(Object.fromEntries(back.searchParams)).toEqual({ seat: "a", gk_order: order.id, gk_payment: "paid" });
    expect(created?.body.get("metadata[orderId]")).toBe(order.id);

    // What embedded Checkout posts from the buyer's page (the stand-in's `initEmbeddedCheckout`).
    const pay = (card: string) =>
      fetch(`${stripe.url}/v1/checkout/sessions/${id}/pay`, {
        method: "POST",
        body: new URLSearchParams({ key: "pk_test_standin", client_secret: order.payment?.clientSecret ?? "", card }),
      });
    expect((await pay("4000000000000002")).status).toBe(402);
    expect((await getOrder(t, org, order.id)).status).toBe("pending");
    expect((await pay("4242424242424242")).status).toBe(200);
    const paid = await getOrder(t, org, order.id);
    expect(paid.status).toBe("paid");
    expect(paid.tickets).toHaveLength(2);

    // Stripe delivers the same event again (×5): nothing changes, no ticket twice.
    const completed = delivered.filter((d) => d.type === "checkout.session.completed" && d.payload.includes(id)).at(-1);
    expect(completed?.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await call(t, "POST", "/v1/payments/webhook", {
        raw: completed?.payload ?? "",
        headers: { "stripe-signature": signStripe(completed?.payload ?? "", WEBHOOK_SECRET) },
      });
      expect(res.status).toBe(200);
    }
    const again = await getOrder(t, org, order.id);
    expect(again.status).toBe("paid");
    expect(again.tickets.map((x) => x.code)).toEqual(paid.tickets.map((x) => x.code));
    expect(await remaining(t, org, event.id, type.id)).toBe(8);
  });

  it("a tampered session event is refused (400 invalid_signature) and pays nothing", async () => {
    const org = await orgWith(t, "checkout_embedded");
    const { event, type } = await sale(t, org);
    const order = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    const e = sessionEvent(order.payment?.paymentIntentId ?? "", "checkout.session.completed", "paid");
    const payload = JSON.stringify({
      id: e.id,
      object: "event",
      type: e.type,
      created: Math.floor(Date.now() / 1000),
      data: { object: e.object },
    });
    const signature = signStripe(payload, WEBHOOK_SECRET);
    const res = await call(t, "POST", "/v1/payments/webhook", {
      raw: payload.replace('"paid"', '"paid" '),
      headers: { "stripe-signature": signature },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_signature");
    expect((await getOrder(t, org, order.id)).status).toBe("pending");
  });

  it("an expired session ends the hold at once (tickets back on sale), once, and a late completion is refunded", async () => {
    const org = await orgWith(t, "checkout_embedded");
    const { event, type } = await sale(t, org);
    const order = expectStatus<Order>(await checkout(t, org, event.id, type.id, 3), 201);
    const id = order.payment?.paymentIntentId ?? "";
    expect(await remaining(t, org, event.id, type.id)).toBe(7);
    // Stripe expires the session (its own expiry, or someone in Stripe's dashboard): the webhook says so.
    expect((await fetch(`${stripe.url}/v1/checkout/sessions/${id}/expire`, { method: "POST" })).status).toBe(200);
    expect(delivered.filter((d) => d.type === "checkout.session.expired" && d.payload.includes(id)).map((d) => d.status)).toEqual([200]);
    expect((await getOrder(t, org, order.id)).status).toBe("expired");
    expect(await remaining(t, org, event.id, type.id)).toBe(10);
    // Delivered again: the stock is not given back twice.
    expect(await deliver(sessionEvent(id, "checkout.session.expired", "unpaid"), 3)).toEqual([200, 200, 200]);
    expect(await remaining(t, org, event.id, type.id)).toBe(10);
    // A completion arriving after (out of order): the order stays expired and the money goes back.
    const refundsBefore = stripe.requests.filter((r) => r.path === "/v1/refunds").length;
    const session = stripe.sessions.get(id);
    if (session) session.paymentIntent = "pi_standin_late";
    expect(await deliver(sessionEvent(id, "checkout.session.completed", "paid"))).toEqual([200]);
    expect((await getOrder(t, org, order.id)).status).toBe("expired");
    expect(stripe.requests.filter((r) => r.path === "/v1/refunds").length).toBe(refundsBefore + 1);
    expect(await remaining(t, org, event.id, type.id)).toBe(10);
  });
});

describe("checkout_redirect: Stripe Checkout's own page, then back to the buyer's page", () => {
  it("answers the page; success and cancel come back to the host page with the order; paying pays the order", async () => {
    const org = await orgWith(t, "checkout_redirect");
    const { event, type } = await sale(t, org);
    const order = expectStatus<Order>(await checkout(t, org, event.id, type.id, 2, { returnUrl: HOST_PAGE }), 201);
    const id = order.payment?.paymentIntentId ?? "";
    expect(order.payment).toMatchObject({
      mode: "checkout_redirect",
      clientSecret: null,
      publishableKey: null,
      checkoutUrl: `${stripe.url}/pay/${id}`,
    });
    const created = lastSessionRequest();
    expect(created?.body.has("ui_mode")).toBe(false);
    const success = `${TEST_ORIGIN}/gala?seat=a&gk_order=${order.id}&gk_payment=paid`;
    const cancel = `${TEST_ORIGIN}/gala?seat=a&gk_order=${order.id}&gk_payment=cancelled`;
    expect([created?.body.get("success_url"), created?.body.get("cancel_url")]).toEqual([success, cancel]);

    const url = order.payment?.checkoutUrl ?? "";
    const declined = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "decline" }), redirect: "manual" });
    expect(declined.headers.get("location")).toBe(cancel);
    expect((await getOrder(t, org, order.id)).status).toBe("pending");
    const paid = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    expect(paid.headers.get("location")).toBe(success);
    const now = await getOrder(t, org, order.id);
    expect(now.status).toBe("paid");
    expect(now.tickets).toHaveLength(2);
  });

  it("a delayed payment method: completed unpaid keeps the hold, async_payment_failed pays nothing, async_payment_succeeded pays — in either order", async () => {
    const org = await orgWith(t, "checkout_redirect");
    const { event, type } = await sale(t, org);
    const a = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    const aId = a.payment?.paymentIntentId ?? "";
    expect(await deliver(sessionEvent(aId, "checkout.session.completed", "unpaid"))).toEqual([200]);
    expect((await getOrder(t, org, a.id)).status).toBe("pending");
    expect(await deliver(sessionEvent(aId, "checkout.session.async_payment_failed", "unpaid"))).toEqual([200]);
    expect((await getOrder(t, org, a.id)).status).toBe("pending");
    expect(await deliver(sessionEvent(aId, "checkout.session.async_payment_succeeded", "paid"), 2)).toEqual([200, 200]);
    expect((await getOrder(t, org, a.id)).tickets).toHaveLength(1);
    expect((await getOrder(t, org, a.id)).status).toBe("paid");

    // Out of order: the success first, then the "completed, unpaid" that came before it at Stripe.
    const b = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    const bId = b.payment?.paymentIntentId ?? "";
    expect(await deliver(sessionEvent(bId, "checkout.session.async_payment_succeeded", "paid"))).toEqual([200]);
    expect(await deliver(sessionEvent(bId, "checkout.session.completed", "unpaid"))).toEqual([200]);
    expect(await deliver(sessionEvent(bId, "checkout.session.expired", "unpaid"))).toEqual([200]);
    const paidB = await getOrder(t, org, b.id);
    expect(paidB.status).toBe("paid");
    expect(paidB.tickets).toHaveLength(1);
    expect(await remaining(t, org, event.id, type.id)).toBe(8);
  });

  it("a hold that ends (cancelled, or run out) expires its open session, so nobody pays for tickets back on sale", async () => {
    const org = await orgWith(t, "checkout_redirect");
    const { event, type } = await sale(t, org);
    const cancelled = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    const cId = cancelled.payment?.paymentIntentId ?? "";
    expect((await call(t, "POST", `/v1/orders/${cancelled.id}/cancel`, { token: org.secretKey })).status).toBe(200);
    expect(stripe.sessions.get(cId)?.status).toBe("expired");
    expect(stripe.requests.filter((r) => r.path === `/v1/checkout/sessions/${cId}/expire`)).toHaveLength(1);
    expect((await fetch(cancelled.payment?.checkoutUrl ?? "")).status).toBe(410);
    // Stripe's checkout.session.expired that follows changes nothing: the order stays cancelled.
    expect(delivered.filter((d) => d.type === "checkout.session.expired" && d.payload.includes(cId)).map((d) => d.status)).toEqual([200]);
    expect((await getOrder(t, org, cancelled.id)).status).toBe("cancelled");

    const runOut = expectStatus<Order>(await checkout(t, org, event.id, type.id, 1), 201);
    const rId = runOut.payment?.paymentIntentId ?? "";
    clockOffset += 11 * 60_000;
    try {
      expect((await getOrder(t, org, runOut.id)).status).toBe("expired");
    } finally {
      clockOffset -= 11 * 60_000;
    }
    expect(stripe.sessions.get(rId)?.status).toBe("expired");
    expect(await remaining(t, org, event.id, type.id)).toBe(10);
  });
});

describe("returnUrl", () => {
  it("with a publishable key, only on the page's own origin: another site, or none, is a 422 return_url_not_allowed; not http(s) is a 400", async () => {
    const org = await orgWith(t, "checkout_redirect");
    const { event, type } = await sale(t, org);
    const elsewhere = await checkout(t, org, event.id, type.id, 1, { returnUrl: "https://evil.example/phish" });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.headers.get("content-type")).toContain("application/problem+json");
    expect(elsewhere.body.code).toBe("return_url_not_allowed");
    const noOrigin = await call(t, "POST", `/v1/events/${event.id}/orders`, {
      token: org.publishableKey,
      body: { buyer: { name: "G", email: "g@example.com" }, lines: [{ ticketTypeId: type.id, quantity: 1 }], returnUrl: HOST_PAGE },
    });
    expect(noOrigin.status).toBe(422);
    expect(noOrigin.body.code).toBe("return_url_not_allowed");
    const script = await checkout(t, org, event.id, type.id, 1, { returnUrl: "javascript:alert(1)" });
    expect(script.status).toBe(400);
    expect(script.body).toMatchObject({ code: "validation_failed", errors: [{ path: "body.returnUrl" }] });
    // Nothing was held by the refused requests.
    expect(await remaining(t, org, event.id, type.id)).toBe(10);
  });
});
