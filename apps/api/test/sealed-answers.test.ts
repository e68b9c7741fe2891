import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashable, SEALED_CREATES } from "./crash-fixtures.js";
import { EVENT_DEFAULTS, newEvent, newTicketType } from "./event-fixtures.js";
import { newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { asVisitor, booked, inMinutes, newPlace, PARKING } from "./place-fixtures.js";
import { joinPlan, newPlan } from "./plan-fixtures.js";

/**
 * A create that seals its answer into its write (`answerOnCommit`) survives a crash between the
 * write and storing the answer: the retry with the same Idempotency-Key gets the original 201
 * and its body, not 409 `idempotency_key_committed` (which leaves a client that lost the answer
 * with no id to read — and a shown-once secret lost for good).
 *
 * A create that writes twice — an order or a booking paid online: held, then its payment opened
 * with the provider — seals a point to resume from with its first write (`resumeOnCommit`): the
 * retry carries on from the held row (no second hold) and gets the answer with its payment.
 *
 * Updates, refunds and registrations: test/sealed-updates.test.ts.
 *
 * The crash: a db whose batch commits and then throws, for the first batch that carries an
 * Idempotency-Key's guard (the request's own write), so the request dies right after its effect
 * committed. The retry comes after the lease ran out, as a client's would after a timeout.
 */

const LEASE_SECONDS = 5;
let skew = 0;
let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await createTestApp({ now: () => Date.now() + skew, env: { IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) } });
  org = await newOrg(t);
});
afterAll(() => t.close());

/** POST through an app whose next guarded write (once armed) commits, then "crashes" (test/crash-fixtures.ts). */
function crashingApp() {
  const crash = crashable(t);
  const post = (path: string, token: string, body: unknown, key: string, headers: Record<string, string> = {}) =>
    crash.send("POST", path, token, body, key, headers);
  return Object.assign(post, { crash });
}

interface Create {
  /** The operationId of the route. */
  op: string;
  name: string;
  /** Builds the request (creating what it needs first, without crashes). */
  setup(): Promise<{ path: string; token: string; body: unknown; headers?: Record<string, string> }>;
}

const CREATES: Create[] = [
  {
    op: "plans.create",
    name: "plan",
    setup: async () => ({ path: "/v1/plans", token: org.secretKey, body: { type: "trip", title: "T", timeZone: "UTC", currency: "EUR" } }),
  },
  {
    op: "plans.messages.create",
    name: "chat message",
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      return { path: `/v1/plans/${plan.id}/messages`, token: ada.token, body: { body: "hello" } };
    },
  },
  {
    op: "plans.proposals.create",
    name: "proposal",
    setup: async () => ({ path: `/v1/plans/${(await newPlan(t, org)).id}/proposals`, token: org.secretKey, body: { title: "Boat trip" } }),
  },
  {
    op: "plans.invites.create",
    name: "plan invite",
    setup: async () => ({ path: `/v1/plans/${(await newPlan(t, org)).id}/invites`, token: org.secretKey, body: { maxUses: 3 } }),
  },
  {
    op: "plans.expenses.create",
    name: "expense",
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      return {
        path: `/v1/plans/${plan.id}/expenses`,
        token: ada.token,
        body: { description: "Dinner", amount: 3000, currency: "EUR", split: { mode: "equal" } },
      };
    },
  },
  {
    op: "plans.payments.create",
    name: "plan payment",
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      const bea = await joinPlan(t, org, plan, "Bea");
      return {
        path: `/v1/plans/${plan.id}/payments`,
        token: bea.token,
        body: { fromParticipantId: ada.participantId, toParticipantId: bea.participantId, amount: 1500, currency: "EUR" },
      };
    },
  },
  {
    op: "publishableKeys.create",
    name: "publishable key",
    setup: async () => ({
      path: "/v1/publishable-keys",
      token: org.ownerToken,
      body: { name: "Site", allowedOrigins: ["https://site.example"] },
    }),
  },
  {
    op: "webhookEndpoints.create",
    name: "webhook endpoint",
    setup: async () => ({
      path: "/v1/webhook-endpoints",
      token: org.secretKey,
      body: { url: "https://hooks.example.com/gatherkit", eventTypes: ["*"] },
    }),
  },
  {
    op: "secretKeys.create",
    name: "secret key",
    setup: async () => ({ path: "/v1/secret-keys", token: org.ownerToken, body: { name: "Server" } }),
  },
  {
    op: "events.create",
    name: "event",
    setup: async () => ({
      path: "/v1/events",
      token: org.secretKey,
      body: {
        title: "Fado",
        timeZone: "Europe/Lisbon",
        startsAt: "2030-07-02T19:30:00.000Z",
        endsAt: "2030-07-02T22:30:00.000Z",
        currency: "EUR",
      },
    }),
  },
  {
    op: "events.ticketTypes.create",
    name: "ticket type",
    setup: async () => {
      const event = await newEvent(t, org);
      return {
        path: `/v1/events/${event.id}/ticket-types`,
        token: org.secretKey,
        body: { name: "GA", price: 2500, currency: "EUR", quantity: 5 },
      };
    },
  },
  {
    op: "events.quotas.create",
    name: "quota",
    setup: async () => {
      const event = await newEvent(t, org);
      const ga = await newTicketType(t, org, event, { quantity: 5 });
      return { path: `/v1/events/${event.id}/quotas`, token: org.secretKey, body: { name: "Hall", size: 3, ticketTypeIds: [ga.id] } };
    },
  },
  {
    op: "events.discountCodes.create",
    name: "discount code",
    setup: async () => {
      const event = await newEvent(t, org);
      return { path: `/v1/events/${event.id}/discount-codes`, token: org.secretKey, body: { code: "early", kind: "percent", value: 10 } };
    },
  },
  {
    op: "events.checkinLists.create",
    name: "check-in list",
    setup: async () => ({ path: `/v1/events/${(await newEvent(t, org)).id}/checkin-lists`, token: org.secretKey, body: { name: "Door" } }),
  },
  {
    op: "events.sessions.create",
    name: "session",
    setup: async () => ({
      path: `/v1/events/${(await newEvent(t, org)).id}/sessions`,
      token: org.secretKey,
      body: { title: "Opening", startsAt: EVENT_DEFAULTS.startsAt, endsAt: "2030-07-02T20:00:00.000Z", capacity: 10 },
    }),
  },
  {
    // The event's RSVP settings are created on first use, outside the key: the guest is the only write.
    op: "events.guests.create",
    name: "guest",
    setup: async () => ({
      path: `/v1/events/${(await newEvent(t, org)).id}/guests`,
      token: org.secretKey,
      body: { name: "Ada Lovelace", email: "ada@example.com" },
    }),
  },
  {
    op: "places.create",
    name: "place",
    setup: async () => ({ path: "/v1/places", token: org.secretKey, body: { ...PARKING, name: "Sealed garage" } }),
  },
  {
    op: "places.bookings.create",
    name: "booking (paid on the spot, by a site's visitor: the answer carries their token)",
    setup: async () => {
      const place = await newPlace(t, org);
      const visitor = asVisitor(org);
      return {
        path: "/v1/bookings",
        token: visitor.token,
        headers: visitor.headers,
        body: { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60, contact: { name: "Grace Hopper" } },
      };
    },
  },
  {
    op: "places.reviews.create",
    name: "review",
    setup: async () => {
      const place = await newPlace(t, org);
      const booking = await booked(t, asVisitor(org), { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60 });
      skew += 26 * 3_600_000; // past the booking's end
      const done = await call(t, "POST", `/v1/bookings/${booking.id}/complete`, { token: org.secretKey });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      return {
        path: `/v1/bookings/${booking.id}/review`,
        token: booking.access?.token ?? "",
        body: { rating: 5, text: "Easy in, easy out." },
      };
    },
  },
];

it("covers every create listed as tested here (test/crash-fixtures.ts), and only those", () => {
  const resumed = ["participantTokens.create", "events.orders.create", "places.bookings.create"];
  expect(new Set([...CREATES.map((c) => c.op), ...resumed])).toEqual(new Set(SEALED_CREATES));
});

describe("a create that died right after its write answers its retry with the original 201", () => {
  it.each(CREATES)("$name", async ({ setup }) => {
    const { path, token, body, headers } = await setup();
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;

    post.crash.arm();
    const first = await post(path, token, body, key, headers);
    expect(first.status).toBe(500);
    expect(post.crash.fired, "the request made a guarded write").toBe(true);

    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await post(path, token, body, key, headers);
    const answer = (await retry.json()) as { id?: string };
    expect([retry.status, answer]).toEqual([201, expect.objectContaining({ id: expect.any(String) })]);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");

    // The same answer every time after.
    const again = await post(path, token, body, key, headers);
    expect(await again.json()).toEqual(answer);
  });

  it("participant token (an upsert: a new participant, then the same one updated): the retry gets the original token", async () => {
    const post = crashingApp();
    const externalId = `sealed-${crypto.randomUUID()}`;
    for (const name of ["Ada", "Ada Lovelace"]) {
      const key = `crash-${crypto.randomUUID()}`;
      const body = { externalId, name };
      post.crash.arm();
      expect((await post("/v1/participant-tokens", org.secretKey, body, key)).status).toBe(500);
      expect(post.crash.fired, "the request made a guarded write").toBe(true);
      skew += LEASE_SECONDS * 1000 + 1;
      const retry = await post("/v1/participant-tokens", org.secretKey, body, key);
      const answer = (await retry.json()) as { token: string; participant: { id: string; name: string } };
      expect([retry.status, retry.headers.get("idempotent-replayed"), answer.participant.name]).toEqual([201, "true", name]);
      // The token works, for the participant that was written.
      const plan = await call(t, "POST", "/v1/plans", {
        token: answer.token,
        body: { type: "trip", title: "Mine", timeZone: "UTC", currency: "EUR" },
      });
      expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    }
  });

  it.each([
    ["an order paid online", 2500],
    ["a free order", 0],
  ])("%s: the retry resumes from the held order — one hold, the answer with its payment", async (_name, price) => {
    const event = await newEvent(t, org);
    const ga = await newTicketType(t, org, event, { quantity: 5, price });
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;
    const visitor = asVisitor(org);
    const body = { buyer: { name: "Grace Hopper", email: "grace@example.com" }, lines: [{ ticketTypeId: ga.id, quantity: 2 }] };
    post.crash.arm();
    expect((await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers)).status).toBe(500);
    expect(post.crash.fired, "the hold was a guarded write").toBe(true);
    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers);
    const answer = (await retry.json()) as { id: string; status: string; payment?: unknown; access?: { token: string } };
    expect(retry.status, JSON.stringify(answer)).toBe(201);
    expect(answer.status).toBe(price ? "pending" : "paid");
    if (price)
      expect(answer.payment, "the answer carries its payment").toEqual(expect.objectContaining({ checkoutUrl: expect.any(String) }));
    const orders = (await call(t, "GET", `/v1/events/${event.id}/orders`, { token: org.secretKey })).body.data as { id: string }[];
    expect(
      orders.map((o) => o.id),
      "one hold, the one resumed",
    ).toEqual([answer.id]);
    const types = (await call(t, "GET", `/v1/events/${event.id}/ticket-types`, { token: org.secretKey })).body.data as {
      remaining: number;
    }[];
    expect(types[0]?.remaining).toBe(3);
    // The same answer every time after.
    const again = await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers);
    expect([again.status, again.headers.get("idempotent-replayed"), await again.json()]).toEqual([201, "true", answer]);
  });

  it("an order paid with the local provider: the hold writes the order with its payment, so a crash right after it leaves none without one", async () => {
    const event = await newEvent(t, org);
    const ga = await newTicketType(t, org, event, { quantity: 5, price: 2500 });
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;
    const visitor = asVisitor(org);
    const body = { buyer: { name: "Grace Hopper", email: "grace@example.com" }, lines: [{ ticketTypeId: ga.id, quantity: 1 }] };
    post.crash.arm();
    expect((await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers)).status).toBe(500);
    expect(post.crash.fired, "the hold was a guarded write").toBe(true);
    // Before any retry: the one write that committed holds the order with its local payment.
    const [held, ...more] = (await call(t, "GET", `/v1/events/${event.id}/orders`, { token: org.secretKey })).body.data as {
      id: string;
      status: string;
      payment: { provider: string; paymentIntentId: string } | null;
    }[];
    expect(more).toEqual([]);
    expect(held).toMatchObject({ status: "pending", payment: { provider: "local", paymentIntentId: expect.stringMatching(/^pi_local_/) } });
    // The retry is answered from that write, with the same payment and a checkout page that opens it.
    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers);
    const answer = (await retry.json()) as { id: string; payment: { paymentIntentId: string; checkoutUrl: string } };
    expect([retry.status, retry.headers.get("idempotent-replayed"), answer.id]).toEqual([201, "true", held?.id]);
    expect(answer.payment.paymentIntentId).toBe(held?.payment?.paymentIntentId);
    const page = await t.fetch(answer.payment.checkoutUrl.replace(/^https?:\/\/[^/]+/, "http://api.test"));
    expect(page.status).toBe(200);
  });

  it("a booking paid online: the retry resumes from the held booking — one booking, the answer with its payment", async () => {
    const place = await newPlace(t, org, { name: "Paid garage", capacity: 1, onlinePayment: true });
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;
    const visitor = asVisitor(org);
    const body = { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60, contact: { name: "Grace Hopper" } };
    post.crash.arm();
    expect((await post("/v1/bookings", visitor.token, body, key, visitor.headers)).status).toBe(500);
    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await post("/v1/bookings", visitor.token, body, key, visitor.headers);
    const answer = (await retry.json()) as { id: string; status: string; payment?: unknown; access?: { token: string } };
    expect(retry.status, JSON.stringify(answer)).toBe(201);
    expect(answer.status).toBe("pending_payment");
    expect(answer.payment).toEqual(expect.objectContaining({ checkoutUrl: expect.any(String) }));
    expect(answer.access?.token).toEqual(expect.any(String));
    const bookings = (await call(t, "GET", `/v1/bookings?placeId=${place.id}`, { token: org.secretKey })).body.data as { id: string }[];
    expect(bookings.map((b) => b.id)).toEqual([answer.id]);
    const again = await post("/v1/bookings", visitor.token, body, key, visitor.headers);
    expect(await again.json()).toEqual(answer);
  });
});
