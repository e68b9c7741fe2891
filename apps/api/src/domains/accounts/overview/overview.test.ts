import type { Order, OrganizationOverview } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, TEST_ORIGIN, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { newGuest } from "../../../../test/guest-fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { asVisitor, booked, newPlace } from "../../../../test/place-fixtures.js";
import { newPlan } from "../../../../test/plan-fixtures.js";

// A clock the test sets: 1 June 2030, 10:00 UTC (the fixtures' event is on 2 July 2030).
const clock = Date.parse("2030-06-01T10:00:00Z");
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs({ now: () => clock }));
});
afterAll(() => t.close());

const overview = async (token: string) =>
  expectStatus<OrganizationOverview>(await call(t, "GET", "/v1/organization/overview", { token }), 200);

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

describe("the organization's overview", () => {
  it("an organization with nothing yet: zeros, 30 empty days ending today in its time zone", async () => {
    const o = await overview(b.secretKey);
    expect(o).toMatchObject({
      timeZone: "UTC",
      from: "2030-05-03",
      to: "2030-06-01",
      plans: { active: 0, created: 0 },
      events: { upcoming: 0, drafts: 0, orders: 0, ticketsSold: 0, revenue: [] },
      rsvps: { yes: 0, maybe: 0, no: 0, pending: 0, waitlisted: 0 },
      places: { places: 0, bookingsNext7Days: 0, bookings: 0 },
    });
    expect(o.byDay).toHaveLength(30);
    expect(o.byDay.every((d) => d.orders === 0 && d.tickets === 0 && d.bookings === 0)).toBe(true);
  });

  it("counts plans, events, sales and revenue per currency, RSVPs and bookings of this organization only", async () => {
    const active = await newPlan(t, a);
    const cancelled = await newPlan(t, a);
    expectStatus(await call(t, "POST", `/v1/plans/${cancelled.id}/cancel`, { token: a.secretKey }), 200);
    expect(active.status).toBe("planning");

    const event = await newEvent(t, a);
    await newEvent(t, a, { publish: false, title: "Draft" });
    const paid = await newTicketType(t, a, event, { name: "GA", price: 2500 });
    const free = await newTicketType(t, a, event, { name: "Free", price: 0 });
    const order = await pay(
      expectStatus<Order>(
        await call(t, "POST", `/v1/events/${event.id}/orders`, {
          token: a.publishableKey,
          headers: { origin: TEST_ORIGIN },
          body: { buyer: { name: "Ada", email: "ada@example.com" }, lines: [{ ticketTypeId: paid.id, quantity: 2 }] },
        }),
        201,
      ),
    );
    expect(order.status).toBe("paid");
    expectStatus(await call(t, "POST", `/v1/orders/${order.id}/refunds`, { token: a.secretKey, body: { amount: 1000 } }), 201);
    const refunded = expectStatus<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: a.secretKey }), 200);
    expect(refunded.amountRefunded).toBe(1000);
    await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 1 }]);
    // A held (unpaid) order counts nothing.
    await call(t, "POST", `/v1/events/${event.id}/orders`, {
      token: a.publishableKey,
      headers: { origin: TEST_ORIGIN },
      body: { buyer: { name: "Bo", email: "bo@example.com" }, lines: [{ ticketTypeId: paid.id, quantity: 1 }] },
    });

    const yes = await newGuest(t, a, event, { name: "Yes", email: "yes@example.com" });
    await newGuest(t, a, event, { name: "Pending", email: "pending@example.com" });
    expectStatus(await call(t, "POST", `/v1/events/${event.id}/invitation/${yes.token}/rsvp`, { body: { answer: "yes" } }), 200);

    const place = await newPlace(t, a);
    await booked(t, asVisitor(a), { placeId: place.id, start: "2030-06-02T09:00:00.000Z", durationMinutes: 60 });
    await booked(t, asVisitor(a), { placeId: place.id, start: "2030-06-20T09:00:00.000Z", durationMinutes: 60 });

    // Another organization's rows never count here.
    const theirs = await newEvent(t, b);
    await checkout(t, b, theirs, [{ ticketTypeId: (await newTicketType(t, b, theirs, { price: 0 })).id, quantity: 5 }]);
    await newPlan(t, b);

    const o = await overview(a.secretKey);
    expect(o.plans).toEqual({ active: 1, created: 2 });
    expect(o.events).toEqual({
      upcoming: 1,
      drafts: 1,
      orders: 2,
      ticketsSold: 3,
      revenue: [{ currency: "EUR", gross: 5000, net: 4000 }],
    });
    expect(o.rsvps).toEqual({ yes: 1, maybe: 0, no: 0, pending: 1, waitlisted: 0 });
    expect(o.places).toEqual({ places: 1, bookingsNext7Days: 1, bookings: 2 });
    expect(o.byDay.at(-1)).toEqual({ date: "2030-06-01", orders: 2, tickets: 3, bookings: 2 });
    expect(o.byDay.slice(0, -1).every((d) => d.orders === 0 && d.bookings === 0)).toBe(true);
    expect((await overview(b.secretKey)).events).toMatchObject({ upcoming: 1, orders: 1, ticketsSold: 5 });
  });

  it("is for the organization's members and servers: staff may read it; visitors and participants are refused", async () => {
    const staff = await addMember(t, a, "staff");
    expect((await overview(staff.accessToken)).timeZone).toBe("UTC");
    expectProblem(
      await call(t, "GET", "/v1/organization/overview", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", "/v1/organization/overview", { token: a.participantToken }), 403, "permission_denied");
    expectProblem(await call(t, "GET", "/v1/organization/overview", {}), 401, "authentication_required");
  });
});
