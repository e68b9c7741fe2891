import type { EventAnalytics, Order } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, TEST_ORIGIN, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

// A clock the test sets: two sales either side of midnight in Auckland (UTC+12 in June).
let clock = Date.parse("2030-06-01T11:30:00Z");
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs({ now: () => clock++ }));
});
afterAll(() => t.close());

const buy = async (eventId: string, lines: { ticketTypeId: string; quantity: number }[], discountCode?: string) =>
  expectStatus<Order>(
    await call(t, "POST", `/v1/events/${eventId}/orders`, {
      token: a.publishableKey,
      headers: { origin: TEST_ORIGIN },
      body: { buyer: { name: "Ada", email: "ada@example.com" }, lines, ...(discountCode ? { discountCode } : {}) },
    }),
    201,
  );
/** Pays through the local provider's checkout page (the signed webhook path). */
async function pay(order: Order) {
  const url = new URL(order.payment?.checkoutUrl ?? "");
  const r = await t.fetch("http://api.test/v1/payments/local/checkout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
  });
  expect(r.status).toBe(200);
  return expectStatus<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: a.secretKey }), 200);
}

describe("event analytics", () => {
  it("revenue, refunds and discounts; sales per type with holds and stock; days in the event's time zone; check-in rate", async () => {
    const event = await newEvent(t, a, { timeZone: "Pacific/Auckland" });
    const ga = await newTicketType(t, a, event, { name: "GA", price: 2500, quantity: 10 });
    const vip = await newTicketType(t, a, event, { name: "VIP", price: 9000 });
    await call(t, "POST", `/v1/events/${event.id}/discount-codes`, {
      token: a.secretKey,
      body: { code: "EARLY", kind: "percent", value: 20, ticketTypeIds: [ga.id] },
    });
    const first = await pay(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 2 }], "EARLY")); // 23:30 on 1 June in Auckland
    clock = Date.parse("2030-06-01T12:30:00Z"); // 00:30 on 2 June there
    const second = await pay(await buy(event.id, [{ ticketTypeId: vip.id, quantity: 1 }]));
    await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }]); // held, not paid
    expectStatus(await call(t, "POST", `/v1/orders/${second.id}/refunds`, { token: a.secretKey, body: { amount: 1000 } }), 201);
    const list = expectStatus<{ id: string }>(
      await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: a.secretKey, body: { name: "Door" } }),
      201,
    );
    expectStatus(
      await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins`, { token: a.secretKey, body: { code: first.tickets[0]?.code } }),
      201,
    );

    const figures = expectStatus<EventAnalytics>(await call(t, "GET", `/v1/events/${event.id}/analytics`, { token: a.secretKey }), 200);
    expect(figures).toEqual({
      eventId: event.id,
      currency: "EUR",
      timeZone: "Pacific/Auckland",
      totals: { orders: 2, ticketsSold: 3, ticketsHeld: 1, gross: 4000 + 9000, refunded: 1000, net: 12000, discounts: 1000 },
      ticketTypes: [
        { id: ga.id, name: "GA", sold: 2, held: 1, remaining: 7, gross: 5000 },
        { id: vip.id, name: "VIP", sold: 1, held: 0, remaining: null, gross: 9000 },
      ],
      byDay: [
        { date: "2030-06-01", orders: 1, tickets: 2, gross: 4000 },
        { date: "2030-06-02", orders: 1, tickets: 1, gross: 9000 },
      ],
      checkIn: { checkedIn: 1, tickets: 3, rate: 1 / 3 },
      discountCodes: [{ id: expect.any(String), code: "EARLY", used: 1, maxUses: null, amount: 1000 }],
    });
  });

  it("staff only; another organization's event is 404", async () => {
    const event = await newEvent(t, a);
    expectProblem(
      await call(t, "GET", `/v1/events/${event.id}/analytics`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/analytics`, { token: a.participantToken }), 403, "permission_denied");
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/analytics`, { token: b.secretKey }), 404, "not_found");
    const empty = expectStatus<EventAnalytics>(await call(t, "GET", `/v1/events/${event.id}/analytics`, { token: a.ownerToken }), 200);
    expect(empty).toMatchObject({ totals: { orders: 0, gross: 0 }, byDay: [], checkIn: { checkedIn: 0, tickets: 0, rate: 0 } });
  });
});
