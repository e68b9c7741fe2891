import { newId } from "@gatherkit/core";
import { orderLines, orders } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, newEvent, newQuota, newTicketType } from "../../../../test/event-fixtures.js";
import { newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

/**
 * Oversell, pretix-style: 200 buyers check out at the same moment against a small stock, many
 * times over; exactly the stock is sold, everyone else is told `sold_out`, and nothing fails.
 * What was sold is counted from the order rows, not from the counters the write maintains.
 * The control runs the same race against a naive checkout (read the stock, then write) and
 * shows this test would catch it. (Without the guard in the checkout's INSERT, i.e. with only
 * the CHECK constraints left, the same test fails too: the overshooting batches answer 500.)
 */

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const BUYERS = 200;

/** Tickets held or sold of `typeIds`, from the order rows. */
async function taken(typeIds: string[]): Promise<number> {
  const [row] = await t.deps.db
    .select({ n: sql<number>`COALESCE(SUM(${orderLines.quantity}), 0)` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(sql`${orderLines.ticketTypeId} IN ${typeIds} AND ${orders.status} IN ('pending', 'paid')`);
  return Number(row?.n ?? 0);
}

interface Race {
  statuses: number[];
  codes: string[];
  sold: number;
}

/** The outcome must be: exactly `stock` tickets taken, one 201 per ticket, every other answer 409 sold_out. */
function expectExactlySold(race: Race, stock: number) {
  expect(race.sold, "tickets taken").toBe(stock);
  expect(race.statuses.filter((s) => s === 201).length, "checkouts accepted").toBe(stock);
  const refused = race.statuses.map((s, i) => `${s} ${race.codes[i]}`).filter((s) => !s.startsWith("201"));
  expect(new Set(refused), "every refusal is 409 sold_out").toEqual(new Set(refused.length ? ["409 sold_out"] : []));
}

async function race(eventId: string, typeIds: string[]): Promise<Race> {
  const answers = await Promise.all(
    Array.from({ length: BUYERS }, (_, i) =>
      checkoutRequest(t, org, { id: eventId }, [{ ticketTypeId: typeIds[i % typeIds.length] as string, quantity: 1 }], {
        email: `buyer${i}@example.com`,
      }),
    ),
  );
  return { statuses: answers.map((r) => r.status), codes: answers.map((r) => String(r.body?.code ?? "")), sold: await taken(typeIds) };
}

describe("200 simultaneous checkouts never oversell", () => {
  for (const stock of [1, 10, 50]) {
    it(`a ticket type's quantity of ${stock}, three times`, async () => {
      for (let round = 0; round < 3; round++) {
        const event = await newEvent(t, org);
        const type = await newTicketType(t, org, event, { quantity: stock });
        expectExactlySold(await race(event.id, [type.id]), stock);
      }
    });

    it(`a quota of ${stock} shared by two types, twice`, async () => {
      for (let round = 0; round < 2; round++) {
        const event = await newEvent(t, org);
        const types = [await newTicketType(t, org, event, { name: "Adult" }), await newTicketType(t, org, event, { name: "Child" })];
        await newQuota(
          t,
          org,
          event,
          stock,
          types.map((x) => x.id),
        );
        expectExactlySold(
          await race(
            event.id,
            types.map((x) => x.id),
          ),
          stock,
        );
      }
    });

    it(`an event capacity of ${stock} over two unlimited types, twice`, async () => {
      for (let round = 0; round < 2; round++) {
        const event = await newEvent(t, org, { capacity: stock });
        const types = [await newTicketType(t, org, event, { name: "Early" }), await newTicketType(t, org, event, { name: "Late" })];
        expectExactlySold(
          await race(
            event.id,
            types.map((x) => x.id),
          ),
          stock,
        );
      }
    });
  }
});

describe("control: the same race catches a checkout that reads the stock, then writes", () => {
  /** The naive checkout: read what is left over the API, then write the order if there seemed to be room. */
  async function naiveCheckout(eventId: string, typeId: string, stock: number): Promise<{ status: number; body: { code?: string } }> {
    const list = await call(t, "GET", `/v1/events/${eventId}/ticket-types`, {
      token: org.publishableKey,
      headers: { origin: TEST_ORIGIN },
    });
    const left = stock - (await taken([typeId]));
    if (list.status !== 200 || left < 1) return { status: 409, body: { code: "sold_out" } };
    const id = newId("order");
    const now = t.deps.now();
    await t.deps.db.batch([
      t.deps.db.insert(orders).values({
        id,
        orgId: org.org.id,
        eventId,
        status: "pending",
        buyerName: "Naive",
        buyerEmail: "naive@example.com",
        total: 0,
        currency: "EUR",
        quantity: 1,
        confirmationCode: newId("order"),
        expiresAt: now + 600_000,
        createdAt: now,
        updatedAt: now,
      }),
      t.deps.db
        .insert(orderLines)
        .values({ id: newId("orderLine"), orgId: org.org.id, orderId: id, ticketTypeId: typeId, quantity: 1, unitPrice: 0 }),
    ]);
    return { status: 201, body: {} };
  }

  it("oversells, and expectExactlySold says so", async () => {
    const stock = 10;
    const event = await newEvent(t, org);
    const type = await newTicketType(t, org, event);
    const answers = await Promise.all(Array.from({ length: BUYERS }, () => naiveCheckout(event.id, type.id, stock)));
    const outcome: Race = {
      statuses: answers.map((r) => r.status),
      codes: answers.map((r) => r.body.code ?? ""),
      sold: await taken([type.id]),
    };
    expect(outcome.sold).toBeGreaterThan(stock);
    expect(() => expectExactlySold(outcome, stock)).toThrow();
  });
});
