import { type Order, PublishRequestSchema, type TicketedEvent, type TicketType } from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { onWorker } from "../../../../test/runtimes.js";

/**
 * The checkout's guarded batch uses SQL the in-process tests only run on libSQL: INSERT … SELECT
 * guarded by NOT EXISTS over an inline VALUES table, counter updates over subqueries, and the
 * stock message built with json_object / json_group_array inside the transaction. This runs
 * simultaneous checkouts on the Worker under `wrangler dev` with D1: exactly the stock is sold,
 * and the room receives the remaining stock the last write left.
 */

const { api, rooms, send, ok, signUp } = onWorker();

describe("checkout on Workers with D1", () => {
  it("simultaneous checkouts sell exactly the stock of a type, a shared quota and the capacity; the room hears the stock", async () => {
    const { secret } = await signUp("D1 Tickets");
    const event = await ok<TicketedEvent>(
      send("POST", "/v1/events", secret, {
        title: "D1 night",
        timeZone: "Europe/Lisbon",
        startsAt: "2030-07-02T19:30:00.000Z",
        endsAt: "2030-07-02T22:30:00.000Z",
        currency: "EUR",
        capacity: 12,
      }),
      201,
    );
    await ok(send("POST", `/v1/events/${event.id}/publish`, secret), 200);
    const type = (body: Record<string, unknown>) =>
      ok<TicketType>(send("POST", `/v1/events/${event.id}/ticket-types`, secret, { price: 1500, currency: "EUR", ...body }), 201);
    const small = await type({ name: "Small", quantity: 3 });
    const adult = await type({ name: "Adult" });
    const child = await type({ name: "Child" });
    await ok(send("POST", `/v1/events/${event.id}/quotas`, secret, { name: "Hall", size: 4, ticketTypeIds: [adult.id, child.id] }), 201);
    const open = await type({ name: "Open" });

    const buy = (ticketTypeId: string, i: number) =>
      send<Order & { code?: string }>("POST", `/v1/events/${event.id}/orders`, secret, {
        buyer: { name: `Buyer ${i}`, email: `b${i}@example.com` },
        lines: [{ ticketTypeId, quantity: 1 }],
      });
    const race = async (typeIds: string[], n: number) => {
      const answers = await Promise.all(Array.from({ length: n }, (_, i) => buy(typeIds[i % typeIds.length] as string, i)));
      const refused = answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`);
      expect(new Set(refused)).toEqual(new Set(refused.length ? ["409 sold_out"] : []));
      return answers.filter((r) => r.status === 201).length;
    };
    // One order paid through the local provider's checkout page: the payment batch (event recorded,
    // order paid, tickets issued in chunks, each guarded by changes()) on D1.
    const first = await ok<Order>(buy(small.id, 999), 201);
    const page = new URL(first.payment?.checkoutUrl ?? "");
    const form = new URLSearchParams({ token: page.searchParams.get("token") ?? "", outcome: "pay" });
    for (let i = 0; i < 2; i++) {
      const paid = await fetch(`${api().baseUrl}/v1/payments/local/checkout`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
      expect(paid.status).toBe(200);
    }
    const confirmed = await ok<Order>(send("GET", `/v1/orders/${first.id}`, secret), 200);
    expect(confirmed.status).toBe("paid");
    expect(confirmed.tickets).toHaveLength(1);
    expect(await race([small.id], 30)).toBe(2); // the rest of the type's quantity (3)
    expect(await race([adult.id, child.id], 30)).toBe(4); // the shared quota
    expect(await race([open.id], 30)).toBe(5); // what the capacity (12) leaves

    const types = await ok<{ data: TicketType[] }>(send("GET", `/v1/events/${event.id}/ticket-types`, secret), 200);
    expect(types.data.map((x) => [x.name, x.remaining])).toEqual([
      ["Small", 0],
      ["Adult", 0],
      ["Child", 0],
      ["Open", 0],
    ]);
    expect((await ok<TicketedEvent>(send("GET", `/v1/events/${event.id}`, secret), 200)).availability).toBe("sold_out");

    // The room's last stock message says what the last write left: nothing.
    const stock = () =>
      rooms()
        .publishes.filter((p) => p.accepted)
        .map((p) => PublishRequestSchema.parse(JSON.parse(p.body)))
        .filter((p) => p.room === `event:${event.id}` && p.event.type === "event.stock_changed")
        .sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
    const deadline = Date.now() + 60_000;
    const soldOut = (p: ReturnType<typeof stock>[number] | undefined) =>
      p?.event.type === "event.stock_changed" &&
      p.event.data.ticketTypes.length === 4 &&
      p.event.data.ticketTypes.every((x) => x.remaining === 0);
    while (!soldOut(stock().at(-1)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(stock().at(-1)?.event).toEqual({
      type: "event.stock_changed",
      data: { eventId: event.id, ticketTypes: [small, adult, child, open].map((x) => ({ id: x.id, remaining: 0 })) },
    });
  }, 180_000);

  it("check-in, discount uses, QR codes and refunds on D1: one check-in of many scans, exactly maxUses, an SVG, a refund that voids", async () => {
    const { secret } = await signUp("D1 Door");
    const event = await ok<TicketedEvent>(
      send("POST", "/v1/events", secret, {
        title: "D1 door",
        timeZone: "Europe/Lisbon",
        startsAt: "2030-07-02T19:30:00.000Z",
        endsAt: "2030-07-02T22:30:00.000Z",
        currency: "EUR",
      }),
      201,
    );
    await ok(send("POST", `/v1/events/${event.id}/publish`, secret), 200);
    const paidType = await ok<TicketType>(
      send("POST", `/v1/events/${event.id}/ticket-types`, secret, { name: "Paid", price: 1500, currency: "EUR" }),
      201,
    );
    await ok(
      send("POST", `/v1/events/${event.id}/discount-codes`, secret, { code: "D1HALF", kind: "percent", value: 50, maxUses: 3 }),
      201,
    );
    const buy = (i: number, discountCode?: string) =>
      send<Order & { code?: string }>("POST", `/v1/events/${event.id}/orders`, secret, {
        buyer: { name: `Buyer ${i}`, email: `d${i}@example.com` },
        lines: [{ ticketTypeId: paidType.id, quantity: 1 }],
        ...(discountCode ? { discountCode } : {}),
      });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(i, "D1HALF")));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(3);
    expect(new Set(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(["409 discount_code_exhausted"]),
    );

    // Pay one order through the local checkout page: its ticket, QR code, check-in and refund.
    const order = await ok<Order>(buy(100), 201);
    const page = new URL(order.payment?.checkoutUrl ?? "");
    const form = new URLSearchParams({ token: page.searchParams.get("token") ?? "", outcome: "pay" });
    const paid = await fetch(`${api().baseUrl}/v1/payments/local/checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(paid.status).toBe(200);
    const mine = await ok<Order>(send("GET", `/v1/buyer/orders/${order.id}?token=${order.buyerToken}`, null), 200);
    expect(mine.status).toBe("paid");
    const ticket = mine.tickets[0];
    const qr = await fetch(`${api().baseUrl}${new URL(ticket?.qrUrl ?? "").pathname}${new URL(ticket?.qrUrl ?? "").search}`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get("content-type")).toContain("image/svg+xml");
    expect((await qr.text()).startsWith("<svg")).toBe(true);

    const list = await ok<{ id: string }>(send("POST", `/v1/events/${event.id}/checkin-lists`, secret, { name: "Door" }), 201);
    const scans = await Promise.all(
      Array.from({ length: 20 }, () =>
        send<{ code?: string }>("POST", `/v1/checkin-lists/${list.id}/checkins`, secret, { code: ticket?.code }),
      ),
    );
    expect(scans.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(scans.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(["409 already_checked_in"]),
    );

    await ok(send("POST", `/v1/orders/${order.id}/refunds`, secret, {}), 201);
    const refunded = await ok<Order>(send("GET", `/v1/orders/${order.id}`, secret), 200);
    expect(refunded).toMatchObject({ status: "refunded", amountRefunded: order.total });
    expect(refunded.tickets.map((x) => x.status)).toEqual(["void"]);
  }, 180_000);
});
