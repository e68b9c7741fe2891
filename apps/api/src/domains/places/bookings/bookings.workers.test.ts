import { type Booking, type Place, PublishRequestSchema } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARKING } from "../../../../test/place-fixtures.js";
import { type RunningApi, startRealtimeStub, startWorkerApi } from "../../../../test/runtimes.js";

/**
 * The booking guard is one INSERT … SELECT … WHERE with nested scalar subqueries over aliased
 * tables, and the room's message is built with json_object in the same batch: SQL the in-process
 * tests only run on libSQL. This runs it on the Worker under `wrangler dev` with D1: concurrent
 * bookings on a 2-spot place never put 3 in at any instant, and the room hears the free capacity.
 */

let api: RunningApi;
let rooms: Awaited<ReturnType<typeof startRealtimeStub>>;
beforeAll(async () => {
  rooms = await startRealtimeStub();
  api = await startWorkerApi({ REALTIME_HOST: rooms.host });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await rooms?.close();
});

async function send<T = unknown>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
async function ok<T>(r: Promise<{ status: number; body: unknown }>, status: number): Promise<T> {
  const { status: got, body } = await r;
  if (got !== status) throw new Error(`expected ${status}, got ${got}: ${JSON.stringify(body)}\n${api.output().slice(-3000)}`);
  return body as T;
}

describe("bookings on Workers with D1", () => {
  it("never overbooks under concurrency, and the room hears each change with its free capacity", async () => {
    const session = await ok<{ accessToken: string }>(
      send("POST", "/v1/auth/sign-up", null, {
        email: `d1-${crypto.randomUUID().slice(0, 8)}@example.com`,
        password: "correct horse battery staple",
        name: "Dee",
        organizationName: "D1 Parking",
      }),
      201,
    );
    const { secret } = await ok<{ secret: string }>(send("POST", "/v1/secret-keys", session.accessToken, { name: "Server" }), 201);
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
      rooms.publishes
        .filter((p) => p.accepted)
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
});
