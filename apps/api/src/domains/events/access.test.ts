import { events, quotas, ticketTypeQuotas, ticketTypes } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newEvent, newQuota, newTicketType } from "../../../test/event-fixtures.js";
import { newOrg, secretKeyCaller, type TestOrg } from "../../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../../test/harness.js";
import { eventReads, loadEvent, loadStock } from "./access.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

describe("a checkout's reads of the event", () => {
  it("are built once per database, not per call, and read what the built-each-time queries read", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { quantity: 5 });
    const vip = await newTicketType(t, a, event, { quantity: 2 });
    await newQuota(t, a, event, 3, [ga.id, vip.id]);
    // Built (on first use) before counting.
    eventReads(t.deps);
    const db = t.deps.db;
    const select = vi.spyOn(db, "select");
    const selectDistinct = vi.spyOn(db, "selectDistinct");
    for (let i = 0; i < 3; i++) {
      const { event: row } = await loadEvent(t.deps, secretKeyCaller(a), event.id);
      expect(row.id).toBe(event.id);
      const stock = await loadStock(t.deps, event.id, { firstAnswer: true });
      expect(stock.types.map((x) => x.id)).toEqual([ga.id, vip.id]);
      expect(await eventReads(t.deps).waited.all({ eventId: event.id })).toEqual([]);
    }
    expect(select).not.toHaveBeenCalled();
    expect(selectDistinct).not.toHaveBeenCalled();
    select.mockRestore();
    selectDistinct.mockRestore();
    // The same rows as the queries built each time (and as the one-transaction read).
    const stock = await loadStock(t.deps, event.id, { firstAnswer: true });
    expect(stock).toEqual(await loadStock(t.deps, event.id));
    expect(stock.types).toEqual(
      await db
        .select()
        .from(ticketTypes)
        .where(eq(ticketTypes.eventId, event.id))
        .orderBy(asc(ticketTypes.sortOrder), asc(ticketTypes.createdAt)),
    );
    expect(stock.quotas).toEqual(await db.select().from(quotas).where(eq(quotas.eventId, event.id)));
    expect(stock.quotasOfType.get(ga.id)).toHaveLength(1);
    expect((await db.select().from(ticketTypeQuotas)).length).toBeGreaterThanOrEqual(2);
    const [fresh] = await db.select().from(events).where(eq(events.id, event.id));
    expect((await loadEvent(t.deps, secretKeyCaller(a), event.id)).event).toEqual(fresh);
  });

  it("still find another organization's event not found (the placeholders bind the caller's organization)", async () => {
    const event = await newEvent(t, a);
    await expect(loadEvent(t.deps, secretKeyCaller(b), event.id)).rejects.toMatchObject({ status: 404 });
    expect((await loadEvent(t.deps, secretKeyCaller(a), event.id)).event.id).toBe(event.id);
  });
});
