import type { CheckinList, Order, Refund, TicketType } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, outboxEmails, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { startStripeStandIn } from "../../../../test/stripe-standin.js";
import { deliverOutbox } from "../../../lib/outbox.js";
import { signWebhook } from "../../../platform/payments/provider.js";
import { EVENT_CANCELLED_REASON, refundCancelledEvent } from "./refunds.service.js";

const WEBHOOK_SECRET = "whsec_test_refunds_0123456789abcdef01234567";
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
let st: TestApp;
let local: TestApp;
let org: TestOrg;
let other: TestOrg;
let localOrg: TestOrg;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  st = await createTestApp({
    env: { STRIPE_SECRET_KEY: "sk_test_standin", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url },
  });
  local = await createTestApp();
  org = await newOrg(st);
  other = await newOrg(st);
  localOrg = await newOrg(local);
  for (const t of [st, local]) t.deps.waitUntil = (p) => background.push(p);
});
const background: Promise<unknown>[] = [];
/** Lets the background deliveries finish, then runs one more pass of the outbox (tasks, emails). */
async function settle(t: TestApp) {
  while (background.length) await Promise.all(background.splice(0));
  await deliverOutbox(t.deps);
}
afterAll(async () => {
  st.close();
  local.close();
  await stripe.close();
});

const evtId = () => `evt_${crypto.randomUUID().replace(/-/g, "")}`;
async function deliver(t: TestApp, type: string, object: Record<string, unknown>, id = evtId()) {
  const payload = JSON.stringify({ id, object: "event", type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });
  return call(t, "POST", "/v1/payments/webhook", {
    raw: payload,
    headers: { "stripe-signature": await signWebhook(payload, WEBHOOK_SECRET) },
  });
}
const succeeded = (order: Order) =>
  deliver(st, "payment_intent.succeeded", {
    id: order.payment?.paymentIntentId,
    object: "payment_intent",
    amount: order.total,
    amount_received: order.total,
    currency: order.currency.toLowerCase(),
    metadata: { domain: "events", orderId: order.id },
    status: "succeeded",
  });
const chargeRefunded = (order: Order, amountRefunded: number, id?: string) =>
  deliver(
    st,
    "charge.refunded",
    {
      id: `ch_${order.id}`,
      object: "charge",
      amount: order.total,
      amount_refunded: amountRefunded,
      refunded: amountRefunded >= order.total,
      currency: order.currency.toLowerCase(),
      payment_intent: order.payment?.paymentIntentId,
      metadata: { domain: "events", orderId: order.id },
    },
    id,
  );

/** A published event with one 2500 type of 10, and a pending order of `quantity`. */
async function pending(t: TestApp, o: TestOrg, quantity = 2) {
  const event = await newEvent(t, o);
  const type = await newTicketType(t, o, event, { price: 2500, quantity: 10 });
  const order = expectStatus<Order>(await checkoutRequest(t, o, event, [{ ticketTypeId: type.id, quantity }]), 201);
  return { event, type, order };
}
async function paid(quantity = 2) {
  const p = await pending(st, org, quantity);
  expect((await succeeded(p.order)).status).toBe(200);
  return p;
}
/** Pays for `quantity` more of `type` (Stripe stand-in), as `email`. */
async function buy(event: { id: string }, type: { id: string }, quantity: number, email: string) {
  const order = expectStatus<Order>(await checkoutRequest(st, org, event, [{ ticketTypeId: type.id, quantity }], { email }), 201);
  expect((await succeeded(order)).status).toBe(200);
  return order;
}
const getOrder = async (t: TestApp, o: TestOrg, id: string) =>
  expectStatus<Order>(await call(t, "GET", `/v1/orders/${id}`, { token: o.secretKey }), 200);
const refund = (t: TestApp, token: string, orderId: string, body: Record<string, unknown> = {}) =>
  call(t, "POST", `/v1/orders/${orderId}/refunds`, { token, body });
const remaining = async (t: TestApp, o: TestOrg, eventId: string) =>
  expectStatus<{ data: TicketType[] }>(await call(t, "GET", `/v1/events/${eventId}/ticket-types`, { token: o.secretKey }), 200).data[0]
    ?.remaining;

describe("refunds through Stripe (stand-in); the order follows charge.refunded", () => {
  it("a partial refund, then the rest: partially_refunded, then refunded with its tickets void and back on sale", async () => {
    const { event, order } = await paid(2);
    expect(await remaining(st, org, event.id)).toBe(8);
    const first = expectStatus<Refund>(await refund(st, org.secretKey, order.id, { amount: 2000, reason: "one seat" }), 201);
    expect(first).toMatchObject({ orderId: order.id, amount: 2000, currency: "EUR", status: "succeeded", reason: "one seat" });
    const asked = stripe.requests.filter(
      (r) => r.path === "/v1/refunds" && r.body.get("payment_intent") === order.payment?.paymentIntentId,
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]?.body.get("amount")).toBe("2000");
    expect(asked[0]?.idempotencyKey).toBe(`refund-${first.id}`);
    // The browser's (or the API's) say-so changes nothing: the provider's event does.
    expect((await getOrder(st, org, order.id)).status).toBe("paid");
    expect((await chargeRefunded(order, 2000)).status).toBe(200);
    expect(await getOrder(st, org, order.id)).toMatchObject({ status: "partially_refunded", amountRefunded: 2000 });
    const rest = expectStatus<Refund>(await refund(st, org.secretKey, order.id), 201);
    expect(rest.amount).toBe(3000);
    // The full refund's event, delivered five times at once: refunded once, stock back once.
    const full = evtId();
    const answers = await Promise.all(Array.from({ length: 5 }, () => chargeRefunded(order, 5000, full)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const done = await getOrder(st, org, order.id);
    expect(done).toMatchObject({ status: "refunded", amountRefunded: 5000 });
    expect(done.tickets.map((x) => x.status)).toEqual(["void", "void"]);
    expect(await remaining(st, org, event.id)).toBe(10);
    // A stale partial event afterwards changes nothing.
    expect((await chargeRefunded(order, 2000)).status).toBe(200);
    expect(await getOrder(st, org, order.id)).toMatchObject({ status: "refunded", amountRefunded: 5000 });
    expect(await remaining(st, org, event.id)).toBe(10);
    expect(
      expectStatus<{ data: Refund[] }>(await call(st, "GET", `/v1/orders/${order.id}/refunds`, { token: org.secretKey }), 200).data,
    ).toHaveLength(2);
  });

  it("out of order: charge.refunded before payment_intent.succeeded ends refunded, tickets void, stock back exactly once", async () => {
    const { event, order } = await pending(st, org, 3);
    expect(await remaining(st, org, event.id)).toBe(7);
    expect((await chargeRefunded(order, order.total)).status).toBe(200);
    expect(await getOrder(st, org, order.id)).toMatchObject({ status: "pending", amountRefunded: order.total });
    expect((await succeeded(order)).status).toBe(200);
    const done = await getOrder(st, org, order.id);
    expect(done.status).toBe("refunded");
    expect(done.tickets.map((x) => x.status)).toEqual(["void", "void", "void"]);
    expect(await remaining(st, org, event.id)).toBe(10);
  });

  it("20 simultaneous full refunds of one order: one is made, 19 answer 409 refund_exceeds_paid, Stripe is asked once", async () => {
    const { order } = await paid(1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refund(st, org.secretKey, order.id)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 409, "refund_exceeds_paid");
    expect(
      stripe.requests.filter((r) => r.path === "/v1/refunds" && r.body.get("payment_intent") === order.payment?.paymentIntentId),
    ).toHaveLength(1);
  });

  it("refusals: unpaid or free orders, more than paid, refunding twice, staff role, another organization's order, a bad amount", async () => {
    const { order: open } = await pending(st, org, 1);
    expectProblem(await refund(st, org.secretKey, open.id), 409, "order_not_refundable");
    const ev = await newEvent(st, org);
    const free = await newTicketType(st, org, ev, { price: 0 });
    const freeOrder = expectStatus<Order>(await checkoutRequest(st, org, ev, [{ ticketTypeId: free.id, quantity: 1 }]), 201);
    expectProblem(await refund(st, org.secretKey, freeOrder.id), 409, "order_not_refundable");
    const { order } = await paid(1);
    expectProblem(await refund(st, org.secretKey, order.id, { amount: order.total + 1 }), 409, "refund_exceeds_paid");
    expectProblem(await refund(st, org.secretKey, order.id, { amount: 0 }), 400, "validation_failed");
    expectProblem(await refund(st, org.secretKey, order.id, { amount: 10.5 }), 400, "validation_failed");
    const staff = await addMember(st, org, "staff");
    expectProblem(await refund(st, staff.accessToken, order.id), 403, "permission_denied");
    expectProblem(await refund(st, other.secretKey, order.id), 404, "not_found");
    expectProblem(await call(st, "GET", `/v1/orders/${order.id}/refunds`, { token: other.secretKey }), 404, "not_found");
    expectStatus(await refund(st, org.secretKey, order.id), 201);
    expectProblem(await refund(st, org.secretKey, order.id), 409, "refund_exceeds_paid");
  });

  it("a refunded ticket is refused at the door (409 ticket_void)", async () => {
    const { event, order } = await paid(1);
    const list = expectStatus<CheckinList>(
      await call(st, "POST", `/v1/events/${event.id}/checkin-lists`, { token: org.secretKey, body: { name: "Door" } }),
      201,
    );
    const code = (await getOrder(st, org, order.id)).tickets[0]!.code;
    expectStatus(await refund(st, org.secretKey, order.id), 201);
    expect((await chargeRefunded(order, order.total)).status).toBe(200);
    expectProblem(
      await call(st, "POST", `/v1/checkin-lists/${list.id}/checkins`, { token: org.secretKey, body: { code } }),
      409,
      "ticket_void",
    );
  });
});

describe("refunds with the local provider (embedded default)", () => {
  it("its refund emits the same signed charge.refunded: partial, then full, the order follows at once", async () => {
    const { event, order } = await pending(local, localOrg, 2);
    const url = new URL(order.payment?.checkoutUrl ?? "");
    const pay = await local.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
    });
    expect(pay.status).toBe(200);
    expect((await getOrder(local, localOrg, order.id)).status).toBe("paid");
    expectStatus(await refund(local, localOrg.secretKey, order.id, { amount: 1000 }), 201);
    expect(await getOrder(local, localOrg, order.id)).toMatchObject({ status: "partially_refunded", amountRefunded: 1000 });
    expectStatus(await refund(local, localOrg.secretKey, order.id), 201);
    const done = await getOrder(local, localOrg, order.id);
    expect(done).toMatchObject({ status: "refunded", amountRefunded: order.total });
    expect(done.tickets.every((x) => x.status === "void")).toBe(true);
    expect(await remaining(local, localOrg, event.id)).toBe(10);
  });
});

describe("cancelling an event refunds every paid order", () => {
  const refundsAsked = (order: Order) =>
    stripe.requests.filter((r) => r.path === "/v1/refunds" && r.body.get("payment_intent") === order.payment?.paymentIntentId);
  const refundsOf = async (order: Order) =>
    expectStatus<{ data: Refund[] }>(await call(st, "GET", `/v1/orders/${order.id}/refunds`, { token: org.secretKey }), 200).data;

  it("each paid order is refunded what is left, once, recorded with reason event_cancelled; holds end; every buyer is told once", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 2500, quantity: 20 });
    const free = await newTicketType(st, org, event, { price: 0 });
    const one = await buy(event, type, 2, "one@example.com");
    const two = await buy(event, type, 1, "two@example.com");
    // two was already refunded 1000 by the organizer: only the 1500 left is refunded now.
    expectStatus(await refund(st, org.secretKey, two.id, { amount: 1000 }), 201);
    const gratis = expectStatus<Order>(
      await checkoutRequest(st, org, event, [{ ticketTypeId: free.id, quantity: 1 }], { email: "free@example.com" }),
      201,
    );
    const hold = expectStatus<Order>(
      await checkoutRequest(st, org, event, [{ ticketTypeId: type.id, quantity: 1 }], { email: "hold@example.com" }),
      201,
    );
    expectStatus(await call(st, "POST", `/v1/events/${event.id}/cancel`, { token: org.secretKey }), 200);
    await settle(st);
    expect(refundsAsked(one).map((r) => r.body.get("amount"))).toEqual(["5000"]);
    expect(refundsAsked(two).map((r) => r.body.get("amount"))).toEqual(["1000", "1500"]);
    expect(refundsAsked(hold)).toHaveLength(0);
    const mine = (await refundsOf(one))[0]!;
    expect(mine).toMatchObject({ amount: 5000, status: "succeeded", reason: EVENT_CANCELLED_REASON });
    expect(refundsAsked(one)[0]?.idempotencyKey).toBe(`refund-${mine.id}`);
    expect((await refundsOf(two)).map((r) => [r.amount, r.reason])).toEqual([
      [1000, null],
      [1500, EVENT_CANCELLED_REASON],
    ]);
    expect((await getOrder(st, org, hold.id)).status).toBe("cancelled");
    for (const o of [one, two, gratis]) {
      expect((await getOrder(st, org, o.id)).tickets.every((x) => x.status === "void")).toBe(true);
    }
    for (const to of ["one@example.com", "two@example.com", "free@example.com"]) {
      expect(await outboxEmails(st, to, "event_cancelled")).toHaveLength(1);
    }
    expect(await outboxEmails(st, "hold@example.com", "event_cancelled")).toHaveLength(0);
    // Running it again (a redelivered task) asks for nothing and tells no one again.
    await refundCancelledEvent(st.deps, event.id, "usr_again");
    expect(refundsAsked(one)).toHaveLength(1);
    expect(refundsAsked(two)).toHaveLength(2);
    expect(await outboxEmails(st, "one@example.com", "event_cancelled")).toHaveLength(1);
    // The orders follow what Stripe then reports, as for any refund.
    expect((await chargeRefunded(one, one.total)).status).toBe(200);
    expect((await getOrder(st, org, one.id)).status).toBe("refunded");
  });

  it("partial failure: the provider refusing one order does not stop the others; the retry refunds only that one, once", async () => {
    const event = await newEvent(st, org);
    const type = await newTicketType(st, org, event, { price: 2500, quantity: 20 });
    const orders = [
      await buy(event, type, 1, "p1@example.com"),
      await buy(event, type, 1, "p2@example.com"),
      await buy(event, type, 1, "p3@example.com"),
    ];
    const [first, broken, last] = orders as [Order, Order, Order];
    stripe.failRefundsOf.add(broken.payment!.paymentIntentId);
    try {
      expectStatus(await call(st, "POST", `/v1/events/${event.id}/cancel`, { token: org.secretKey }), 200);
      await settle(st);
      expect((await refundsOf(first)).map((r) => r.status)).toEqual(["succeeded"]);
      expect((await refundsOf(last)).map((r) => r.status)).toEqual(["succeeded"]);
      expect((await refundsOf(broken)).map((r) => r.status)).toEqual(["failed"]);
      await expect(refundCancelledEvent(st.deps, event.id, "usr_retry")).rejects.toThrow(/1 of 3 orders failed/);
    } finally {
      stripe.failRefundsOf.delete(broken.payment!.paymentIntentId);
    }
    expect(await refundCancelledEvent(st.deps, event.id, "usr_retry")).toEqual({ refunded: 1, failed: 0 });
    expect((await refundsOf(broken)).map((r) => r.status)).toEqual(["failed", "failed", "succeeded"]);
    expect((await refundsOf(broken)).at(-1)?.amount).toBe(2500);
    expect(refundsAsked(first)).toHaveLength(1);
    expect(refundsAsked(last)).toHaveLength(1);
    // Nothing left: a further run asks for nothing.
    expect(await refundCancelledEvent(st.deps, event.id, "usr_retry")).toEqual({ refunded: 0, failed: 0 });
    expect(refundsAsked(broken).filter((r) => r.idempotencyKey?.startsWith("refund-"))).toHaveLength(refundsAsked(broken).length);
  });

  it("with the local provider (pnpm dev): the paid order ends refunded, its tickets void", async () => {
    const { event, order } = await pending(local, localOrg, 1);
    const url = new URL(order.payment?.checkoutUrl ?? "");
    await local.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
    });
    expect((await getOrder(local, localOrg, order.id)).status).toBe("paid");
    expectStatus(await call(local, "POST", `/v1/events/${event.id}/cancel`, { token: localOrg.secretKey }), 200);
    await settle(local);
    const done = await getOrder(local, localOrg, order.id);
    expect(done).toMatchObject({ status: "refunded", amountRefunded: order.total });
    expect(done.tickets.every((x) => x.status === "void")).toBe(true);
  });
});
