import type { Order } from "@gatherkit/core";
import { outbox, tickets } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, newEvent, newTicketType } from "../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../test/harness.js";
import { startStripeStandIn } from "../../../test/stripe-standin.js";
import { paymentsProvider } from "./payments.service.js";
import { signWebhook } from "./provider.js";

/**
 * The payments provider and its webhook, with ticket orders as the thing paid for. The real
 * Stripe implementation runs against a stand-in of the Stripe endpoints it uses, started here
 * (the SDK pointed at it through host/port/protocol); nothing reaches the internet. Webhook
 * payloads are signed with the Stripe SDK's own test header helper.
 */

const WEBHOOK_SECRET = "whsec_test_0123456789abcdef0123456789abcdef";
let offset = 0;
const base = monotonicNow();
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
let st: TestApp; // with Stripe (the stand-in)
let local: TestApp; // the embedded default's local provider
let org: TestOrg;
let localOrg: TestOrg;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  st = await createTestApp({
    now: () => base() + offset,
    env: { STRIPE_SECRET_KEY: "sk_test_standin", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url },
  });
  local = await createTestApp();
  org = await newOrg(st);
  localOrg = await newOrg(local);
});
afterAll(async () => {
  st.close();
  local.close();
  await stripe.close();
});

/** A published event with one paid ticket type, and a pending order for `quantity` of it. */
async function pendingOrder(t: TestApp, o: TestOrg, quantity = 2, holdMinutes = 10) {
  const event = await newEvent(t, o, { holdMinutes });
  const type = await newTicketType(t, o, event, { price: 2500, quantity: 10 });
  const order = expectStatus<Order>(await checkoutRequest(t, o, event, [{ ticketTypeId: type.id, quantity }]), 201);
  return { event, type, order };
}

function paymentIntentEvent(
  order: Order,
  type: string,
  overrides: Record<string, unknown> = {},
  id = `evt_${crypto.randomUUID().replace(/-/g, "")}`,
) {
  return JSON.stringify({
    id,
    object: "event",
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: order.payment?.paymentIntentId,
        object: "payment_intent",
        amount: order.total,
        amount_received: type === "payment_intent.succeeded" ? order.total : 0,
        currency: order.currency.toLowerCase(),
        metadata: { domain: "events", orderId: order.id },
        status: type === "payment_intent.succeeded" ? "succeeded" : "requires_payment_method",
        ...overrides,
      },
    },
  });
}

async function deliver(t: TestApp, payload: string, signature?: string) {
  return call(t, "POST", "/v1/payments/webhook", {
    raw: payload,
    headers: signature === undefined ? {} : { "stripe-signature": signature },
  });
}
const signed = async (payload: string, timestamp?: number) => signWebhook(payload, WEBHOOK_SECRET, timestamp);

async function getOrder(t: TestApp, o: TestOrg, id: string) {
  return expectStatus<Order>(await call(t, "GET", `/v1/orders/${id}`, { token: o.secretKey }), 200);
}

describe("Stripe (against a stand-in of its API)", () => {
  it("a checkout creates a PaymentIntent for the total, idempotently keyed by the order, with the client secret in the answer only", async () => {
    const { order } = await pendingOrder(st, org, 2);
    const created = stripe.requests.filter((r) => r.path === "/v1/payment_intents").at(-1);
    expect(created?.body.get("amount")).toBe("5000");
    expect(created?.body.get("currency")).toBe("eur");
    expect(created?.body.get("metadata[orderId]")).toBe(order.id);
    expect(created?.body.get("metadata[domain]")).toBe("events");
    expect(created?.idempotencyKey).toBe(`order-${order.id}`);
    expect(created?.auth).toBe("Bearer sk_test_standin");
    expect(order.payment).toMatchObject({
      provider: "stripe",
      clientSecret: `${order.payment?.paymentIntentId}_secret_standin`,
      checkoutUrl: null,
    });
    expect((await getOrder(st, org, order.id)).payment?.clientSecret).toBeNull();
  });

  it("payment_intent.succeeded pays the order and issues one ticket per seat; delivered five times, it does so once", async () => {
    const { order } = await pendingOrder(st, org, 3);
    const payload = paymentIntentEvent(order, "payment_intent.succeeded");
    const answers = await Promise.all(Array.from({ length: 5 }, async () => deliver(st, payload, await signed(payload))));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const paid = await getOrder(st, org, order.id);
    expect(paid.status).toBe("paid");
    expect(paid.paidAt).not.toBeNull();
    expect(paid.tickets).toHaveLength(3);
    expect(new Set(paid.tickets.map((x) => x.code)).size).toBe(3);
    for (const x of paid.tickets)
      expect(x.code).toMatch(/^[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}$/);
    expect(await st.deps.db.$count(tickets, eq(tickets.orderId, order.id))).toBe(3);
    const mails = (await st.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))).filter(
      (r) => (r.payload as { data: { orderId: string } }).data.orderId === order.id,
    );
    expect(mails).toHaveLength(1);
  });

  it("a declined payment keeps the hold (the buyer may retry); a payment for less than the total pays nothing", async () => {
    const { order } = await pendingOrder(st, org, 1);
    const failed = paymentIntentEvent(order, "payment_intent.payment_failed");
    expect((await deliver(st, failed, await signed(failed))).status).toBe(200);
    expect((await getOrder(st, org, order.id)).status).toBe("pending");
    const short = paymentIntentEvent(order, "payment_intent.succeeded", { amount_received: order.total - 1 });
    expect((await deliver(st, short, await signed(short))).status).toBe(200);
    expect(await getOrder(st, org, order.id)).toMatchObject({ status: "pending", tickets: [] });
    const ok = paymentIntentEvent(order, "payment_intent.succeeded");
    expect((await deliver(st, ok, await signed(ok))).status).toBe(200);
    expect((await getOrder(st, org, order.id)).status).toBe("paid");
  });

  it("refuses a missing or wrong signature, a tampered body and a stale timestamp with 400 invalid_signature, changing nothing", async () => {
    const { order } = await pendingOrder(st, org, 1);
    const payload = paymentIntentEvent(order, "payment_intent.succeeded");
    expectProblem(await deliver(st, payload), 400, "invalid_signature");
    expectProblem(await deliver(st, payload, "t=1,v1=deadbeef"), 400, "invalid_signature");
    expectProblem(await deliver(st, payload, await signWebhook(payload, "whsec_someone_else_0123456789abcdef")), 400, "invalid_signature");
    expectProblem(
      await deliver(st, payload.replace(`"amount_received":${order.total}`, `"amount_received":${order.total + 1}`), await signed(payload)),
      400,
      "invalid_signature",
    );
    expectProblem(await deliver(st, payload, await signed(payload, Math.floor(Date.now() / 1000) - 301)), 400, "invalid_signature");
    expect((await getOrder(st, org, order.id)).status).toBe("pending");
  });

  it("a payment that arrives after the hold ended is refunded in full through Stripe, once", async () => {
    const { order } = await pendingOrder(st, org, 1, 1);
    offset += 60_000;
    expect((await getOrder(st, org, order.id)).status).toBe("expired");
    const payload = paymentIntentEvent(order, "payment_intent.succeeded");
    for (let i = 0; i < 3; i++) expect((await deliver(st, payload, await signed(payload))).status).toBe(200);
    const refunds = stripe.requests.filter(
      (r) => r.path === "/v1/refunds" && r.body.get("payment_intent") === order.payment?.paymentIntentId,
    );
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.idempotencyKey).toBe(`late-payment-${order.id}`);
    expect((await getOrder(st, org, order.id)).status).toBe("expired");
  });

  it("when Stripe cannot be reached, the checkout answers 503 and holds nothing", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 1000, quantity: 2 });
    stripe.setFailing(true);
    try {
      expectProblem(await checkoutRequest(st, org, event, [{ ticketTypeId: type.id, quantity: 2 }]), 503, "payment_provider_error");
    } finally {
      stripe.setFailing(false);
    }
    const types = expectStatus<{ data: { remaining: number }[] }>(
      await call(st, "GET", `/v1/events/${event.id}/ticket-types`, { token: org.secretKey }),
      200,
    );
    expect(types.data[0]?.remaining).toBe(2);
  });
});

describe("the local provider (embedded default)", () => {
  it("its checkout page pays through the same signed webhook path: tickets issued once", async () => {
    expect(paymentsProvider(local.deps.config).name).toBe("local");
    const { order } = await pendingOrder(local, localOrg, 2);
    expect(order.payment?.provider).toBe("local");
    const url = new URL(order.payment?.checkoutUrl ?? "");
    const page = await local.fetch(`http://api.test${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("€50.00");
    // A browser may submit its form (back to the API), and load or frame nothing else.
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    const token = url.searchParams.get("token") ?? "";
    const submit = (outcome: string, tok = token) =>
      local.fetch("http://api.test/v1/payments/local/checkout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: tok, outcome }).toString(),
        redirect: "manual",
      });
    expect((await submit("decline")).status).toBe(200);
    expect((await getOrder(local, localOrg, order.id)).status).toBe("pending");
    const action = await submit("action");
    expect(action.status).toBe(303);
    expect(action.headers.get("location")).toContain("step=action");
    expect((await submit("pay")).status).toBe(200);
    const paid = await getOrder(local, localOrg, order.id);
    expect(paid.status).toBe("paid");
    expect(paid.tickets).toHaveLength(2);
    expect((await submit("pay")).status).toBe(200);
    expect((await getOrder(local, localOrg, order.id)).tickets).toHaveLength(2);
    // A token that was not made here opens nothing.
    expectProblem(await call(local, "GET", `/v1/payments/local/checkout?token=${token.slice(0, -2)}xx`), 404, "not_found");
  });

  it("a Stripe-configured API has no local checkout page", async () => {
    expectProblem(await call(st, "GET", "/v1/payments/local/checkout?token=abc.def"), 404, "not_found");
  });
});
