import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_DEFAULTS } from "../../../apps/api/test/event-fixtures.js";
import { newOrg, TEST_ORIGIN, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { ConflictError, type Fetch, Gatherkit, NotFoundError, PermissionDeniedError } from "../src/index.js";

// Ticketing through the SDK against the real API in process: staff on a server set up an event,
// the host's page (publishable key) lists it and checks out until it is sold out.
const BASE = "http://api.test";
let t: TestApp;
let org: TestOrg;
let staff: Gatherkit;
let page: Gatherkit;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  staff = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: org.secretKey });
  const fromPage: Fetch = (url, init) =>
    t.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), origin: TEST_ORIGIN } });
  page = new Gatherkit({ baseUrl: BASE, fetch: fromPage, publishableKey: org.publishableKey });
});
afterAll(() => t.close());

describe("gk.events and gk.orders", () => {
  it("staff set up an event; the page sees it once published, checks out and is told when it sold out", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS, categories: ["fado"], capacity: 3 });
    expect(event).toMatchObject({ status: "draft", availability: "not_yet_on_sale" });
    await expect(page.events.retrieve(event.id)).rejects.toBeInstanceOf(NotFoundError);
    const ga = await staff.events.ticketTypes.create(event.id, { name: "General", price: 2500, currency: "EUR", quantity: 10 });
    const friends = await staff.events.ticketTypes.create(event.id, {
      name: "Friends",
      price: 1000,
      currency: "EUR",
      hidden: true,
      accessCode: "FADO-FRIENDS",
    });
    const quota = await staff.events.quotas.create(event.id, { name: "Hall", size: 3, ticketTypeIds: [ga.id, friends.id] });
    expect((await staff.events.quotas.list(event.id)).map((q) => q.id)).toEqual([quota.id]);
    await staff.events.publish(event.id);

    expect((await page.events.list({ category: "fado" })).data.map((e) => e.id)).toEqual([event.id]);
    expect((await page.events.ticketTypes.list(event.id)).map((x) => x.name)).toEqual(["General"]);
    expect((await page.events.ticketTypes.list(event.id, { accessCode: "fado-friends" })).map((x) => x.name)).toEqual([
      "General",
      "Friends",
    ]);

    const order = await page.events.orders.create(event.id, {
      buyer: { name: "Grace", email: "grace@example.com" },
      lines: [{ ticketTypeId: ga.id, quantity: 2 }],
    });
    expect(order).toMatchObject({ status: "pending", total: 5000, currency: "EUR" });
    const refused = await page.events.orders
      .create(event.id, { buyer: { name: "Ada", email: "ada@example.com" }, lines: [{ ticketTypeId: ga.id, quantity: 2 }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).code).toBe("sold_out");
    expect((await page.events.retrieve(event.id)).remaining).toBe(1);

    expect((await staff.orders.retrieve(order.id)).id).toBe(order.id);
    const listed: string[] = [];
    for await (const o of staff.events.orders.list(event.id)) listed.push(o.id);
    expect(listed).toEqual([order.id]);
    await expect(page.orders.retrieve(order.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    // The buyer reads their own order with the token from the checkout answer (no credential needed); a wrong token reads nothing.
    expect(await page.orders.retrieveAsBuyer(order.id, order.buyerToken!)).toMatchObject({ id: order.id, status: "pending" });
    await expect(page.orders.retrieveAsBuyer(order.id, `${order.buyerToken}x`)).rejects.toMatchObject({ status: 404 });
    expect((await staff.orders.cancel(order.id)).status).toBe("cancelled");
    expect((await page.events.retrieve(event.id)).remaining).toBe(3);

    expect((await staff.events.update(event.id, { title: "Fado, again" })).title).toBe("Fado, again");
    await staff.events.ticketTypes.update(event.id, ga.id, { maxPerOrder: 3 });
    // The quota renamed and resized, then deleted: its types no longer draw on it.
    expect(await staff.events.quotas.update(event.id, quota.id, { name: "Balcony", size: 2 })).toMatchObject({
      name: "Balcony",
      size: 2,
      remaining: 2,
    });
    await staff.events.quotas.del(event.id, quota.id);
    expect(await staff.events.quotas.list(event.id)).toEqual([]);
    await expect(staff.events.quotas.del(event.id, quota.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await staff.events.unpublish(event.id)).status).toBe("unpublished");
    expect((await staff.events.cancel(event.id)).status).toBe("cancelled");
  });
});

describe("gk.events.discountCodes, checkinLists, analytics and gk.orders.refunds", () => {
  it("staff make a code the page uses, check the tickets in (typed and undone), refund an order and read the figures", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS, title: "Fado, with codes" });
    const ga = await staff.events.ticketTypes.create(event.id, { name: "General", price: 2000, currency: "EUR", quantity: 10 });
    await staff.events.publish(event.id);
    const code = await staff.events.discountCodes.create(event.id, { code: "FADO10", kind: "percent", value: 10, maxUses: 5 });
    expect((await staff.events.discountCodes.list(event.id)).data.map((d) => d.id)).toEqual([code.id]);
    const spare = await staff.events.discountCodes.create(event.id, { code: "SPARE", kind: "fixed", value: 100 });
    expect((await staff.events.discountCodes.update(event.id, spare.id, { active: false })).active).toBe(false);
    await staff.events.discountCodes.del(event.id, spare.id);
    expect((await staff.events.discountCodes.list(event.id)).data.map((d) => d.id)).toEqual([code.id]);

    const order = await page.events.orders.create(event.id, {
      buyer: { name: "Grace", email: "grace@example.com" },
      lines: [{ ticketTypeId: ga.id, quantity: 2 }],
      discountCode: "fado10",
    });
    expect(order.total).toBe(3600);
    // The local provider's checkout page pays it (what a tester clicks in pnpm dev).
    const token = new URL(order.payment!.checkoutUrl!).searchParams.get("token")!;
    await t.fetch(`${BASE}/v1/payments/local/checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, outcome: "pay" }).toString(),
    });
    const paid = await staff.orders.retrieve(order.id);
    expect(paid.status).toBe("paid");

    const list = await staff.events.checkinLists.create(event.id, { name: "Door" });
    expect(list.qrPublicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await staff.events.checkinLists.list(event.id)).map((l) => l.id)).toEqual([list.id]);
    const first = await staff.events.checkinLists.checkIn(list.id, paid.tickets[0]!.code.toLowerCase());
    expect(first.target).toMatchObject({ type: "ticket", code: paid.tickets[0]!.code });
    const twice = await staff.events.checkinLists.checkIn(list.id, paid.tickets[0]!.code).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(ConflictError);
    expect((twice as ConflictError).code).toBe("already_checked_in");
    const inside: string[] = [];
    for await (const c of staff.events.checkinLists.checkins(list.id)) inside.push(c.id);
    expect(inside).toEqual([first.id]);
    expect((await staff.events.checkinLists.undo(list.id, first.id)).undoneAt).not.toBeNull();
    expect((await staff.events.checkinLists.retrieve(list.id)).checkedIn).toBe(0);
    await staff.events.checkinLists.checkIn(list.id, paid.tickets[1]!.code);

    const refund = await staff.orders.refunds.create(order.id, { amount: 1000, reason: "one seat" });
    expect(refund).toMatchObject({ orderId: order.id, amount: 1000, status: "succeeded" });
    expect((await staff.orders.refunds.list(order.id)).map((r) => r.id)).toEqual([refund.id]);
    expect((await staff.orders.retrieve(order.id)).status).toBe("partially_refunded");

    const figures = await staff.events.analytics(event.id);
    expect(figures).toMatchObject({ eventId: event.id });
    expect(JSON.stringify(figures)).toContain("FADO10");
    await expect(page.events.analytics(event.id)).rejects.toBeInstanceOf(PermissionDeniedError);

    // A sold-out type's waiting list: the page joins it, staff list it.
    const last = await staff.events.ticketTypes.create(event.id, { name: "Last", price: 0, currency: "EUR", quantity: 1 });
    await page.events.orders.create(event.id, {
      buyer: { name: "Lin", email: "lin@example.com" },
      lines: [{ ticketTypeId: last.id, quantity: 1 }],
    });
    const entry = await page.events.ticketTypes.joinWaitlist(event.id, last.id, { name: "Ada", email: "ada@example.com" });
    expect(entry).toMatchObject({ status: "waiting", quantity: 1 });
    expect((await staff.events.ticketTypes.waitlist(event.id)).data.map((e) => e.id)).toEqual([entry.id]);
    // Ada leaves with her own token (from a client with only the page's key); leaving again is the same.
    expect((await page.events.ticketTypes.leaveWaitlist(entry.id, { token: entry.leaveToken })).status).toBe("left");
    expect((await page.events.ticketTypes.leaveWaitlist(entry.id, { token: entry.leaveToken })).status).toBe("left");
    // Staff remove an entry without a token.
    const bo = await page.events.ticketTypes.joinWaitlist(event.id, last.id, { name: "Bo", email: "bo@example.com" });
    expect((await staff.events.ticketTypes.leaveWaitlist(bo.id)).status).toBe("left");
  });
});
