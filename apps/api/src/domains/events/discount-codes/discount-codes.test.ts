import type { DiscountCode, Order } from "@gatherkit/core";
import { discountCodes, orders } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, TEST_ORIGIN, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, monotonicNow, type TestApp } from "../../../../test/harness.js";
import { releaseExpiredHolds } from "../index.js";

let offset = 0;
const base = monotonicNow();
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs({ now: () => base() + offset }));
});
afterAll(() => t.close());

const newCode = async (eventId: string, body: Record<string, unknown>) =>
  expectStatus<DiscountCode>(await call(t, "POST", `/v1/events/${eventId}/discount-codes`, { token: a.secretKey, body }), 201);
const buy = (eventId: string, lines: { ticketTypeId: string; quantity: number }[], discountCode?: string) =>
  call(t, "POST", `/v1/events/${eventId}/orders`, {
    token: a.publishableKey,
    headers: { origin: TEST_ORIGIN },
    body: { buyer: { name: "Ada", email: "ada@example.com" }, lines, ...(discountCode ? { discountCode } : {}) },
  });

describe("discount codes at checkout", () => {
  it("percent off the types it names, fixed off each ticket; any case; the order shows the code and what it took off", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { name: "GA", price: 2500 });
    const vip = await newTicketType(t, a, event, { name: "VIP", price: 9000 });
    const pct = await newCode(event.id, { code: "EarlyBird", kind: "percent", value: 20, ticketTypeIds: [ga.id] });
    expect(pct).toMatchObject({ code: "EARLYBIRD", kind: "percent", value: 20, ticketTypeIds: [ga.id], maxUses: null, used: 0 });
    const o1 = expectStatus<Order>(
      await buy(
        event.id,
        [
          { ticketTypeId: ga.id, quantity: 2 },
          { ticketTypeId: vip.id, quantity: 1 },
        ],
        "earlybird",
      ),
      201,
    );
    expect(o1).toMatchObject({ total: 5000 - 1000 + 9000, discount: { code: "EARLYBIRD", amount: 1000 }, status: "pending" });
    await newCode(event.id, { code: "FIVEOFF", kind: "fixed", value: 500 });
    const o2 = expectStatus<Order>(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 2 }], "fiveoff"), 201);
    expect(o2).toMatchObject({ total: 4000, discount: { code: "FIVEOFF", amount: 1000 } });
    // Without a code nothing changes.
    const o3 = expectStatus<Order>(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }]), 201);
    expect(o3).toMatchObject({ total: 2500, discount: null });
    const listed = expectStatus<{ data: DiscountCode[] }>(
      await call(t, "GET", `/v1/events/${event.id}/discount-codes`, { token: a.secretKey }),
      200,
    );
    expect(listed.data.map((d) => [d.code, d.used])).toEqual([
      ["FIVEOFF", 1],
      ["EARLYBIRD", 1],
    ]);
  });

  it("a 100% code makes the order free: confirmed at once with its tickets", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { price: 2500 });
    await newCode(event.id, { code: "GUESTLIST", kind: "percent", value: 100 });
    const order = expectStatus<Order>(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 2 }], "GUESTLIST"), 201);
    expect(order).toMatchObject({ status: "paid", total: 0, payment: null });
    expect(order.tickets).toHaveLength(2);
  });

  it("an expired hold gives its use back", async () => {
    const event = await newEvent(t, a, { holdMinutes: 1 });
    const ga = await newTicketType(t, a, event, { price: 2500 });
    await newCode(event.id, { code: "ONCE", kind: "percent", value: 10, maxUses: 1 });
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "ONCE"), 201);
    expectProblem(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "ONCE"), 409, "discount_code_exhausted");
    offset += 61_000;
    await releaseExpiredHolds(t.deps, event.id);
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "ONCE"), 201);
  });

  it("bad codes: unknown, outside its window, not for these types, exhausted; nothing is held", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { price: 2500, quantity: 5 });
    const vip = await newTicketType(t, a, event, { price: 9000 });
    await newCode(event.id, { code: "LATER", kind: "percent", value: 10, validFrom: "2099-01-01T00:00:00Z" });
    await newCode(event.id, { code: "GONE", kind: "percent", value: 10, validUntil: "2001-01-01T00:00:00Z" });
    await newCode(event.id, { code: "VIPONLY", kind: "fixed", value: 100, ticketTypeIds: [vip.id] });
    const line = [{ ticketTypeId: ga.id, quantity: 1 }];
    expectProblem(await buy(event.id, line, "NOPE"), 422, "discount_code_invalid");
    expectProblem(await buy(event.id, line, "LATER"), 409, "discount_code_not_valid_now");
    expectProblem(await buy(event.id, line, "GONE"), 409, "discount_code_not_valid_now");
    expectProblem(await buy(event.id, line, "VIPONLY"), 422, "discount_code_not_applicable");
    expectProblem(await buy(event.id, line, "bad code!"), 400, "validation_failed");
    const other = await newEvent(t, a);
    await newCode(other.id, { code: "OTHEREVENT", kind: "percent", value: 10 });
    expectProblem(await buy(event.id, line, "OTHEREVENT"), 422, "discount_code_invalid");
    const types = expectStatus<{ data: { id: string; remaining: number }[] }>(
      await call(t, "GET", `/v1/events/${event.id}/ticket-types`, { token: a.secretKey }),
      200,
    );
    expect(types.data.find((x) => x.id === ga.id)?.remaining).toBe(5);
  });

  it("creating: owners and admins only, codes unique per event, percent at most 100, types of the event; others see 404", async () => {
    const event = await newEvent(t, a);
    const foreign = await newTicketType(t, a, await newEvent(t, a));
    await newCode(event.id, { code: "DUP", kind: "percent", value: 5 });
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/discount-codes`, {
        token: a.secretKey,
        body: { code: "dup", kind: "fixed", value: 5 },
      }),
      409,
      "discount_code_exists",
    );
    const bad = (body: Record<string, unknown>) => call(t, "POST", `/v1/events/${event.id}/discount-codes`, { token: a.secretKey, body });
    expectProblem(await bad({ code: "P", kind: "percent", value: 5 }), 400, "validation_failed");
    expectProblem(await bad({ code: "PCT", kind: "percent", value: 101 }), 400, "validation_failed");
    expectProblem(await bad({ code: "ZERO", kind: "fixed", value: 0 }), 400, "validation_failed");
    expectProblem(
      await bad({ code: "WIN", kind: "fixed", value: 5, validFrom: "2030-01-02T00:00:00Z", validUntil: "2030-01-01T00:00:00Z" }),
      400,
      "validation_failed",
    );
    expectProblem(await bad({ code: "FOREIGN", kind: "fixed", value: 5, ticketTypeIds: [foreign.id] }), 422, "unknown_ticket_type");
    const staff = await addMember(t, a, "staff");
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/discount-codes`, {
        token: staff.accessToken,
        body: { code: "STAFF", kind: "fixed", value: 5 },
      }),
      403,
      "permission_denied",
    );
    expectProblem(
      await call(t, "GET", `/v1/events/${event.id}/discount-codes`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/discount-codes`, { token: b.secretKey }), 404, "not_found");
  });
});

describe("uses are counted atomically, like stock", () => {
  it("a code with 5 uses, 40 simultaneous checkouts with it: exactly 5 get it, 35 answer 409 discount_code_exhausted (three rounds)", async () => {
    for (let round = 0; round < 3; round++) {
      const event = await newEvent(t, a);
      const ga = await newTicketType(t, a, event, { price: 2500, maxPerOrder: 1 });
      const code = await newCode(event.id, { code: `RACE${round}`, kind: "percent", value: 50, maxUses: 5 });
      const answers = await Promise.all(Array.from({ length: 40 }, () => buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], code.code)));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
      for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 409, "discount_code_exhausted");
      // The rows, not the counter: orders sold with the code.
      expect(await t.deps.db.$count(orders, eq(orders.discountCodeId, code.id))).toBe(5);
      const listed = expectStatus<{ data: DiscountCode[] }>(
        await call(t, "GET", `/v1/events/${event.id}/discount-codes`, { token: a.secretKey }),
        200,
      );
      expect(listed.data[0]?.used).toBe(5);
    }
  });
});

describe("deactivating, deleting and listing codes", () => {
  const path = (eventId: string, id = "") => `/v1/events/${eventId}/discount-codes${id ? `/${id}` : ""}`;

  it("a deactivated code is refused at checkout (422 discount_code_inactive), keeps its uses, and can be reactivated; only owners and admins", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { price: 2500 });
    const code = await newCode(event.id, { code: "PAUSE", kind: "percent", value: 10 });
    expect(code.active).toBe(true);
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "pause"), 201);
    const off = expectStatus<DiscountCode>(
      await call(t, "PATCH", path(event.id, code.id), { token: a.secretKey, body: { active: false } }),
      200,
    );
    expect(off).toMatchObject({ active: false, used: 1 });
    expectProblem(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "pause"), 422, "discount_code_inactive");
    expectStatus(await call(t, "PATCH", path(event.id, code.id), { token: a.secretKey, body: { active: true } }), 200);
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "pause"), 201);
    const staff = await addMember(t, a, "staff");
    expectProblem(
      await call(t, "PATCH", path(event.id, code.id), { token: staff.accessToken, body: { active: false } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "PATCH", path(event.id, code.id), { token: b.secretKey, body: { active: false } }), 404, "not_found");
    expectProblem(
      await call(t, "PATCH", path(event.id, code.id), { token: a.secretKey, body: { active: "no" } }),
      400,
      "validation_failed",
    );
  });

  it("a code never used is deleted (then 404); a used one is 409 discount_code_used; the list is paginated, newest first", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { price: 2500 });
    const unused = await newCode(event.id, { code: "NEVER", kind: "fixed", value: 100 });
    const used = await newCode(event.id, { code: "ONCE", kind: "fixed", value: 100 });
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "once"), 201);
    expectProblem(await call(t, "DELETE", path(event.id, unused.id), { token: b.secretKey }), 404, "not_found");
    expect((await call(t, "DELETE", path(event.id, unused.id), { token: a.secretKey })).status).toBe(204);
    expectProblem(await call(t, "DELETE", path(event.id, unused.id), { token: a.secretKey }), 404, "not_found");
    expectProblem(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "never"), 422, "discount_code_invalid");
    expectProblem(await call(t, "DELETE", path(event.id, used.id), { token: a.secretKey }), 409, "discount_code_used");

    for (const c of ["PAGE-A", "PAGE-B", "PAGE-C"]) await newCode(event.id, { code: c, kind: "percent", value: 5 });
    const first = expectStatus<{ data: DiscountCode[]; nextCursor: string | null }>(
      await call(t, "GET", `${path(event.id)}?limit=2`, { token: a.secretKey }),
      200,
    );
    expect(first.data.map((d) => d.code)).toEqual(["PAGE-C", "PAGE-B"]);
    const second = expectStatus<{ data: DiscountCode[]; nextCursor: string | null }>(
      await call(t, "GET", `${path(event.id)}?limit=2&cursor=${first.nextCursor}`, { token: a.secretKey }),
      200,
    );
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.data.map((d) => d.code)).toEqual(["PAGE-A", "ONCE"]);
  });

  /** Orders holding the code, from the order rows. */
  const holding = async (codeId: string) =>
    (
      await t.deps.db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.discountCodeId, codeId), eq(orders.status, "pending")))
    ).length;

  it("deleting while 20 checkouts take the code: it is either deleted with no order holding it, or kept and counted (five rounds); the control (a delete without the used = 0 guard) strands orders", async () => {
    for (let round = 0; round < 5; round++) {
      const event = await newEvent(t, a);
      const ga = await newTicketType(t, a, event, { price: 2500 });
      const code = await newCode(event.id, { code: `RACE-${round}`, kind: "percent", value: 10 });
      const [gone, ...bought] = await Promise.all([
        call(t, "DELETE", path(event.id, code.id), { token: a.secretKey }),
        ...Array.from({ length: 20 }, () => buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], code.code)),
      ]);
      const took = bought.filter((r) => r.status === 201).length;
      const [row] = await t.deps.db.select().from(discountCodes).where(eq(discountCodes.id, code.id));
      if (gone!.status === 204) {
        expect(row, "deleted").toBeUndefined();
        expect(await holding(code.id), "no order holds a deleted code").toBe(0);
      } else {
        expectProblem(gone!, 409, "discount_code_used");
        expect(row?.used, "its uses are the orders holding it").toBe(await holding(code.id));
        expect(took).toBe(row?.used);
      }
    }
    // The control: a delete that does not check the uses, after a checkout took the code.
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { price: 2500 });
    const code = await newCode(event.id, { code: "NAIVE", kind: "percent", value: 10 });
    expectStatus(await buy(event.id, [{ ticketTypeId: ga.id, quantity: 1 }], "naive"), 201);
    await t.deps.db.delete(discountCodes).where(eq(discountCodes.id, code.id));
    expect(await holding(code.id), "the naive delete strands an order").toBe(1);
  });
});
