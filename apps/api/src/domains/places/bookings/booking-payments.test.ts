import type { Booking, PublishedEvent } from "@gatherkit/core";
import { outbox, participants, placeBookings } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, outboxEvents, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, book, booked, newPlace } from "../../../../test/place-fixtures.js";
import { startStripeStandIn } from "../../../../test/stripe-standin.js";
import { signWebhook } from "../../../platform/payments/provider.js";
import { sweepBookings } from "../payments.js";

/**
 * Bookings paid online through the shared payments provider: Stripe against a stand-in of its
 * API (nothing reaches the internet), and the embedded default's local provider through its own
 * checkout page. The webhook is the truth; holds expire; refunds follow the cancellation policy.
 */
const WEBHOOK_SECRET = "whsec_test_places_0123456789abcdef0123456789";
let stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
/** What the API asked of Stripe at `path`, in order. */
const stripeRequests = (path: "/v1/payment_intents" | "/v1/refunds") => stripe.requests.filter((r) => r.path === path);
let st: TestApp; // Stripe (the stand-in)
let local: TestApp; // the local provider
let org: TestOrg;
let localOrg: TestOrg;
// The apps' clock: Monday 2030-06-03 08:00 UTC, a millisecond per reading; tests move it on.
let clock = Date.UTC(2030, 5, 3, 8);
const at = (h: number, m = 0) => new Date(Date.UTC(2030, 5, 3, h, m)).toISOString();
/** `minutes` from the clock, whole minutes. */
const fromNow = (minutes: number) => new Date(Math.ceil(clock / 60_000) * 60_000 + minutes * 60_000).toISOString();

beforeAll(async () => {
  stripe = await startStripeStandIn();
  st = await createTestApp({
    now: () => clock++,
    env: { STRIPE_SECRET_KEY: "sk_test_standin", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url },
  });
  local = await createTestApp({ now: () => clock++ });
  org = await newOrg(st);
  localOrg = await newOrg(local);
});
afterAll(async () => {
  st.close();
  local.close();
  await stripe.close();
});

const PAID = { onlinePayment: true, capacity: 1, freeCancellationMinutes: 60, lateRefundPercent: 50 } as const;
const contact = { name: "Grace", email: "grace@example.com", phone: "+351912345678" };

function intentEvent(b: Booking, type: string, overrides: Record<string, unknown> = {}, purpose = "booking", amount = b.price.amount) {
  return JSON.stringify({
    id: `evt_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: b.payment?.paymentIntentId,
        object: "payment_intent",
        amount,
        amount_received: type === "payment_intent.succeeded" ? amount : 0,
        currency: b.price.currency.toLowerCase(),
        metadata: { domain: "places", purpose, bookingId: b.id },
        ...overrides,
      },
    },
  });
}
const deliver = async (payload: string) =>
  call(st, "POST", "/v1/payments/webhook", { raw: payload, headers: { "stripe-signature": await signWebhook(payload, WEBHOOK_SECRET) } });
const getBooking = async (t: TestApp, o: TestOrg, id: string) =>
  expectStatus<Booking>(await call(t, "GET", `/v1/bookings/${id}`, { token: o.secretKey }), 200);
const smsTo = async (t: TestApp, bookingId: string, template: string) =>
  (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "sms"))).filter((r) => {
    const p = r.payload as { template: string; data: { bookingId: string } };
    return p.data.bookingId === bookingId && p.template === template;
  });

describe("online payment (Stripe, against a stand-in of its API)", () => {
  it("a priced booking is pending_payment, holds its spot and opens a PaymentIntent for its price, keyed by the booking", async () => {
    const place = await newPlace(st, org, PAID);
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60, contact });
    expect(b).toMatchObject({ status: "pending_payment", price: { amount: 240, currency: "EUR" } });
    expect(b.payment).toMatchObject({ provider: "stripe", clientSecret: `${b.payment?.paymentIntentId}_secret_standin`, paidAt: null });
    expect(Date.parse(b.payment?.expiresAt ?? "")).toBeGreaterThan(clock + 14 * 60_000);
    const created = stripeRequests("/v1/payment_intents").at(-1);
    expect(created?.body.get("amount")).toBe("240");
    expect(created?.body.get("metadata[domain]")).toBe("places");
    expect(created?.body.get("metadata[bookingId]")).toBe(b.id);
    expect(created?.idempotencyKey).toBe(`booking-${b.id}`);
    // The hold takes the one spot; the client secret is in the creating answer only.
    expectProblem(await book(st, asVisitor(org), { placeId: place.id, start: at(10, 30), durationMinutes: 60 }), 409, "place_full");
    expect((await getBooking(st, org, b.id)).payment?.clientSecret).toBeNull();
    // No confirmation before the payment.
    expect(await smsTo(st, b.id, "place_booking_confirmed")).toHaveLength(0);
  });

  it("payment_intent.succeeded confirms the booking; delivered five times, it confirms (and texts) once", async () => {
    const place = await newPlace(st, org, PAID);
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60, contact });
    const payload = intentEvent(b, "payment_intent.succeeded");
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(payload)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const paid = await getBooking(st, org, b.id);
    expect(paid).toMatchObject({ status: "confirmed", payment: { paidAt: expect.any(String), expiresAt: null, amountRefunded: 0 } });
    expect(await smsTo(st, b.id, "place_booking_confirmed")).toHaveLength(1);
  });

  it("a declined payment keeps the hold; a payment short of the price, or in another currency, confirms nothing", async () => {
    const place = await newPlace(st, org, PAID);
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    expect((await deliver(intentEvent(b, "payment_intent.payment_failed"))).status).toBe(200);
    expect((await getBooking(st, org, b.id)).status).toBe("pending_payment");
    expect((await deliver(intentEvent(b, "payment_intent.succeeded", { amount_received: 239 }))).status).toBe(200);
    expect((await deliver(intentEvent(b, "payment_intent.succeeded", { currency: "usd" }))).status).toBe(200);
    expect((await getBooking(st, org, b.id)).status).toBe("pending_payment");
    // Another booking's payment intent does not pay this one.
    const other = await booked(st, asVisitor(org), { placeId: (await newPlace(st, org, PAID)).id, start: at(10), durationMinutes: 60 });
    const crossed = intentEvent({ ...b, payment: other.payment }, "payment_intent.succeeded");
    expect((await deliver(crossed)).status).toBe(200);
    expect((await getBooking(st, org, b.id)).status).toBe("pending_payment");
  });

  it("an unpaid hold frees its spot the moment it runs out; the sweep marks it expired and tells the room", async () => {
    const place = await newPlace(st, org, { ...PAID, paymentHoldMinutes: 5 });
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(12), durationMinutes: 60 });
    clock += 5 * 60_000 + 1;
    // Before any sweep: the lapsed hold no longer counts.
    const availability = await call(st, "GET", `/v1/places/${place.id}/availability?start=${at(12)}&end=${at(13)}`, {
      token: org.secretKey,
    });
    expect(expectStatus<{ freeCapacity: number }>(availability, 200).freeCapacity).toBe(1);
    const sweep = await sweepBookings(st.deps);
    expect(sweep.expired).toBeGreaterThanOrEqual(1);
    const row = await getBooking(st, org, b.id);
    expect(row.status).toBe("expired");
    const events = (await outboxEvents(st, `place:${place.id}`)) as Extract<PublishedEvent, { type: "place.availability_changed" }>[];
    expect(events.map((e) => [e.data.change, e.data.freeCapacity])).toEqual([
      ["booked", 0],
      ["cancelled", 1],
    ]);
    // Reading it also expires it (no sweep needed): another lapsed hold.
    const c = await booked(st, asVisitor(org), { placeId: place.id, start: at(14), durationMinutes: 60 });
    clock += 5 * 60_000 + 1;
    expect((await getBooking(st, org, c.id)).status).toBe("expired");
  });

  it("a payment after the hold ran out confirms while the spot is still free; once it is taken, the payment is refunded in full", async () => {
    const place = await newPlace(st, org, { ...PAID, paymentHoldMinutes: 5 });
    const late = await booked(st, asVisitor(org), { placeId: place.id, start: at(15), durationMinutes: 60 });
    clock += 5 * 60_000 + 1;
    await sweepBookings(st.deps);
    expect((await deliver(intentEvent(late, "payment_intent.succeeded"))).status).toBe(200);
    expect((await getBooking(st, org, late.id)).status).toBe("confirmed");

    const lost = await booked(st, asVisitor(org), { placeId: place.id, start: at(17), durationMinutes: 60 });
    clock += 5 * 60_000 + 1;
    const taker = await booked(st, org.secretKey, { placeId: place.id, start: at(17), durationMinutes: 60 });
    expect(taker.status).toBe("pending_payment");
    const refundsBefore = stripeRequests("/v1/refunds").length;
    const payload = intentEvent(lost, "payment_intent.succeeded");
    expect((await deliver(payload)).status).toBe(200);
    expect((await deliver(payload)).status).toBe(200); // a redelivery refunds nothing twice
    const refunds = stripeRequests("/v1/refunds").slice(refundsBefore);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.body.get("payment_intent")).toBe(lost.payment?.paymentIntentId);
    expect(refunds[0]?.body.get("amount")).toBe("240");
    expect((await getBooking(st, org, lost.id)).status).toBe("expired");
  });

  it("the provider down: 503 payment_provider_error, and the spot is not held", async () => {
    const place = await newPlace(st, org, PAID);
    stripe.setFailing(true);
    try {
      expectProblem(
        await book(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 }),
        503,
        "payment_provider_error",
      );
    } finally {
      stripe.setFailing(false);
    }
    const rows = await st.deps.db.select().from(placeBookings).where(eq(placeBookings.placeId, place.id));
    expect(rows.map((r) => r.status)).toEqual(["cancelled"]);
    expect((await booked(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 })).status).toBe("pending_payment");
  });

  it("refunds per the cancellation policy: in full early or by staff, the late share later, nothing for an unpaid hold", async () => {
    const place = await newPlace(st, org, { ...PAID, capacity: 5 });
    const paidBooking = async (start: string) => {
      const b = await booked(st, asVisitor(org), { placeId: place.id, start, durationMinutes: 120 });
      expect((await deliver(intentEvent(b, "payment_intent.succeeded"))).status).toBe(200);
      return b;
    };
    const refundOf = async (token: string, id: string) => {
      const before = stripeRequests("/v1/refunds").length;
      const done = expectStatus<Booking>(await call(st, "POST", `/v1/bookings/${id}/cancel`, { token }), 200);
      return { done, refunds: stripeRequests("/v1/refunds").slice(before) };
    };
    // Booker, well before the start (free until 60 minutes before): everything back.
    const early = await paidBooking(fromNow(120));
    const earlyAccess = early.access?.token ?? "";
    const r1 = await refundOf(earlyAccess, early.id);
    expect(r1.done).toMatchObject({ status: "cancelled", payment: { amountRefunded: 480 } });
    expect(r1.refunds.map((r) => r.body.get("amount"))).toEqual(["480"]);
    // Booker, 30 minutes before: half back.
    const late = await paidBooking(fromNow(30));
    const r2 = await refundOf(late.access?.token ?? "", late.id);
    expect(r2.done.payment?.amountRefunded).toBe(240);
    expect(r2.refunds.map((r) => [r.body.get("payment_intent"), r.body.get("amount")])).toEqual([[late.payment?.paymentIntentId, "240"]]);
    // Staff, as late: everything back.
    const staff = await paidBooking(fromNow(30));
    expect((await refundOf(org.secretKey, staff.id)).refunds.map((r) => r.body.get("amount"))).toEqual(["480"]);
    // Unpaid: cancelled without a refund.
    const unpaid = await booked(st, asVisitor(org), { placeId: place.id, start: at(11), durationMinutes: 60 });
    const r4 = await refundOf(unpaid.access?.token ?? "", unpaid.id);
    expect(r4.done.status).toBe("cancelled");
    expect(r4.refunds).toHaveLength(0);
  });

  it("a refund the provider did not acknowledge is retried by the sweep, once", async () => {
    const place = await newPlace(st, org, { ...PAID });
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(20), durationMinutes: 60 });
    expect((await deliver(intentEvent(b, "payment_intent.succeeded"))).status).toBe(200);
    stripe.setFailing(true);
    try {
      const done = expectStatus<Booking>(await call(st, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.secretKey }), 200);
      expect(done).toMatchObject({ status: "cancelled", payment: { amountRefunded: 240 } });
    } finally {
      stripe.setFailing(false);
    }
    const [pending] = await st.deps.db.select().from(placeBookings).where(eq(placeBookings.id, b.id));
    expect(pending).toMatchObject({ refundPending: 240, amountRefunded: 0 });
    const before = stripeRequests("/v1/refunds").length;
    await sweepBookings(st.deps);
    await sweepBookings(st.deps);
    expect(
      stripeRequests("/v1/refunds")
        .slice(before)
        .map((r) => r.body.get("payment_intent")),
    ).toEqual([b.payment?.paymentIntentId]);
    const [settled] = await st.deps.db.select().from(placeBookings).where(eq(placeBookings.id, b.id));
    expect(settled).toMatchObject({ refundPending: 0, amountRefunded: 240 });
  });

  it("a paid extension holds the extra time for its payment; the webhook applies it once; unpaid, it lapses", async () => {
    const place = await newPlace(st, org, { ...PAID, paymentHoldMinutes: 5 });
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: fromNow(60), durationMinutes: 60, contact });
    expect((await deliver(intentEvent(b, "payment_intent.succeeded"))).status).toBe(200);
    const token = b.access?.token ?? "";
    const newEnd = new Date(Date.parse(b.end) + 60 * 60_000).toISOString();
    const asked = expectStatus<Booking>(await call(st, "POST", `/v1/bookings/${b.id}/extend`, { token, body: { end: newEnd } }), 200);
    expect(asked).toMatchObject({ end: b.end, pendingExtension: { end: newEnd, price: { amount: 240, currency: "EUR" } } });
    expect(asked.payment?.clientSecret).toMatch(/_secret_standin$/);
    const created = stripeRequests("/v1/payment_intents").at(-1);
    expect(created?.body.get("amount")).toBe("240");
    expect(created?.body.get("metadata[purpose]")).toBe("extension");
    // The extra hour is held: nobody else gets it, and a second extension waits.
    expectProblem(await book(st, org.secretKey, { placeId: place.id, start: b.end, durationMinutes: 30 }), 409, "place_full");
    expectProblem(await call(st, "POST", `/v1/bookings/${b.id}/extend`, { token, body: { end: newEnd } }), 409, "extension_pending");
    const paid = intentEvent(asked, "payment_intent.succeeded", {}, "extension", 240);
    await Promise.all([deliver(paid), deliver(paid), deliver(paid)]);
    const extended = await getBooking(st, org, b.id);
    expect(extended).toMatchObject({ end: newEnd, price: { amount: 480 }, pendingExtension: null });
    expect(await smsTo(st, b.id, "place_booking_extended")).toHaveLength(1);

    // Another extension left unpaid: its hold lapses and the extra time is free again.
    const later = new Date(Date.parse(newEnd) + 60 * 60_000).toISOString();
    expectStatus<Booking>(await call(st, "POST", `/v1/bookings/${b.id}/extend`, { token, body: { end: later } }), 200);
    clock += 5 * 60_000 + 1;
    expect((await booked(st, org.secretKey, { placeId: place.id, start: newEnd, durationMinutes: 30 })).status).toBe("pending_payment");
    await sweepBookings(st.deps);
    expect((await getBooking(st, org, b.id)).pendingExtension).toBeNull();
  });

  it("a place without online payment (the default) confirms priced bookings at once, as before", async () => {
    const place = await newPlace(st, org);
    const b = await booked(st, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    expect(b).toMatchObject({ status: "confirmed", payment: null });
  });
});

describe("online payment (the local provider's checkout page)", () => {
  it("pays through the local checkout page into the same webhook path and confirms the booking", async () => {
    const place = await newPlace(local, localOrg, PAID);
    const b = await booked(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60, contact });
    expect(b.status).toBe("pending_payment");
    expect(b.payment?.provider).toBe("local");
    const url = new URL(b.payment?.checkoutUrl ?? "");
    const page = await local.fetch(`http://api.test${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    const token = url.searchParams.get("token") ?? "";
    const decline = await local.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      body: new URLSearchParams({ token, outcome: "decline" }),
    });
    expect(decline.status).toBe(200);
    expect((await getBooking(local, localOrg, b.id)).status).toBe("pending_payment");
    const pay = await local.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      body: new URLSearchParams({ token, outcome: "pay" }),
    });
    expect(pay.status).toBe(200);
    expect((await getBooking(local, localOrg, b.id)).status).toBe("confirmed");
    expect(await smsTo(local, b.id, "place_booking_confirmed")).toHaveLength(1);
  });
});

describe("the booker's access token", () => {
  it("a visitor's booking answers a token that reads, lists and cancels that booking, never another's", async () => {
    const place = await newPlace(local, localOrg, { capacity: 5 });
    const mine = await booked(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const theirs = await booked(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const token = mine.access?.token ?? "";
    expect(token).toMatch(/^gk_pt_/);
    expect(Date.parse(mine.access?.expiresAt ?? "")).toBeGreaterThan(Date.parse(mine.end));
    const read = expectStatus<Booking>(await call(local, "GET", `/v1/bookings/${mine.id}`, { token }), 200);
    expect(read.id).toBe(mine.id);
    expect(read.access).toBeUndefined();
    expectProblem(await call(local, "GET", `/v1/bookings/${theirs.id}`, { token }), 404, "not_found");
    expectProblem(await call(local, "POST", `/v1/bookings/${theirs.id}/cancel`, { token }), 404, "not_found");
    const list = expectStatus<{ data: Booking[] }>(await call(local, "GET", "/v1/bookings", { token }), 200);
    expect(list.data.map((b) => b.id)).toEqual([mine.id]);
    expect(expectStatus<Booking>(await call(local, "POST", `/v1/bookings/${mine.id}/cancel`, { token }), 200).status).toBe("cancelled");
    // Staff and participant bookings carry no token (they have their credentials).
    const staff = await booked(local, localOrg.secretKey, { placeId: place.id, start: at(10), durationMinutes: 60 });
    expect(staff.access).toBeUndefined();
  });

  it("the token is no key to another organization", async () => {
    const other = await newOrg(local);
    const place = await newPlace(local, localOrg, { capacity: 5 });
    const theirPlace = await newPlace(local, other, { capacity: 5 });
    const mine = await booked(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const theirs = await booked(local, other.secretKey, { placeId: theirPlace.id, start: at(10), durationMinutes: 60 });
    const token = mine.access?.token ?? "";
    expectProblem(await call(local, "GET", `/v1/bookings/${theirs.id}`, { token }), 404, "not_found");
    expectProblem(await call(local, "POST", `/v1/bookings/${theirs.id}/extend`, { token, body: { end: at(12) } }), 404, "not_found");
    expectProblem(await call(local, "GET", `/v1/places/${theirPlace.id}`, { token }), 404, "not_found");
  });

  it("a refused booking leaves no participant behind", async () => {
    const place = await newPlace(local, localOrg, { capacity: 1 });
    await booked(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const before = await local.deps.db.$count(participants);
    expectProblem(await book(local, asVisitor(localOrg), { placeId: place.id, start: at(10), durationMinutes: 60 }), 409, "place_full");
    expect(await local.deps.db.$count(participants)).toBe(before);
  });
});
