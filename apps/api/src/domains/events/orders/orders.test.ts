import { normalizeConfirmationCode, type Order, type TicketType } from "@gatherkit/core";
import { events, orderLines, orders, outbox, quotas, ticketTypes } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, checkoutRequest, eventMessages, newEvent, newQuota, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../../test/harness.js";
import { releaseExpiredHolds } from "../index.js";

// A clock the tests can move forward (hold expiry), never backwards.
let offset = 0;
const base = monotonicNow();
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp({ now: () => base() + offset });
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const types = async (org: TestOrg, eventId: string, accessCode?: string) =>
  expectStatus<{ data: TicketType[] }>(
    await call(t, "GET", `/v1/events/${eventId}/ticket-types${accessCode ? `?accessCode=${accessCode}` : ""}`, {
      token: org.publishableKey,
      headers: { origin: TEST_ORIGIN },
    }),
    200,
  ).data;
const remainingOf = async (org: TestOrg, eventId: string, typeId: string) =>
  (await types(org, eventId)).find((x) => x.id === typeId)?.remaining;

/** What the database says was taken, straight from the rows: the oversell detector does not trust the counters. */
async function soldOf(typeId: string): Promise<number> {
  const [row] = await t.deps.db
    .select({ n: sql<number>`COALESCE(SUM(${orderLines.quantity}), 0)` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(sql`${orderLines.ticketTypeId} = ${typeId} AND ${orders.status} IN ('pending', 'paid')`);
  return Number(row?.n ?? 0);
}

describe("starting a checkout", () => {
  it("holds the tickets until expiresAt with a confirmation code, and the room hears the remaining stock", async () => {
    const event = await newEvent(t, a, { holdMinutes: 15, capacity: 100 });
    const ga = await newTicketType(t, a, event, { quantity: 10, price: 2500 });
    const vip = await newTicketType(t, a, event, { name: "VIP", quantity: 3, price: 9000, maxPerOrder: 2 });
    const before = Date.now();
    const order = await checkout(t, a, event, [
      { ticketTypeId: ga.id, quantity: 2 },
      { ticketTypeId: vip.id, quantity: 1 },
    ]);
    expect(order).toMatchObject({
      status: "pending",
      eventId: event.id,
      quantity: 3,
      total: 2 * 2500 + 9000,
      currency: "EUR",
      buyer: { name: "Grace Hopper", email: "grace@example.com" },
      lines: [
        { ticketTypeId: ga.id, quantity: 2, unitPrice: 2500 },
        { ticketTypeId: vip.id, quantity: 1, unitPrice: 9000 },
      ],
      paidAt: null,
    });
    expect(normalizeConfirmationCode(order.confirmationCode)).toBe(order.confirmationCode);
    expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBe(15 * 60_000);
    expect(Date.parse(order.createdAt)).toBeGreaterThanOrEqual(before);
    expect(await remainingOf(a, event.id, ga.id)).toBe(8);
    expect(await remainingOf(a, event.id, vip.id)).toBe(2);
    const stock = (await eventMessages(t, event)).filter((m) => m.type === "event.stock_changed").at(-1);
    expect(stock).toEqual({
      type: "event.stock_changed",
      data: {
        eventId: event.id,
        ticketTypes: [
          { id: ga.id, remaining: 8 },
          { id: vip.id, remaining: 2 },
        ],
      },
    });
    expect(order.payment).toMatchObject({ provider: "local", clientSecret: expect.any(String), checkoutUrl: expect.any(String) });
    // Read back, the order no longer carries the payment's secrets (they were for the buyer's page).
    expect(expectStatus<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: a.secretKey }), 200)).toEqual({
      ...order,
      payment: { ...order.payment, clientSecret: null, checkoutUrl: null },
    });
  });

  it("a free order is confirmed at once, with a confirmation email in the outbox", async () => {
    const event = await newEvent(t, a, { title: "Open rehearsal" });
    const free = await newTicketType(t, a, event, { name: "Free entry", price: 0 });
    const order = await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 2 }]);
    expect(order).toMatchObject({ status: "paid", total: 0 });
    expect(order.paidAt).not.toBeNull();
    const mails = (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))).map((r) => r.payload as Record<string, unknown>);
    const mail = mails.find((m) => (m.data as { orderId?: string }).orderId === order.id);
    expect(mail).toMatchObject({ to: "grace@example.com", template: "order_confirmation" });
    expect(String(mail?.subject)).toContain(order.confirmationCode);
  });

  it("confirmation codes are unique and unambiguous", async () => {
    const event = await newEvent(t, a);
    const free = await newTicketType(t, a, event, { price: 0, maxPerOrder: 1 });
    const codes = await Promise.all(
      Array.from({ length: 40 }, async () => (await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 1 }])).confirmationCode),
    );
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}$/);
    expect(normalizeConfirmationCode(codes[0]!.toLowerCase().replace("-", " "))).toBe(codes[0]);
    expect(normalizeConfirmationCode("O0I1-L5SB")).toBeNull();
  });
});

describe("bad checkouts: a specific 4xx and nothing held", () => {
  it("more than available, outside min/max, outside the sales window, a hidden type without its code, another event's type", async () => {
    const event = await newEvent(t, a);
    const other = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { quantity: 3, minPerOrder: 2, maxPerOrder: 3 });
    const early = await newTicketType(t, a, event, { name: "Not yet", salesStartAt: "2099-01-01T00:00:00Z" });
    const over = await newTicketType(t, a, event, { name: "Over", salesEndAt: "2020-01-01T00:00:00Z" });
    const secret = await newTicketType(t, a, event, { name: "Friends", hidden: true, accessCode: "FRIENDS24" });
    const elsewhere = await newTicketType(t, a, other);
    const line = (ticketTypeId: string, quantity: number) => [{ ticketTypeId, quantity }];

    expectProblem(await checkoutRequest(t, a, event, line(ga.id, 4)), 422, "order_quantity_out_of_range");
    expectProblem(await checkoutRequest(t, a, event, line(ga.id, 1)), 422, "order_quantity_out_of_range");
    await checkout(t, a, event, line(ga.id, 2));
    expectProblem(await checkoutRequest(t, a, event, line(ga.id, 2)), 409, "sold_out");
    expectProblem(await checkoutRequest(t, a, event, line(early.id, 1)), 409, "ticket_type_not_on_sale");
    expectProblem(await checkoutRequest(t, a, event, line(over.id, 1)), 409, "ticket_type_not_on_sale");
    expectProblem(await checkoutRequest(t, a, event, line(secret.id, 1)), 403, "access_code_required");
    expectProblem(await checkoutRequest(t, a, event, line(secret.id, 1), { accessCode: "WRONG123" }), 403, "access_code_required");
    expect((await types(a, event.id)).map((x) => x.id)).not.toContain(secret.id);
    expect((await types(a, event.id, "friends24")).map((x) => x.id)).toContain(secret.id);
    expect((await types(a, event.id, "friends24")).find((x) => x.id === secret.id)?.accessCode).toBeNull();
    expect((await checkoutRequest(t, a, event, line(secret.id, 1), { accessCode: "friends24" })).status).toBe(201);
    expectProblem(await checkoutRequest(t, a, event, line(elsewhere.id, 1)), 422, "unknown_ticket_type");

    for (const body of [
      { buyer: { name: "G", email: "not-an-email" }, lines: line(ga.id, 1) },
      { buyer: { name: "G", email: "g@example.com" }, lines: [] },
      { buyer: { name: "G", email: "g@example.com" }, lines: line(ga.id, 0) },
      { buyer: { name: "G", email: "g@example.com" }, lines: [...line(ga.id, 1), ...line(ga.id, 1)] },
      { buyer: { name: "G", email: "g@example.com" }, lines: line("evt_0123456789abcdefghjk", 1) },
    ]) {
      expectProblem(
        await call(t, "POST", `/v1/events/${event.id}/orders`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN }, body }),
        400,
        "validation_failed",
      );
    }
    // Nothing beyond the one good order of each kind was held.
    expect(await soldOf(ga.id)).toBe(2);
    expect(await soldOf(secret.id)).toBe(1);
  });

  it("a draft, unpublished or cancelled event sells nothing; another organization's event is 404", async () => {
    const event = await newEvent(t, a, { publish: false });
    const ga = await newTicketType(t, a, event);
    const lines = [{ ticketTypeId: ga.id, quantity: 1 }];
    expectProblem(await checkoutRequest(t, a, event, lines), 404, "not_found");
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/orders`, {
        token: a.secretKey,
        body: { buyer: { name: "G", email: "g@example.com" }, lines },
      }),
      409,
      "event_not_on_sale",
    );
    await call(t, "POST", `/v1/events/${event.id}/publish`, { token: a.secretKey });
    expectProblem(await checkoutRequest(t, b, event, lines), 404, "not_found");
    await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: a.secretKey });
    expectProblem(await checkoutRequest(t, a, event, lines), 404, "not_found");
    expect(await soldOf(ga.id)).toBe(0);
  });

  it("quotas shared by types, the type's quantity and the event's capacity are all respected at once", async () => {
    const event = await newEvent(t, a, { capacity: 5 });
    const adult = await newTicketType(t, a, event, { name: "Adult", quantity: 4 });
    const child = await newTicketType(t, a, event, { name: "Child", quantity: 4 });
    const solo = await newTicketType(t, a, event, { name: "Solo" });
    await newQuota(t, a, event, 3, [adult.id, child.id]);
    await checkout(t, a, event, [
      { ticketTypeId: adult.id, quantity: 1 },
      { ticketTypeId: child.id, quantity: 1 },
    ]);
    // Adult alone has 3 left by its quantity, but the hall quota has 1.
    expect(await remainingOf(a, event.id, adult.id)).toBe(1);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: adult.id, quantity: 2 }]), 409, "sold_out");
    await checkout(t, a, event, [{ ticketTypeId: child.id, quantity: 1 }]);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: adult.id, quantity: 1 }]), 409, "sold_out");
    // The capacity (5) leaves 2 for Solo.
    expect(await remainingOf(a, event.id, solo.id)).toBe(2);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: solo.id, quantity: 3 }]), 409, "sold_out");
    await checkout(t, a, event, [{ ticketTypeId: solo.id, quantity: 2 }]);
    const [q] = expectStatus<{ data: { used: number; remaining: number }[] }>(
      await call(t, "GET", `/v1/events/${event.id}/quotas`, { token: a.secretKey }),
      200,
    ).data;
    expect(q).toMatchObject({ used: 3, remaining: 0 });
    expectProblem(await newQuotaRequest(event.id, 1, [adult.id, child.id]), 409, "event_has_sales");
  });
});

const newQuotaRequest = (eventId: string, size: number, ticketTypeIds: string[]) =>
  call(t, "POST", `/v1/events/${eventId}/quotas`, { token: a.secretKey, body: { name: "Small", size, ticketTypeIds } });

describe("holds end", () => {
  it("an expired hold returns its tickets (and the room hears it); cancelling it is no longer possible, and its tickets sell again", async () => {
    const event = await newEvent(t, a, { holdMinutes: 5, capacity: 10 });
    const ga = await newTicketType(t, a, event, { quantity: 2 });
    const q = await newQuota(t, a, event, 2, [ga.id]);
    const order = await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]), 409, "sold_out");
    offset += 5 * 60_000;
    expect(await remainingOf(a, event.id, ga.id)).toBe(2);
    expect(expectStatus<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: a.secretKey }), 200).status).toBe("expired");
    const [e] = await t.deps.db.select().from(events).where(eq(events.id, event.id));
    const [tt] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, ga.id));
    const [qq] = await t.deps.db.select().from(quotas).where(eq(quotas.id, q.id));
    expect([e?.capacityUsed, tt?.quantityUsed, qq?.used]).toEqual([0, 0, 0]);
    const last = (await eventMessages(t, event)).filter((m) => m.type === "event.stock_changed").at(-1);
    expect(last).toMatchObject({ data: { ticketTypes: [{ id: ga.id, remaining: 2 }] } });
    expectProblem(await call(t, "POST", `/v1/orders/${order.id}/cancel`, { token: a.secretKey }), 409, "order_not_pending");
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
  });

  it("a checkout releases the event's expired holds only when the stock is short, and then sells what they held", async () => {
    const event = await newEvent(t, a, { holdMinutes: 5 });
    const ga = await newTicketType(t, a, event, { quantity: 3 });
    const old = await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
    offset += 5 * 60_000;
    const statusOf = async (id: string) => (await t.deps.db.select().from(orders).where(eq(orders.id, id)))[0]?.status;
    // One ticket is left: enough, so the expired hold waits for the sweeper (no release on this checkout's path).
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]);
    expect(await statusOf(old.id)).toBe("pending");
    // None left as counted: the checkout releases the expired hold and takes its tickets.
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
    expect(await statusOf(old.id)).toBe("expired");
    expect(await soldOf(ga.id)).toBe(3);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]), 409, "sold_out");
  });

  it("many concurrent checkouts on tickets that only expired holds hold: exactly what they held is sold, the rest sold out (control: the tickets are there)", async () => {
    for (const quantity of [1, 2, 5]) {
      const event = await newEvent(t, a, { holdMinutes: 5 });
      const ga = await newTicketType(t, a, event, { quantity });
      await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity }]);
      expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]), 409, "sold_out");
      offset += 5 * 60_000;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }])),
      );
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(quantity);
      expect(statuses.filter((s) => s === 409)).toHaveLength(20 - quantity);
      expect(await soldOf(ga.id)).toBe(quantity);
      const [tt] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, ga.id));
      expect(tt?.quantityUsed).toBe(quantity);
    }
  });

  it("the sweeper (Node's timer, the Worker's cron) releases expired holds with nobody reading, and the room hears it", async () => {
    const event = await newEvent(t, a, { holdMinutes: 1 });
    const ga = await newTicketType(t, a, event, { quantity: 5 });
    const held = await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 3 }]);
    expect(await releaseExpiredHolds(t.deps, event.id)).toBe(0);
    offset += 60_000;
    expect(await releaseExpiredHolds(t.deps)).toBeGreaterThanOrEqual(1);
    const [order] = await t.deps.db.select().from(orders).where(eq(orders.id, held.id));
    const [tt] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, ga.id));
    expect([order?.status, tt?.quantityUsed]).toEqual(["expired", 0]);
    const last = (await eventMessages(t, event)).filter((m) => m.type === "event.stock_changed").at(-1);
    expect(last).toMatchObject({ data: { ticketTypes: [{ id: ga.id, remaining: 5 }] } });
    expect(await releaseExpiredHolds(t.deps, event.id)).toBe(0);
  });

  it("an organizer cancels a pending order; concurrent releases return the stock exactly once", async () => {
    const event = await newEvent(t, a, { capacity: 10 });
    const ga = await newTicketType(t, a, event, { quantity: 4 });
    const order = await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 3 }]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(t, "POST", `/v1/orders/${order.id}/cancel`, { token: a.secretKey })),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 200)) expectProblem(r, 409, "order_not_pending");
    const [tt] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, ga.id));
    const [e] = await t.deps.db.select().from(events).where(eq(events.id, event.id));
    expect([tt?.quantityUsed, e?.capacityUsed]).toEqual([0, 0]);
    expect(await remainingOf(a, event.id, ga.id)).toBe(4);
    expectProblem(await call(t, "POST", `/v1/orders/${order.id}/cancel`, { token: b.secretKey }), 404, "not_found");
    expectProblem(
      await call(t, "POST", `/v1/orders/${order.id}/cancel`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
  });
});

describe("finding orders", () => {
  it("q finds by the buyer's name or email or the confirmation code (any case; % and _ are plain text), with status", async () => {
    const event = await newEvent(t, a);
    const type = await newTicketType(t, a, event, { price: 1000, quantity: 10 });
    const ada = expectStatus<Order>(
      await checkoutRequest(t, a, event, [{ ticketTypeId: type.id, quantity: 1 }], { email: "ada_l@example.com" }),
      201,
    );
    const bob = expectStatus<Order>(
      await checkoutRequest(t, a, event, [{ ticketTypeId: type.id, quantity: 1 }], { email: "bob@example.org" }),
      201,
    );
    expectStatus(await call(t, "POST", `/v1/orders/${bob.id}/cancel`, { token: a.secretKey }), 200);
    const find = async (query: string) =>
      expectStatus<{ data: Order[] }>(await call(t, "GET", `/v1/events/${event.id}/orders?${query}`, { token: a.secretKey }), 200).data.map(
        (o) => o.id,
      );
    expect(await find("q=ADA_L")).toEqual([ada.id]);
    expect(await find("q=example.org")).toEqual([bob.id]);
    expect(await find(`q=${bob.confirmationCode.toLowerCase()}`)).toEqual([bob.id]);
    expect(await find("q=grace")).toEqual([bob.id, ada.id]);
    expect(await find("q=grace&status=cancelled")).toEqual([bob.id]);
    expect(await find("q=%25")).toEqual([]);
    expect(await find("q=a_l")).toEqual([ada.id]);
    expect(await find("q=nobody")).toEqual([]);
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/orders?q=`, { token: a.secretKey }), 400, "validation_failed");
  });
});
