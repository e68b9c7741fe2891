import { newConfirmationCode, newId } from "@gatherkit/core";
import { events, orderLines, orders, outbox, ticketTypes } from "@gatherkit/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../../../test/harness.js";
import type { OrderRow } from "../holds.js";
import { type Fresh, freshIds, holdBatch, holdStatements } from "./hold-statements.js";
import type { Request } from "./order-request.js";

/**
 * A checkout's hold is written by statements built once and filled per checkout (`holdBatch`),
 * and by the same code building them with values (`holdStatements`) for free orders and
 * waiting-list offers. Both must write the same thing: the same order, line, counters and stock
 * message, and nothing when there is no room.
 */
let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

async function setUp(quantity: number) {
  const created = await newEvent(t, org, { capacity: 100 });
  const type = await newTicketType(t, org, created, { quantity });
  const [event] = await t.deps.db.select().from(events).where(eq(events.id, created.id));
  const [typeRow] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, type.id));
  if (!event || !typeRow) throw new Error("the event was not written");
  return { event, typeRow };
}

function order(r: Request, buyer: string, now = t.deps.now()): OrderRow {
  return {
    id: newId("order"),
    orgId: r.event.orgId,
    eventId: r.event.id,
    status: "pending",
    buyerName: buyer,
    buyerEmail: `${buyer.toLowerCase()}@example.com`,
    total: r.total,
    currency: r.event.currency,
    quantity: r.quantity,
    confirmationCode: newConfirmationCode(),
    expiresAt: now + 600_000,
    releaseToken: null,
    createdAt: now,
    updatedAt: now,
    paidAt: null,
    cancelledAt: null,
    paymentIntentId: `pi_local_${newId("order")}`,
    amountRefunded: 0,
    discountCodeId: null,
    discountCode: null,
    discountAmount: 0,
  };
}

/** What a hold wrote, without the ids and codes each hold draws for itself. */
async function written(row: OrderRow, fresh: Fresh) {
  const [o] = await t.deps.db.select().from(orders).where(eq(orders.id, row.id));
  const lines = await t.deps.db.select().from(orderLines).where(eq(orderLines.orderId, row.id));
  const messages = await t.deps.db.select().from(outbox).where(eq(outbox.id, fresh.stockMessage.id));
  const same = <T extends object>(x: T | undefined, ...drop: (keyof T)[]) =>
    x && Object.fromEntries(Object.entries(x).filter(([k]) => !drop.includes(k as keyof T)));
  return {
    order: same(o, "id", "confirmationCode", "paymentIntentId", "buyerName", "buyerEmail"),
    lines: lines.map((l) => same(l, "id", "orderId")),
    // What the hold wrote; the deliverer may be sending it meanwhile (attempts, claim, sentAt).
    messages: messages.map((m) => ({
      ...same(m, "id", "attempts", "claimedBy", "nextAttemptAt", "sentAt", "lastError"),
      payload: m.payload as unknown as { event: { data: { ticketTypes: { remaining: number }[] } } },
    })),
  };
}

describe("a hold's statements, built once or each time", () => {
  it("write the same order, line, counters and stock message", async () => {
    const { event, typeRow } = await setUp(10);
    const r: Request = { event, lines: [{ type: typeRow, quantity: 2 }], quantity: 2, total: 5000, discount: null };
    const now = t.deps.now();
    const [a, b] = [order(r, "Ada", now), order(r, "Bob", now)];
    const [freshA, freshB] = [freshIds(t.deps, r, a), freshIds(t.deps, r, b)];
    freshB.stockMessage.now = freshA.stockMessage.now;
    const [builtA] = await t.deps.db.batch(holdStatements(t.deps, r, a, null, undefined, freshA));
    const [builtB] = await t.deps.db.batch(holdBatch(t.deps, r, b, null, freshB));
    expect(builtA.map((o) => o.id)).toEqual([a.id]);
    expect(builtB[0]).toEqual({
      ...builtA[0],
      id: b.id,
      confirmationCode: b.confirmationCode,
      paymentIntentId: b.paymentIntentId,
      buyerName: "Bob",
      buyerEmail: "bob@example.com",
    });

    const [wa, wb] = [await written(a, freshA), await written(b, freshB)];
    expect(wb.order).toEqual(wa.order);
    expect(wb.lines).toEqual(wa.lines);
    expect(wa.messages).toHaveLength(1);
    // Each message carries the stock its own write left: 8 after the first hold, 6 after the second.
    const remaining = (w: typeof wa) => w.messages[0]?.payload.event.data.ticketTypes[0]?.remaining;
    expect([remaining(wa), remaining(wb)]).toEqual([8, 6]);
    expect({ ...wb.messages[0], payload: undefined }).toEqual({ ...wa.messages[0], payload: undefined });

    const [typeAfter] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, typeRow.id));
    const [eventAfter] = await t.deps.db.select().from(events).where(eq(events.id, event.id));
    expect([typeAfter?.quantityUsed, eventAfter?.capacityUsed]).toEqual([4, 4]);
  });

  it("write nothing, either way, when the stock is short", async () => {
    const { event, typeRow } = await setUp(3);
    const r: Request = { event, lines: [{ type: typeRow, quantity: 4 }], quantity: 4, total: 10000, discount: null };
    const [a, b] = [order(r, "Ada"), order(r, "Bob")];
    const [freshA, freshB] = [freshIds(t.deps, r, a), freshIds(t.deps, r, b)];
    const [builtA] = await t.deps.db.batch(holdStatements(t.deps, r, a, null, undefined, freshA));
    const [builtB] = await t.deps.db.batch(holdBatch(t.deps, r, b, null, freshB));
    expect([builtA, builtB]).toEqual([[], []]);
    expect(
      await t.deps.db
        .select()
        .from(orders)
        .where(inArray(orders.id, [a.id, b.id])),
    ).toEqual([]);
    expect(
      await t.deps.db
        .select()
        .from(outbox)
        .where(inArray(outbox.id, [freshA.stockMessage.id, freshB.stockMessage.id])),
    ).toEqual([]);
    const [typeAfter] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, typeRow.id));
    expect(typeAfter?.quantityUsed).toBe(0);
  });

  it("are built once per shape: the next checkouts of the same shape build nothing", async () => {
    const { event, typeRow } = await setUp(100);
    const r: Request = { event, lines: [{ type: typeRow, quantity: 1 }], quantity: 1, total: 2500, discount: null };
    await t.deps.db.batch(holdBatch(t.deps, r, order(r, "Ada"), null));
    const dialect = (t.deps.db as unknown as { dialect: { sqlToQuery: (...a: unknown[]) => unknown } }).dialect;
    const orig = dialect.sqlToQuery;
    // Statements built for this test's own batches (the outbox's deliverer builds its own meanwhile).
    let built = 0;
    const spy = vi.spyOn(dialect, "sqlToQuery").mockImplementation(function (this: unknown, ...a: unknown[]) {
      const callers = (new Error().stack ?? "").split("\n").slice(2);
      if (callers.some((l) => l.includes("hold-statements.test.ts"))) built++;
      return orig.apply(this, a);
    });
    try {
      for (const buyer of ["Bob", "Cy", "Di"]) await t.deps.db.batch(holdBatch(t.deps, r, order(r, buyer), null));
      expect(built).toBe(0);
      // control: the same hold through the builders builds every statement each time
      const row = order(r, "Eve");
      await t.deps.db.batch(holdStatements(t.deps, r, row, null, undefined, freshIds(t.deps, r, row)));
      expect(built).toBeGreaterThanOrEqual(6);
    } finally {
      spy.mockRestore();
    }
    const [typeAfter] = await t.deps.db.select().from(ticketTypes).where(eq(ticketTypes.id, typeRow.id));
    expect(typeAfter?.quantityUsed).toBe(5);
  });
});
