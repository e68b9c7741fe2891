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

const leave = (entryId: string, auth: { token?: string; key?: string } = {}) =>
  call(t, "POST", `/v1/waitlist-entries/${entryId}/leave`, {
    ...(auth.key ? { token: auth.key } : { headers: { origin: TEST_ORIGIN } }),
    body: auth.token === undefined ? {} : { token: auth.token },
  });
type Joined = WaitlistEntry & { leaveToken: string };

describe("leaving the waiting list", () => {
  it("the entrant leaves with their token (again: the same answer); a wrong token, another organization or a page's key alone cannot; an organizer removes an entry", async () => {
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event, { price: 2500, quantity: 1 });
    await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    const ada = expectStatus<Joined>(await join(event.id, type.id, "ada-leaves@example.com"), 201);
    const bob = expectStatus<Joined>(await join(event.id, type.id, "bob-stays@example.com"), 201);
    expect(ada.leaveToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Another entry's token, a token changed in one place, no credential at all: as if it did not exist.
    expectProblem(await leave(ada.id, { token: bob.leaveToken }), 404, "not_found");
    const flipped = `${ada.leaveToken.slice(0, -1)}${ada.leaveToken.endsWith("A") ? "B" : "A"}`;
    expectProblem(await leave(ada.id, { token: flipped }), 404, "not_found");
    expectProblem(await leave("wle_00000000000000000000", { token: ada.leaveToken }), 404, "not_found");
    expectProblem(await leave(ada.id), 401, "authentication_required");
    expectProblem(await leave(ada.id, { key: org.publishableKey }), 403, "permission_denied");
    const other = await newOrg(t, { organizationName: "Other Org" });
    expectProblem(await leave(ada.id, { key: other.secretKey }), 404, "not_found");

    const left = expectStatus<WaitlistEntry>(await leave(ada.id, { token: ada.leaveToken }), 200);
    expect(left).toMatchObject({ id: ada.id, status: "left", orderId: null });
    expect(left).not.toHaveProperty("leaveToken");
    // Idempotent: the same answer, nothing else changes.
    expect(expectStatus<WaitlistEntry>(await leave(ada.id, { token: ada.leaveToken }), 200)).toEqual(left);
    // Left, she may join again (a new entry, at the back).
    const again = expectStatus<Joined>(await join(event.id, type.id, "ada-leaves@example.com"), 201);
    expect(again.id).not.toBe(ada.id);

    // The organizer removes Bob (a secret key, no token).
    expect(expectStatus<WaitlistEntry>(await leave(bob.id, { key: org.secretKey }), 200)).toMatchObject({ id: bob.id, status: "left" });
    const listed = expectStatus<Page<WaitlistEntry>>(
      await call(t, "GET", `/v1/events/${event.id}/waitlist?status=left`, { token: org.secretKey }),
      200,
    );
    expect(listed.data.map((e) => e.id).sort()).toEqual([ada.id, bob.id].sort());
  });

  it("leaving an offer (with the link from the offer email) cancels its hold and passes the ticket on; a paid offer cannot be left", async () => {
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event, { price: 2500, quantity: 1 });
    const first = await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    const cy = expectStatus<Joined>(await join(event.id, type.id, "cy-offered@example.com"), 201);
    const di = expectStatus<Joined>(await join(event.id, type.id, "di-next@example.com"), 201);
    expectStatus(await cancel(first.id), 200);
    const [cyOffered] = await entries(event.id);
    expect(cyOffered).toMatchObject({ id: cy.id, status: "offered" });

    // The offer email's order link carries a token: it is enough to leave.
    const [mail] = await outboxEmails(t, "cy-offered@example.com", "waitlist_offer");
    const link = new URL(/(http\S+\/v1\/buyer\/orders\/\S+)/.exec(mail!.text)![1]!);
    const left = expectStatus<WaitlistEntry>(await leave(cy.id, { token: link.searchParams.get("token")! }), 200);
    expect(left).toMatchObject({ status: "left", orderId: cyOffered!.orderId });
    const [hold] = await t.deps.db.select().from(orders).where(eq(orders.id, cyOffered!.orderId!));
    expect(hold?.status).toBe("cancelled");
    const [, diNow] = await entries(event.id);
    expect(diNow).toMatchObject({ id: di.id, status: "offered" });
    expect(await taken(type.id)).toBe(1);

    // Di pays: her entry is claimed and cannot be left (a refund is the way back).
    const [diMail] = await outboxEmails(t, "di-next@example.com", "waitlist_offer");
    const payToken = new URL(/(http\S+\/v1\/payments\/local\/checkout\?token=\S+)/.exec(diMail!.text)![1]!).searchParams.get("token")!;
    await t.fetch("http://api.test/v1/payments/local/checkout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: payToken, outcome: "pay" }).toString(),
    });
    expectProblem(await leave(di.id, { token: di.leaveToken }), 409, "waitlist_entry_claimed");
    const [diPaid] = await t.deps.db.select().from(orders).where(eq(orders.id, diNow!.orderId!));
    expect(diPaid?.status).toBe("paid");
  });
});

/**
 * Leaving while an offer is being made: the entrant first in line leaves at the moment the
 * ticket comes back (a cancel that offers it). Whichever write runs first, the end is the same:
 * the entrant is `left` with no live hold, the ticket is held for the next entrant, never more
 * held than exists. The control leaves naively (just marking the entry, as before this endpoint
 * could have been written) in the interleaving where the offer ran first, and the same
 * assertions catch the hold it strands.
 */
describe("leaving while an offer is made", () => {
  async function setup(tag: string) {
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event, { price: 2500, quantity: 1 });
    const sold = await checkout(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]);
    const first = expectStatus<Joined>(await join(event.id, type.id, `first-${tag}@example.com`), 201);
    const next = expectStatus<Joined>(await join(event.id, type.id, `next-${tag}@example.com`), 201);
    return { event, type, sold, first, next };
  }

  async function expectPassedOn(s: Awaited<ReturnType<typeof setup>>) {
    const [first, next] = await entries(s.event.id);
    expect(first?.status, "the one who left").toBe("left");
    const live = await t.deps.db
      .select({ email: orders.buyerEmail })
      .from(orders)
      .where(and(eq(orders.eventId, s.event.id), eq(orders.status, "pending")));
    expect(
      live.map((o) => o.email),
      "one hold, for the next entrant",
    ).toEqual([next!.email]);
    expect(next?.status).toBe("offered");
    expect(await taken(s.type.id), "never more held than exist").toBe(1);
    const [type] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, s.type.id));
    expect(type?.quantityUsed, "the counter agrees").toBe(1);
  }

  it("leave first, then the offer; the offer first, then leave", async () => {
    const a = await setup("leave-first");
    expectStatus(await leave(a.first.id, { token: a.first.leaveToken }), 200);
    expectStatus(await cancel(a.sold.id), 200);
    await expectPassedOn(a);

    const b = await setup("offer-first");
    expectStatus(await cancel(b.sold.id), 200);
    expectStatus(await leave(b.first.id, { token: b.first.leaveToken }), 200);
    await expectPassedOn(b);
  });

  it("12 times at once: the cancel that offers, the entrant leaving (twice) and more offer runs", async () => {
    for (let i = 0; i < 12; i++) {
      const s = await setup(`race-${i}`);
      const answers = await Promise.all([
        cancel(s.sold.id),
        leave(s.first.id, { token: s.first.leaveToken }),
        offerWaitlist(t.deps, s.event.id).then(() => ({ status: 200 })),
        leave(s.first.id, { token: s.first.leaveToken }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      await expectPassedOn(s);
    }
  });

  it("control: a naive leave (marking the entry only) after the offer is caught", async () => {
    const s = await setup("naive");
    expectStatus(await cancel(s.sold.id), 200);
    await t.deps.db.update(waitlistEntries).set({ status: "left" }).where(eq(waitlistEntries.id, s.first.id));
    await offerWaitlist(t.deps, s.event.id);
    await expect(expectPassedOn(s)).rejects.toThrow(/one hold, for the next entrant/);
  });
});
