import { newId, type Order, type Page, type WaitlistEntry } from "@gatherkit/core";
import { orderLines, orders, ticketTypes, waitlistEntries } from "@gatherkit/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, checkoutRequest, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, outboxEmails, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../../test/harness.js";
import { releaseExpiredHolds } from "../holds.js";
import { offerWaitlist } from "./waitlist.service.js";

let t: TestApp;
let org: TestOrg;
let offset = 0;
beforeAll(async () => {
  const real = monotonicNow();
  t = await createTestApp({ now: () => real() + offset });
  org = await newOrg(t);
});
afterAll(() => t.close());

const join = (eventId: string, typeId: string, email: string, quantity = 1) =>
  call(t, "POST", `/v1/events/${eventId}/ticket-types/${typeId}/waitlist`, {
    token: org.publishableKey,
    headers: { origin: TEST_ORIGIN },
    body: { name: email.split("@")[0], email, quantity },
  });
const entries = async (eventId: string) =>
  t.deps.db
    .select()
    .from(waitlistEntries)
    .where(eq(waitlistEntries.eventId, eventId))
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id));
const cancel = (orderId: string) => call(t, "POST", `/v1/orders/${orderId}/cancel`, { token: org.secretKey });

/** Tickets of `typeId` held or sold, from the order rows (not the counters). */
async function taken(typeId: string): Promise<number> {
  const [row] = await t.deps.db
    .select({ n: sql<number>`COALESCE(SUM(${orderLines.quantity}), 0)` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(and(eq(orderLines.ticketTypeId, typeId), sql`${orders.status} IN ('pending', 'paid')`));
  return Number(row?.n ?? 0);
}

describe("the waiting list of a sold-out type", () => {
  it("join when sold out; a freed ticket is held for the first entry and emailed; unpaid it passes on; paid it is claimed", async () => {
    const event = await newEvent(t, org, { holdMinutes: 5 });
    const type = await newTicketType(t, org, event, { price: 2500, quantity: 1 });
    expectProblem(await join(event.id, type.id, "early@example.com"), 409, "waitlist_not_needed");
    const first = await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    const ada = expectStatus<WaitlistEntry>(await join(event.id, type.id, "ada@example.com"), 201);
    expect(ada).toMatchObject({ status: "waiting", quantity: 1, orderId: null });
    expectProblem(await join(event.id, type.id, "ADA@example.com"), 409, "waitlist_entry_exists");
    expectProblem(await join(event.id, type.id, "big@example.com", 101), 400, "validation_failed");
    const bob = expectStatus<WaitlistEntry>(await join(event.id, type.id, "bob@example.com"), 201);

    // The first buyer's order is cancelled: the ticket is held for Ada, not sold to anyone else.
    expectStatus(await cancel(first.id), 200);
    const [a1, b1] = await entries(event.id);
    expect(a1).toMatchObject({ id: ada.id, status: "offered" });
    expect(b1).toMatchObject({ id: bob.id, status: "waiting" });
    const offer = expectStatus<Order>(await call(t, "GET", `/v1/orders/${a1!.orderId}`, { token: org.secretKey }), 200);
    expect(offer).toMatchObject({ status: "pending", buyer: { email: "ada@example.com" }, quantity: 1, total: 2500 });
    const [mail] = await outboxEmails(t, "ada@example.com", "waitlist_offer");
    expect(mail?.text).toContain("/v1/payments/local/checkout?token=");
    expectProblem(await checkoutRequest(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]), 409, "sold_out");

    // Ada lets it run out: the ticket passes to Bob.
    offset += 5 * 60_000 + 1;
    await releaseExpiredHolds(t.deps, event.id);
    const [a2, b2] = await entries(event.id);
    expect(a2).toMatchObject({ status: "expired" });
    expect(b2).toMatchObject({ status: "offered" });
    expect(await outboxEmails(t, "bob@example.com", "waitlist_offer")).toHaveLength(1);

    // Bob pays through the local checkout: his entry is claimed, and no one else waits.
    const [bobMail] = await outboxEmails(t, "bob@example.com", "waitlist_offer");
    const token = new URL(/(http\S+\/v1\/payments\/local\/checkout\?token=\S+)/.exec(bobMail!.text)![1]!).searchParams.get("token")!;
    await t.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, outcome: "pay" }).toString(),
    });
    const page = expectStatus<Page<WaitlistEntry>>(await call(t, "GET", `/v1/events/${event.id}/waitlist`, { token: org.secretKey }), 200);
    expect(page.data.map((e) => [e.email, e.status])).toEqual([
      ["bob@example.com", "claimed"],
      ["ada@example.com", "expired"],
    ]);
    expect(await taken(type.id)).toBe(1);
    expectProblem(
      await call(t, "GET", `/v1/events/${event.id}/waitlist`, { token: org.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
  });

  it("an entry for 2 is skipped while only 1 is free; a free type's offer is confirmed at once", async () => {
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event, { price: 0, quantity: 2, maxPerOrder: 2 });
    const one = await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    expectStatus(await join(event.id, type.id, "pair@example.com", 2), 201);
    expectStatus(await join(event.id, type.id, "single@example.com", 1), 201);
    // A free order cannot be cancelled by the API (it is paid): return its ticket as a refund would.
    const [row] = await t.deps.db.select().from(orders).where(eq(orders.id, one.id));
    const { releaseOrder } = await import("../holds.js");
    expect(await releaseOrder(t.deps, row!, "refunded")).toBe(true);
    const [pair, single] = await entries(event.id);
    expect(pair).toMatchObject({ status: "waiting" });
    expect(single).toMatchObject({ status: "claimed" });
    const confirmed = await t.deps.db.select().from(orders).where(eq(orders.id, single!.orderId!));
    expect(confirmed[0]?.status).toBe("paid");
    expect(await outboxEmails(t, "single@example.com", "order_confirmation")).toHaveLength(1);
    expect(await taken(type.id)).toBe(2);
  });
});

/**
 * Waiting-list races: 10 tickets sold, 40 people waiting, then all 10 orders cancelled at once
 * (each cancel offering what came back) while more people join: exactly 10 offers, to the 10
 * oldest entries, one hold each, never more taken than exist. The control makes the same offers
 * with a naive read-then-write (no "still waiting" and "still room" in the write) and shows the
 * assertions catch what it does wrong.
 */
describe("waiting-list offers under concurrency", () => {
  const STOCK = 10;
  const WAITERS = 40;

  async function setup() {
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event, { price: 2500, quantity: STOCK });
    const sold: Order[] = [];
    for (let i = 0; i < STOCK; i++) sold.push(await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]));
    const joined = await Promise.all(Array.from({ length: WAITERS }, (_, i) => join(event.id, type.id, `w${i}@example.com`)));
    expect(joined.map((r) => r.status)).toEqual(Array(WAITERS).fill(201));
    return { event, type, sold };
  }

  async function expectFairOffers(eventId: string, typeId: string) {
    const all = await entries(eventId);
    const offered = all.filter((e) => e.status === "offered");
    expect(offered, "offers made").toHaveLength(STOCK);
    expect(
      offered.map((e) => e.id),
      "to the oldest entries",
    ).toEqual(all.slice(0, STOCK).map((e) => e.id));
    const holds = await t.deps.db
      .select({ email: orders.buyerEmail })
      .from(orders)
      .where(and(eq(orders.eventId, eventId), eq(orders.status, "pending")));
    expect(holds, "one hold per offer").toHaveLength(STOCK);
    expect(new Set(holds.map((h) => h.email)).size, "no one held twice").toBe(STOCK);
    expect(await taken(typeId), "never more taken than exist").toBe(STOCK);
    const [type] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, typeId));
    expect(type?.quantityUsed).toBe(STOCK);
  }

  it("10 cancels at once while 10 more join: exactly 10 offers to the 10 oldest, one hold each (two rounds)", async () => {
    for (let round = 0; round < 2; round++) {
      const { event, type, sold } = await setup();
      const answers = await Promise.all([
        ...sold.map((o) => cancel(o.id)),
        ...Array.from({ length: 10 }, (_, i) => join(event.id, type.id, `late${round}-${i}@example.com`)),
        ...Array.from({ length: 10 }, () => offerWaitlist(t.deps, event.id).then(() => ({ status: 200 }))),
      ]);
      expect(answers.slice(0, STOCK).map((r) => r.status)).toEqual(Array(STOCK).fill(200));
      await expectFairOffers(event.id, type.id);
    }
  });

  it("control: a naive offer (read the first waiting entry and the stock, then write) is caught by the same assertions", async () => {
    const { event, type, sold } = await setup();
    // The tickets come back without offering (as if released by a sweep that offers nothing)...
    const { releaseOrder } = await import("../holds.js");
    for (const o of sold) {
      const [row] = await t.deps.db.select().from(orders).where(eq(orders.id, o.id));
      await releaseOrder(t.deps, row!, "cancelled", { offerWaitlist: false });
    }
    // ...and 20 naive offerers race for them.
    const naive = async () => {
      const [entry] = await t.deps.db
        .select()
        .from(waitlistEntries)
        .where(and(eq(waitlistEntries.eventId, event.id), eq(waitlistEntries.status, "waiting")))
        .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
        .limit(1);
      const [now] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, type.id));
      if (!entry || !now || now.quantityUsed >= STOCK) return;
      await new Promise((r) => setImmediate(r));
      const id = newId("order");
      const at = t.deps.now();
      await t.deps.db.batch([
        t.deps.db.insert(orders).values({
          id,
          orgId: entry.orgId,
          eventId: event.id,
          status: "pending",
          buyerName: entry.name,
          buyerEmail: entry.email,
          total: 2500,
          currency: "EUR",
          quantity: 1,
          confirmationCode: `NAIV-${id.slice(-8).toUpperCase()}`,
          expiresAt: at + 600_000,
          createdAt: at,
          updatedAt: at,
        }),
        t.deps.db
          .insert(orderLines)
          .values({ id: newId("orderLine"), orgId: entry.orgId, orderId: id, ticketTypeId: type.id, quantity: 1, unitPrice: 2500 }),
        t.deps.db.update(waitlistEntries).set({ status: "offered", orderId: id }).where(eq(waitlistEntries.id, entry.id)),
      ]);
    };
    await Promise.all(Array.from({ length: 20 }, naive));
    await expect(expectFairOffers(event.id, type.id)).rejects.toThrow();
    // What went wrong: one entry got several holds.
    const holds = await t.deps.db
      .select({ email: orders.buyerEmail, n: sql<number>`COUNT(*)` })
      .from(orders)
      .where(and(eq(orders.eventId, event.id), eq(orders.status, "pending")))
      .groupBy(orders.buyerEmail);
    expect(Math.max(...holds.map((h) => Number(h.n)))).toBeGreaterThan(1);
  });
});
