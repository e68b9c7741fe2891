import type { Order, PublishedEvent } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, eventMessages, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { startStripeStandIn } from "../../../../test/stripe-standin.js";
import { signWebhook } from "../../../platform/payments/provider.js";

// An order's change of state (paid by the provider's webhook or the local checkout page, partly
// or fully refunded, cancelled) tells the event's room, through an outbox row written in the same
// batch as the change: the dashboard's event page and orders list refetch at once. Exactly one
// message per transition however many times the provider delivers its event, and counts only.

const WEBHOOK_SECRET = "whsec_test_orders_rt_0123456789abcdef0123456";
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
let st: TestApp;
let local: TestApp;
let org: TestOrg;
let localOrg: TestOrg;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  st = await createTestApp({
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

type OrdersChanged = Extract<PublishedEvent, { type: "event.orders_changed" }>;
const orderMessages = async (t: TestApp, event: { id: string }) =>
  (await eventMessages(t, event)).filter((m): m is OrdersChanged => m.type === "event.orders_changed").map((m) => m.data);

let n = 0;
async function deliver(type: string, object: Record<string, unknown>) {
  const id = `evt_ordersrt${String(++n).padStart(8, "0")}`;
  const payload = JSON.stringify({ id, object: "event", type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });
  const headers = { "stripe-signature": await signWebhook(payload, WEBHOOK_SECRET) };
  // The same event delivered five times at once (Stripe retries; two workers may take it together).
  const answers = await Promise.all(Array.from({ length: 5 }, () => call(st, "POST", "/v1/payments/webhook", { raw: payload, headers })));
  expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
}
const succeeded = (order: Order) =>
  deliver("payment_intent.succeeded", {
    id: order.payment?.paymentIntentId,
    object: "payment_intent",
    amount: order.total,
    amount_received: order.total,
    currency: order.currency.toLowerCase(),
    metadata: { domain: "events", orderId: order.id },
    status: "succeeded",
  });
const refunded = (order: Order, amountRefunded: number) =>
  deliver("charge.refunded", {
    id: `ch_${order.id}`,
    object: "charge",
    amount: order.total,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= order.total,
    currency: order.currency.toLowerCase(),
    payment_intent: order.payment?.paymentIntentId,
    metadata: { domain: "events", orderId: order.id },
  });

async function pending(t: TestApp, o: TestOrg, event: { id: string }, type: { id: string }, quantity = 2) {
  return expectStatus<Order>(await checkoutRequest(t, o, event, [{ ticketTypeId: type.id, quantity }]), 201);
}

describe("an order's state in the event's room", () => {
  it("paid, partly refunded, refunded: one message each however often the webhook comes, with counts only", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 2500, quantity: 10 });
    const order = await pending(st, org, event, type);
    expect(await orderMessages(st, event)).toEqual([]);

    await succeeded(order);
    expect(await orderMessages(st, event)).toEqual([{ eventId: event.id, status: "paid", paid: 1 }]);
    await succeeded(order); // a late redelivery
    await refunded(order, 1000);
    await refunded(order, 1000);
    await refunded(order, order.total);
    expect(await orderMessages(st, event)).toEqual([
      { eventId: event.id, status: "paid", paid: 1 },
      { eventId: event.id, status: "partially_refunded", paid: 1 },
      { eventId: event.id, status: "refunded", paid: 0 },
    ]);
    const text = JSON.stringify(await eventMessages(st, event));
    const full = expectStatus<Order>(await call(st, "GET", `/v1/orders/${order.id}`, { token: org.secretKey }), 200);
    for (const secret of [
      order.id,
      order.confirmationCode,
      order.buyer.name,
      order.buyer.email,
      ...full.tickets.flatMap((x) => [x.id, x.code]),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("a second order's payment carries the new count; a cancelled hold says so once; an unpaid order says nothing", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 1000, quantity: 10 });
    const [a, b, c] = [await pending(st, org, event, type), await pending(st, org, event, type), await pending(st, org, event, type, 1)];
    await succeeded(a);
    await succeeded(b);
    const cancels = await Promise.all(
      Array.from({ length: 3 }, () => call(st, "POST", `/v1/orders/${c.id}/cancel`, { token: org.secretKey })),
    );
    expect(cancels.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await orderMessages(st, event)).toEqual([
      { eventId: event.id, status: "paid", paid: 1 },
      { eventId: event.id, status: "paid", paid: 2 },
      { eventId: event.id, status: "cancelled", paid: 2 },
    ]);
  });

  it("a free order is paid at once: one message each, none for a checkout refused as sold out", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 0, quantity: 2 });
    await pending(st, org, event, type, 1);
    await pending(st, org, event, type, 1);
    expect((await checkoutRequest(st, org, event, [{ ticketTypeId: type.id, quantity: 1 }])).status).toBe(409);
    expect(await orderMessages(st, event)).toEqual([
      { eventId: event.id, status: "paid", paid: 1 },
      { eventId: event.id, status: "paid", paid: 2 },
    ]);
  });

  it("the local provider's checkout page (the embedded default) publishes the payment once, however often it is submitted", async () => {
    const event = await newEvent(local, localOrg);
    const type = await newTicketType(local, localOrg, event, { price: 1500, quantity: 10 });
    const order = await pending(local, localOrg, event, type);
    const token = new URL(order.payment?.checkoutUrl ?? "").searchParams.get("token") ?? "";
    const pay = () =>
      local.fetch("http://api.test/v1/payments/local/checkout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, outcome: "pay" }).toString(),
        redirect: "manual",
      });
    expect((await pay()).status).toBe(200);
    expect((await pay()).status).toBe(200);
    expect(await orderMessages(local, event)).toEqual([{ eventId: event.id, status: "paid", paid: 1 }]);
  });
});
