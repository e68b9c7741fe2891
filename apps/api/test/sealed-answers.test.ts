import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { EVENT_DEFAULTS, newEvent, newTicketType } from "./event-fixtures.js";
import { newOrg, type TestOrg } from "./fixtures.js";
import { rsvpSettings } from "./guest-fixtures.js";
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
 * Not sealed: a refund (sent to the provider), a registration (the guest, then their
 * capacity-checked answer), updates. A crash between their writes leaves the retry told
 * `idempotency_key_committed`.
 *
 * The crash: a db whose batch commits and then throws, for the first batch that carries an
 * Idempotency-Key's guard (the request's own write), so the request dies right after its effect
 * committed. The retry comes after the lease ran out, as a client's would after a timeout.
 */

const LEASE_SECONDS = 5;
let skew = 0;
let t: TestApp;
let org: TestOrg;
let crashNext = false;

beforeAll(async () => {
  t = await createTestApp({ now: () => Date.now() + skew, env: { IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) } });
  org = await newOrg(t);
});
afterAll(() => t.close());

interface Session {
  batch(items: { _prepare(): { query?: { sql?: string } } }[]): Promise<unknown[]>;
}

/** The app over a db whose next guarded batch (when armed) commits, then "crashes". */
function crashingApp() {
  const root = t.deps.db;
  const session = (root as unknown as { session: Session }).session;
  const crashing = new Proxy(session, {
    get(target, prop, receiver) {
      if (prop !== "batch") return Reflect.get(target, prop, receiver);
      return async (items: Parameters<Session["batch"]>[0]) => {
        const results = await target.batch(items);
        const guarded = items[0]?._prepare().query?.sql?.includes("idempotency_keys");
        if (crashNext && guarded) {
          crashNext = false;
          throw new Error("the process died right after the write committed");
        }
        return results;
      };
    },
  });
  const db = new Proxy(root, { get: (target, prop, receiver) => (prop === "session" ? crashing : Reflect.get(target, prop, receiver)) });
  const app = createApp({ ...t.deps, db });
  return (path: string, token: string, body: unknown, key: string, headers: Record<string, string> = {}) =>
    app.fetch(
      new Request(`http://api.test${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key, ...headers },
        body: JSON.stringify(body),
      }),
    );
}

interface Create {
  name: string;
  /** Builds the request (creating what it needs first, without crashes). */
  setup(): Promise<{ path: string; token: string; body: unknown; headers?: Record<string, string> }>;
}

const CREATES: Create[] = [
  {
    name: "plan",
    setup: async () => ({ path: "/v1/plans", token: org.secretKey, body: { type: "trip", title: "T", timeZone: "UTC", currency: "EUR" } }),
  },
  {
    name: "chat message",
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      return { path: `/v1/plans/${plan.id}/messages`, token: ada.token, body: { body: "hello" } };
    },
  },
  {
    name: "proposal",
    setup: async () => ({ path: `/v1/plans/${(await newPlan(t, org)).id}/proposals`, token: org.secretKey, body: { title: "Boat trip" } }),
  },
  {
    name: "plan invite",
    setup: async () => ({ path: `/v1/plans/${(await newPlan(t, org)).id}/invites`, token: org.secretKey, body: { maxUses: 3 } }),
  },
  {
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
    name: "publishable key",
    setup: async () => ({
      path: "/v1/publishable-keys",
      token: org.ownerToken,
      body: { name: "Site", allowedOrigins: ["https://site.example"] },
    }),
  },
  {
    name: "webhook endpoint",
    setup: async () => ({
      path: "/v1/webhook-endpoints",
      token: org.secretKey,
      body: { url: "https://hooks.example.com/gatherkit", eventTypes: ["*"] },
    }),
  },
  { name: "secret key", setup: async () => ({ path: "/v1/secret-keys", token: org.ownerToken, body: { name: "Server" } }) },
  {
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
    name: "quota",
    setup: async () => {
      const event = await newEvent(t, org);
      const ga = await newTicketType(t, org, event, { quantity: 5 });
      return { path: `/v1/events/${event.id}/quotas`, token: org.secretKey, body: { name: "Hall", size: 3, ticketTypeIds: [ga.id] } };
    },
  },
  {
    name: "discount code",
    setup: async () => {
      const event = await newEvent(t, org);
      return { path: `/v1/events/${event.id}/discount-codes`, token: org.secretKey, body: { code: "early", kind: "percent", value: 10 } };
    },
  },
  {
    name: "check-in list",
    setup: async () => ({ path: `/v1/events/${(await newEvent(t, org)).id}/checkin-lists`, token: org.secretKey, body: { name: "Door" } }),
  },
  {
    name: "session",
    setup: async () => ({
      path: `/v1/events/${(await newEvent(t, org)).id}/sessions`,
      token: org.secretKey,
      body: { title: "Opening", startsAt: EVENT_DEFAULTS.startsAt, endsAt: "2030-07-02T20:00:00.000Z", capacity: 10 },
    }),
  },
  {
    // The event's RSVP settings are created on first use, outside the key: the guest is the only write.
    name: "guest",
    setup: async () => ({
      path: `/v1/events/${(await newEvent(t, org)).id}/guests`,
      token: org.secretKey,
      body: { name: "Ada Lovelace", email: "ada@example.com" },
    }),
  },
  { name: "place", setup: async () => ({ path: "/v1/places", token: org.secretKey, body: { ...PARKING, name: "Sealed garage" } }) },
  {
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

describe("a create that died right after its write answers its retry with the original 201", () => {
  it.each(CREATES)("$name", async ({ setup }) => {
    const { path, token, body, headers } = await setup();
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;

    crashNext = true;
    const first = await post(path, token, body, key, headers);
    expect(first.status).toBe(500);
    expect(crashNext, "the request made a guarded write").toBe(false);

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
      crashNext = true;
      expect((await post("/v1/participant-tokens", org.secretKey, body, key)).status).toBe(500);
      expect(crashNext, "the request made a guarded write").toBe(false);
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
    crashNext = true;
    expect((await post(`/v1/events/${event.id}/orders`, visitor.token, body, key, visitor.headers)).status).toBe(500);
    expect(crashNext, "the hold was a guarded write").toBe(false);
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

  it("a booking paid online: the retry resumes from the held booking — one booking, the answer with its payment", async () => {
    const place = await newPlace(t, org, { name: "Paid garage", capacity: 1, onlinePayment: true });
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;
    const visitor = asVisitor(org);
    const body = { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60, contact: { name: "Grace Hopper" } };
    crashNext = true;
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

  it("control: a create that writes twice and is not resumable (a registration: the guest, then their answer) is told it was carried out", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { mode: "open" });
    const post = crashingApp();
    const key = `crash-${crypto.randomUUID()}`;
    const visitor = asVisitor(org);
    const body = { name: "Grace Hopper", email: "grace@example.com" };
    crashNext = true;
    expect((await post(`/v1/events/${event.id}/registrations`, visitor.token, body, key, visitor.headers)).status).toBe(500);
    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await post(`/v1/events/${event.id}/registrations`, visitor.token, body, key, visitor.headers);
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as { code: string }).code).toBe("idempotency_key_committed");
  });
});
