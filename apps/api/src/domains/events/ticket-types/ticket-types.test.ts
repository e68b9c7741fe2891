import type { Quota, TicketType } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, checkoutRequest, eventMessages, newEvent, newQuota, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const patchQuota = (org: TestOrg, eventId: string, quotaId: string, body: unknown) =>
  call(t, "PATCH", `/v1/events/${eventId}/quotas/${quotaId}`, { token: org.secretKey, body });
const deleteQuota = (org: TestOrg, eventId: string, quotaId: string) =>
  call(t, "DELETE", `/v1/events/${eventId}/quotas/${quotaId}`, { token: org.secretKey });
const quotasOf = async (eventId: string) =>
  expectStatus<{ data: Quota[] }>(await call(t, "GET", `/v1/events/${eventId}/quotas`, { token: a.secretKey }), 200).data;

describe("quotas edited and deleted", () => {
  it("renamed and resized, never below what is held or sold (409 event_has_sales); the room hears the new stock", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { quantity: 50 });
    const q = await newQuota(t, a, event, 5, [ga.id]);
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 3 }]);

    expectProblem(await patchQuota(a, event.id, q.id, { size: 2 }), 409, "event_has_sales");
    expect((await quotasOf(event.id))[0]).toMatchObject({ size: 5, used: 3 });
    expectProblem(await patchQuota(a, event.id, q.id, {}), 400, "validation_failed");
    expectProblem(await patchQuota(a, event.id, q.id, { size: -1 }), 400, "validation_failed");

    const resized = expectStatus<Quota>(await patchQuota(a, event.id, q.id, { name: "Balcony", size: 3 }), 200);
    expect(resized).toMatchObject({ id: q.id, name: "Balcony", size: 3, used: 3, remaining: 0, ticketTypeIds: [ga.id] });
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]), 409, "sold_out");
    const last = (await eventMessages(t, event)).filter((m) => m.type === "event.stock_changed").at(-1);
    expect(last).toMatchObject({ data: { ticketTypes: [{ id: ga.id, remaining: 0 }] } });
  });

  it("deleted: its ticket types no longer draw on it, what was held stays; another organization's or an unknown quota is 404", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { quantity: 10 });
    const q = await newQuota(t, a, event, 2, [ga.id]);
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]), 409, "sold_out");

    // Another organization cannot see, change or delete it.
    expectProblem(await patchQuota(b, event.id, q.id, { size: 9 }), 404, "not_found");
    expectProblem(await deleteQuota(b, event.id, q.id), 404, "not_found");
    expect(await quotasOf(event.id)).toHaveLength(1);

    expect((await deleteQuota(a, event.id, q.id)).status).toBe(204);
    expect(await quotasOf(event.id)).toEqual([]);
    const [type] = expectStatus<{ data: TicketType[] }>(
      await call(t, "GET", `/v1/events/${event.id}/ticket-types`, { token: a.secretKey }),
      200,
    ).data;
    expect(type).toMatchObject({ id: ga.id, quotaIds: [], remaining: 8 });
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]);
    expectProblem(await deleteQuota(a, event.id, q.id), 404, "not_found");
    expectProblem(await patchQuota(a, event.id, q.id, { size: 9 }), 404, "not_found");
  });

  it("its ticket types changed: of this event only (422), counted afresh and within the size (409 event_has_sales), checkouts then draw on the new set", async () => {
    const event = await newEvent(t, a);
    const ga = await newTicketType(t, a, event, { quantity: 50 });
    const vip = await newTicketType(t, a, event, { quantity: 50 });
    const other = await newTicketType(t, a, await newEvent(t, a), { quantity: 5 });
    const q = await newQuota(t, a, event, 4, [ga.id]);
    await checkout(t, a, event, [{ ticketTypeId: vip.id, quantity: 3 }]);
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 2 }]);

    expectProblem(await patchQuota(a, event.id, q.id, { ticketTypeIds: [ga.id, other.id] }), 422, "unknown_ticket_type");
    expectProblem(await patchQuota(a, event.id, q.id, { ticketTypeIds: [] }), 400, "validation_failed");
    expectProblem(await patchQuota(a, event.id, q.id, { ticketTypeIds: [ga.id, ga.id] }), 400, "validation_failed");
    // GA (2) + VIP (3) = 5 held or sold, more than 4: refused, nothing changed.
    expectProblem(await patchQuota(a, event.id, q.id, { ticketTypeIds: [ga.id, vip.id] }), 409, "event_has_sales");
    expect((await quotasOf(event.id))[0]).toMatchObject({ size: 4, used: 2, ticketTypeIds: [ga.id] });

    // With a larger size in the same request: both types draw on it, counting what they hold.
    const both = expectStatus<Quota>(await patchQuota(a, event.id, q.id, { size: 6, ticketTypeIds: [ga.id, vip.id] }), 200);
    expect(both).toMatchObject({ size: 6, used: 5, remaining: 1 });
    expect([...both.ticketTypeIds].sort()).toEqual([ga.id, vip.id].sort());
    expectProblem(await checkoutRequest(t, a, event, [{ ticketTypeId: vip.id, quantity: 2 }]), 409, "sold_out");
    await checkout(t, a, event, [{ ticketTypeId: vip.id, quantity: 1 }]);
    expect((await quotasOf(event.id))[0]).toMatchObject({ used: 6, remaining: 0 });

    // VIP only: it counts VIP's 4; GA no longer draws on it and sells again.
    const vipOnly = expectStatus<Quota>(await patchQuota(a, event.id, q.id, { ticketTypeIds: [vip.id] }), 200);
    expect(vipOnly).toMatchObject({ size: 6, used: 4, remaining: 2, ticketTypeIds: [vip.id] });
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 5 }]);
    expect((await quotasOf(event.id))[0]).toMatchObject({ used: 4 });
    const types = expectStatus<{ data: TicketType[] }>(
      await call(t, "GET", `/v1/events/${event.id}/ticket-types`, { token: a.secretKey }),
      200,
    ).data;
    expect(types.find((x) => x.id === ga.id)?.quotaIds).toEqual([]);
    expect(types.find((x) => x.id === vip.id)?.quotaIds).toEqual([q.id]);
    // Another organization cannot.
    expectProblem(await patchQuota(b, event.id, q.id, { ticketTypeIds: [ga.id] }), 404, "not_found");
  });

  it("adding a ticket type racing its checkouts never leaves more held than the size (many concurrent requests; a control without the change)", async () => {
    for (const change of [true, false]) {
      const event = await newEvent(t, a);
      const ga = await newTicketType(t, a, event, { quantity: 100 });
      const vip = await newTicketType(t, a, event, { quantity: 100 });
      const q = await newQuota(t, a, event, 5, [ga.id]);
      const buys = Array.from({ length: 8 }, () => checkoutRequest(t, a, event, [{ ticketTypeId: vip.id, quantity: 1 }]));
      const changing = change ? [patchQuota(a, event.id, q.id, { ticketTypeIds: [ga.id, vip.id] })] : [];
      const [answers, changed] = await Promise.all([Promise.all(buys), Promise.all(changing)]);
      const sold = answers.filter((r) => r.status === 201).length;
      const [after] = await quotasOf(event.id);
      expect(after?.used ?? 0).toBeLessThanOrEqual(after?.size ?? 0);
      if (!change) {
        // Without the change VIP does not draw on the quota: all 8 sell, the quota stays empty.
        expect([sold, after?.used]).toEqual([8, 0]);
      } else if (changed[0]?.status === 200) {
        // What VIP sold before the change is counted, and after it, it sells only while the quota has room.
        expect(after?.used).toBe(sold);
        expect(after?.ticketTypeIds).toContain(vip.id);
      } else {
        expectProblem(changed[0] as Awaited<(typeof changing)[number]>, 409, "event_has_sales");
        expect([sold, after?.used, after?.ticketTypeIds]).toEqual([8, 0, [ga.id]]);
      }
    }
  });

  it("a resize racing checkouts never leaves more held than the size (many concurrent requests; a control without the resize)", async () => {
    for (const resize of [true, false]) {
      const event = await newEvent(t, a);
      const ga = await newTicketType(t, a, event, { quantity: 100 });
      const q = await newQuota(t, a, event, 10, [ga.id]);
      const buys = Array.from({ length: 8 }, () => checkoutRequest(t, a, event, [{ ticketTypeId: ga.id, quantity: 1 }]));
      const resizing = resize ? [patchQuota(a, event.id, q.id, { size: 4 })] : [];
      const [answers, resized] = await Promise.all([Promise.all(buys), Promise.all(resizing)]);
      const sold = answers.filter((r) => r.status === 201).length;
      const [after] = await quotasOf(event.id);
      expect(after?.used).toBe(sold);
      expect(after?.used ?? 0).toBeLessThanOrEqual(after?.size ?? 0);
      if (!resize) expect([sold, after?.size]).toEqual([8, 10]);
      else if (resized[0]?.status === 200) expect(sold).toBeLessThanOrEqual(4);
      else expect(resized[0]?.status).toBe(409);
    }
  });
});
