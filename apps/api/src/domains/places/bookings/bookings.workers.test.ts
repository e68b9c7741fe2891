import { type Booking, type Place, PublishRequestSchema } from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { PARKING } from "../../../../test/place-fixtures.js";
import { onWorker } from "../../../../test/runtimes.js";

/**
 * The booking guard is one INSERT … SELECT … WHERE with nested scalar subqueries over aliased
 * tables, and the room's message is built with json_object in the same batch: SQL the in-process
 * tests only run on libSQL. This runs it on the Worker under `wrangler dev` with D1: concurrent
 * bookings on a 2-spot place never put 3 in at any instant, and the room hears the free capacity.
 */

const { api, rooms, send, ok, signUp } = onWorker();

describe("bookings on Workers with D1", () => {
  it("never overbooks under concurrency, and the room hears each change with its free capacity", async () => {
    const { secret } = await signUp("D1 Parking");
    const place = await ok<Place>(send("POST", "/v1/places", secret, { ...PARKING, capacity: 2 }), 201);
    const hour = 3_600_000;
    const base = Math.ceil(Date.now() / hour) * hour + hour;
    const windows = Array.from({ length: 24 }, (_, i) => ({
      start: new Date(base + (i % 4) * 15 * 60_000).toISOString(),
      durationMinutes: 60 + (i % 3) * 30,
    }));
    const answers = await Promise.all(
      windows.map((w) =>
        send<Booking & { code?: string }>("POST", "/v1/bookings", secret, { placeId: place.id, ...w, contact: { name: "D" } }),
      ),
    );
    const made = answers.filter((a) => a.status === 201).map((a) => a.body);
    expect(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.code}`)).toEqual(
      Array(24 - made.length).fill("409 place_full"),
    );
    expect(made.length).toBeGreaterThanOrEqual(2);
    const spans = made.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
    for (const p of spans) expect(spans.filter((s) => s.start <= p.start && s.end > p.start).length).toBeLessThanOrEqual(2);

    const forPlace = () =>
      rooms()
        .publishes.filter((p) => p.accepted)
        .map((p) => PublishRequestSchema.parse(JSON.parse(p.body)))
        .filter((p) => p.room === `place:${place.id}`);
    const deadline = Date.now() + 60_000;
    while (forPlace().length < made.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const events = forPlace().map((p) => p.event);
    expect(events).toHaveLength(made.length);
    for (const e of events) {
      expect(e).toMatchObject({ type: "place.availability_changed", data: { placeId: place.id, change: "booked", capacity: 2 } });
      if (e.type === "place.availability_changed") expect([0, 1]).toContain(e.data.freeCapacity);
    }
  }, 120_000);

  it("online payment: the hold, the local checkout's webhook confirming it, and a guarded extension, on D1", async () => {
    const { secret } = await signUp("D1 Paid Parking");
    const place = await ok<Place>(send("POST", "/v1/places", secret, { ...PARKING, capacity: 1, onlinePayment: true }), 201);
    const hour = 3_600_000;
    const start = Math.ceil(Date.now() / hour) * hour + 2 * hour;
    const at = (ms: number) => new Date(ms).toISOString();
    const b = await ok<Booking>(
      send("POST", "/v1/bookings", secret, { placeId: place.id, start: at(start), durationMinutes: 60, contact: { name: "D" } }),
      201,
    );
    expect(b.status).toBe("pending_payment");
    // The hold takes the one spot.
    const second = await send<{ code: string }>("POST", "/v1/bookings", secret, {
      placeId: place.id,
      start: at(start),
      durationMinutes: 60,
      contact: { name: "E" },
    });
    expect(`${second.status} ${second.body.code}`).toBe("409 place_full");
    const token = new URL(b.payment?.checkoutUrl ?? "").searchParams.get("token") ?? "";
    const paid = await fetch(`${api().baseUrl}/v1/payments/local/checkout`, {
      method: "POST",
      body: new URLSearchParams({ token, outcome: "pay" }),
    });
    expect(paid.status).toBe(200);
    expect((await ok<Booking>(send("GET", `/v1/bookings/${b.id}`, secret), 200)).status).toBe("confirmed");
    // A confirmed booking right after it: extending into it is full, up to it fits.
    await ok<Booking>(
      send("POST", "/v1/bookings", secret, { placeId: place.id, start: at(start + 2 * hour), durationMinutes: 60, contact: { name: "F" } }),
      201,
    );
    const full = await send<{ code: string }>("POST", `/v1/bookings/${b.id}/extend`, secret, { end: at(start + 3 * hour) });
    expect(`${full.status} ${full.body.code}`).toBe("409 place_full");
    const longer = await ok<Booking>(send("POST", `/v1/bookings/${b.id}/extend`, secret, { end: at(start + 2 * hour) }), 200);
    expect(longer.pendingExtension?.end).toBe(at(start + 2 * hour));
  }, 120_000);
});
