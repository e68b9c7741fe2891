import { type Booking, freeCapacity, type PublishedEvent } from "@gatherkit/core";
import { outbox, placeBookings } from "@gatherkit/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createParticipantToken,
  expectProblem,
  expectStatus,
  newOrg,
  outboxEvents,
  TEST_ORIGIN,
  type TestOrg,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, book, booked, newPlace, ROOM } from "../../../../test/place-fixtures.js";
import { occupiedWindows } from "../occupancy.js";
import { bookingInsert, UNPAID } from "./bookings.service.js";
import type { BookingRow } from "./bookings.shape.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
// The app's clock: Monday 2030-06-03 08:00 UTC, moving a millisecond per reading (tests move it on).
let clock = Date.UTC(2030, 5, 3, 8);

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

const at = (h: number, m = 0) => new Date(Date.UTC(2030, 5, 3, h, m)).toISOString();
const bookingCount = async (placeId: string) =>
  (await t.deps.db.select().from(placeBookings).where(eq(placeBookings.placeId, placeId))).length;

/** The most confirmed bookings of the place at any instant, found by sweeping every booking boundary. */
async function peakOccupancy(placeId: string): Promise<number> {
  const rows = await t.deps.db
    .select({ start: placeBookings.startsAt, end: placeBookings.occupiedUntil })
    .from(placeBookings)
    .where(and(eq(placeBookings.placeId, placeId), eq(placeBookings.status, "confirmed")));
  let peak = 0;
  for (const p of rows.flatMap((r) => [r.start, r.end])) {
    peak = Math.max(peak, rows.filter((r) => r.start <= p && r.end > p).length);
  }
  return peak;
}

describe("booking", () => {
  it("computes the end and the price on the server and confirms the booking", async () => {
    const place = await newPlace(t, org);
    const b = await booked(t, org.participantToken, {
      placeId: place.id,
      start: at(10),
      durationMinutes: 150,
      vehiclePlate: " aa-00-bb ",
      contact: { name: "Grace", email: "Grace@Example.com", phone: "+351912345678" },
    });
    expect(b).toMatchObject({
      placeId: place.id,
      status: "confirmed",
      start: at(10),
      end: at(12, 30),
      price: { amount: 600, currency: "EUR" },
      vehiclePlate: "AA-00-BB",
      contact: { name: "Grace", email: "grace@example.com", phone: "+351912345678" },
    });
    expect(b.id).toMatch(/^bkg_/);
    expect(expectStatus<Booking>(await call(t, "GET", `/v1/bookings/${b.id}`, { token: org.participantToken }), 200)).toEqual(b);
  });

  it("lets a site's visitor (publishable key) book, but not list or read bookings", async () => {
    const place = await newPlace(t, org);
    const b = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    expectProblem(await call(t, "GET", `/v1/bookings/${b.id}`, asVisitor(org)), 403, "permission_denied");
    expectProblem(await call(t, "GET", "/v1/bookings", asVisitor(org)), 403, "permission_denied");
    expectProblem(
      await book(
        t,
        { token: org.publishableKey, headers: { origin: "https://evil.example" } },
        { placeId: place.id, start: at(10), durationMinutes: 60 },
      ),
      403,
      "origin_not_allowed",
    );
  });

  it("refuses bad input with a specific 4xx and writes nothing", async () => {
    const place = await newPlace(t, org, {
      openingHours: { weekly: { mon: [{ open: "08:00", close: "20:00" }] }, exceptions: [] },
      horizonDays: 7,
      leadMinutes: 30,
    });
    const room = await newPlace(t, org, ROOM);
    const try_ = (body: object) => book(t, org.participantToken, { placeId: place.id, start: at(10), durationMinutes: 60, ...body });
    expectProblem(await try_({ durationMinutes: 0 }), 400, "validation_failed");
    expectProblem(await try_({ durationMinutes: -30 }), 400, "validation_failed");
    expectProblem(await try_({ durationMinutes: 1.5 }), 400, "validation_failed");
    expectProblem(await try_({ start: "tomorrow" }), 400, "validation_failed");
    expectProblem(await try_({ contact: { name: "G", phone: "0912 345" } }), 400, "validation_failed");
    expectProblem(await try_({ contact: { name: "G", email: "not-an-email" } }), 400, "validation_failed");
    expectProblem(await try_({ vehiclePlate: "<script>" }), 400, "validation_failed");
    expectProblem(await try_({ price: 1 }), 400, "validation_failed");
    expectProblem(await try_({ start: at(8, 10) }), 422, "booking_too_late"); // 10 minutes from now, lead is 30
    expectProblem(await try_({ start: at(6) }), 422, "booking_too_late"); // in the past
    expectProblem(await try_({ start: new Date(Date.UTC(2030, 5, 12, 10)).toISOString() }), 422, "window_too_far_ahead");
    expectProblem(await try_({ start: at(19), durationMinutes: 120 }), 422, "place_closed"); // closes at 20:00 local = 19:00 UTC
    expectProblem(await try_({ start: new Date(Date.UTC(2030, 5, 4, 10)).toISOString() }), 422, "place_closed"); // Tuesday: closed
    expectProblem(await try_({ placeId: "plc_0123456789abcdefghjk" }), 404, "not_found");
    expectProblem(await book(t, org.participantToken, { placeId: room.id, start: at(9, 30) }), 422, "slot_misaligned");
    expectProblem(
      await book(t, org.participantToken, { placeId: room.id, start: at(9, 15), durationMinutes: 120 }),
      422,
      "slot_misaligned",
    );
    expect(await bookingCount(place.id)).toBe(0);
    expect(await bookingCount(room.id)).toBe(0);
  });

  it("refuses a full window with 409 place_full, and an inactive place", async () => {
    const place = await newPlace(t, org, { capacity: 1 });
    await booked(t, org.participantToken, { placeId: place.id, start: at(10), durationMinutes: 60 });
    expectProblem(await book(t, org.participantToken, { placeId: place.id, start: at(10, 59), durationMinutes: 60 }), 409, "place_full");
    // Back to back is fine: windows are half-open.
    await booked(t, org.participantToken, { placeId: place.id, start: at(11), durationMinutes: 60 });
    expect(await bookingCount(place.id)).toBe(2);
    await call(t, "PATCH", `/v1/places/${place.id}`, { token: org.secretKey, body: { active: false } });
    expectProblem(await book(t, org.secretKey, { placeId: place.id, start: at(14), durationMinutes: 60 }), 422, "place_inactive");
    expectProblem(await book(t, asVisitor(org), { placeId: place.id, start: at(14), durationMinutes: 60 }), 404, "not_found");
  });

  it("keeps the buffer of a slot place after each booking", async () => {
    const room = await newPlace(t, org, { ...ROOM, capacity: 1, slots: { lengthMinutes: 60, bufferMinutes: 30 } });
    // Slots every 90 minutes from 09:00 local (08:00 UTC): 08:00, 09:30, … UTC.
    await booked(t, org.participantToken, { placeId: room.id, start: "2030-06-04T08:00:00.000Z" });
    await booked(t, org.participantToken, { placeId: room.id, start: "2030-06-04T09:30:00.000Z" });
    expectProblem(await book(t, org.participantToken, { placeId: room.id, start: "2030-06-04T08:00:00.000Z" }), 409, "place_full");
  });

  it("tells the place's room the free capacity as of each change, and emails the contact", async () => {
    const place = await newPlace(t, org, { capacity: 3 });
    const a = await booked(t, org.participantToken, {
      placeId: place.id,
      start: at(10),
      durationMinutes: 120,
      contact: { name: "Ada", email: "ada@example.com" },
    });
    await booked(t, org.participantToken, { placeId: place.id, start: at(11), durationMinutes: 120 });
    expectStatus(await call(t, "POST", `/v1/bookings/${a.id}/cancel`, { token: org.participantToken }), 200);
    const events = (await outboxEvents(t, `place:${place.id}`)) as Extract<PublishedEvent, { type: "place.availability_changed" }>[];
    expect(events.map((e) => [e.type, e.data.change, e.data.freeCapacity, e.data.capacity])).toEqual([
      ["place.availability_changed", "booked", 2, 3],
      ["place.availability_changed", "booked", 1, 3],
      ["place.availability_changed", "cancelled", 2, 3],
    ]);
    expect(events[0]?.data).toMatchObject({ placeId: place.id, bookingId: a.id, start: at(10), end: at(12) });
    const mails = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"));
    const mine = mails
      .map((m) => m.payload as { to: string; template: string; data: { bookingId: string } })
      .filter((p) => p.data.bookingId === a.id);
    expect(mine.map((m) => [m.to, m.template])).toEqual([
      ["ada@example.com", "place_booking_confirmed"],
      ["ada@example.com", "place_booking_cancelled"],
    ]);
  });
});

describe("never overbooking", () => {
  it("200 simultaneous bookings for overlapping windows on a 5-spot place never put 6 in at any instant", async () => {
    const place = await newPlace(t, org, { capacity: 5 });
    const requests = Array.from({ length: 200 }, (_, i) => ({
      placeId: place.id,
      start: at(9 + (i % 6), (i * 7) % 60),
      durationMinutes: 30 + ((i * 37) % 240),
    }));
    const answers = await Promise.all(requests.map((r, i) => book(t, i % 2 ? org.participantToken : asVisitor(org), r)));
    const statuses = answers.map((a) => (a.status === 201 ? 201 : `${a.status} ${a.body.code}`));
    expect(new Set(statuses)).toEqual(new Set([201, "409 place_full"]));
    const ok = statuses.filter((s) => s === 201).length;
    expect(ok).toBeGreaterThan(5); // windows differ: more than 5 fit over the day
    expect(await peakOccupancy(place.id)).toBeLessThanOrEqual(5);
    // Exactness: every refused window really is full now, every booked one was free without itself.
    const all = await occupiedWindows(t.deps.db, place.id, 0, Number.MAX_SAFE_INTEGER, t.deps.now());
    for (const [i, a] of answers.entries()) {
      const r = requests[i];
      if (!r || a.status === 201) continue;
      const start = Date.parse(r.start);
      expect(freeCapacity(5, all, { start, end: start + r.durationMinutes * 60_000 })).toBe(0);
    }
  });

  it("the same for slots: 100 simultaneous bookings of 4 slots on a 2-seat room", async () => {
    const room = await newPlace(t, org, { ...ROOM, capacity: 2 });
    const slots = ["2030-06-04T08:00:00.000Z", "2030-06-04T09:15:00.000Z", "2030-06-04T10:30:00.000Z", "2030-06-04T11:45:00.000Z"];
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => book(t, org.participantToken, { placeId: room.id, start: slots[i % 4] ?? "" })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(8);
    expect(answers.filter((a) => a.status === 409 && a.body.code === "place_full")).toHaveLength(92);
    expect(await peakOccupancy(room.id)).toBe(2);
  });

  it("control: the same sweep catches an overbooking when the insert is not guarded (check, then write)", async () => {
    const place = await newPlace(t, org, { capacity: 5 });
    const now = t.deps.now();
    const windows = Array.from({ length: 50 }, (_, i) => ({ start: Date.parse(at(10)) + (i % 5) * 60_000, end: Date.parse(at(12)) }));
    // Everyone checks first (as a read-then-insert handler under load does), then everyone writes.
    const checks = await Promise.all(
      windows.map(async (w) => freeCapacity(5, await occupiedWindows(t.deps.db, place.id, w.start, w.end, now), w)),
    );
    const rows: BookingRow[] = windows.map((w) => ({
      id: `bkg_control${String(Math.random()).slice(2, 14)}`,
      orgId: org.org.id,
      placeId: place.id,
      status: "confirmed",
      startsAt: w.start,
      endsAt: w.end,
      occupiedUntil: w.end,
      price: 0,
      currency: "EUR",
      vehiclePlate: null,
      contactName: "Control",
      contactEmail: null,
      contactPhone: null,
      participantId: null,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      completedAt: null,
      ...UNPAID,
    }));
    await Promise.all(rows.filter((_, i) => (checks[i] ?? 0) >= 1).map((row) => bookingInsert(t.deps, row, sql`1 = 1`)));
    expect(await peakOccupancy(place.id)).toBeGreaterThan(5);
  });
});

describe("managing bookings", () => {
  it("cancels (booker before the start, staff any time) and frees the spot; a second cancel is 409", async () => {
    const place = await newPlace(t, org, { capacity: 1 });
    const b = await booked(t, org.participantToken, { placeId: place.id, start: at(10), durationMinutes: 60 });
    const cancelled = expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.participantToken }), 200);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledAt: expect.any(String) });
    expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.secretKey }), 409, "invalid_booking_transition");
    await booked(t, org.participantToken, { placeId: place.id, start: at(10), durationMinutes: 60 });
  });

  it("completes only after the end, then nothing else changes it", async () => {
    const place = await newPlace(t, org);
    const b = await booked(t, org.participantToken, { placeId: place.id, start: at(10), durationMinutes: 60 });
    expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/complete`, { token: org.participantToken }), 422, "booking_not_ended");
    const saved = clock;
    clock = Date.parse(at(11, 1));
    try {
      expectProblem(
        await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.participantToken }),
        422,
        "invalid_booking_transition",
      );
      const done = expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${b.id}/complete`, { token: org.participantToken }), 200);
      expect(done).toMatchObject({ status: "completed", completedAt: expect.any(String) });
      expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.secretKey }), 409, "invalid_booking_transition");
      expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/complete`, { token: org.secretKey }), 409, "invalid_booking_transition");
    } finally {
      clock = Math.max(clock, saved);
    }
  });

  it("shows a participant only their own bookings; staff all, filtered; another organization none", async () => {
    const place = await newPlace(t, org);
    const mine = await createParticipantToken(t, org.secretKey);
    const b = await booked(t, mine.token, { placeId: place.id, start: at(14), durationMinutes: 60 });
    await booked(t, org.participantToken, { placeId: place.id, start: at(14), durationMinutes: 60 });
    const own = expectStatus<{ data: Booking[] }>(await call(t, "GET", "/v1/bookings", { token: mine.token }), 200);
    expect(own.data.map((x) => x.id)).toEqual([b.id]);
    expectProblem(await call(t, "GET", `/v1/bookings/${b.id}`, { token: org.participantToken }), 404, "not_found");
    const staff = expectStatus<{ data: Booking[] }>(
      await call(t, "GET", `/v1/bookings?placeId=${place.id}&status=confirmed`, { token: org.ownerToken }),
      200,
    );
    expect(staff.data).toHaveLength(2);
    const stranger = await createParticipantToken(t, other.secretKey);
    for (const token of [other.secretKey, other.ownerToken, stranger.token]) {
      expectProblem(await call(t, "GET", `/v1/bookings/${b.id}`, { token }), 404, "not_found");
      expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token }), 404, "not_found");
      expectProblem(await book(t, token, { placeId: place.id, start: at(14), durationMinutes: 60 }), 404, "not_found");
    }
    expectProblem(
      await book(
        t,
        { token: other.publishableKey, headers: { origin: TEST_ORIGIN } },
        { placeId: place.id, start: at(14), durationMinutes: 60 },
      ),
      404,
      "not_found",
    );
    const visible = await t.deps.db
      .select()
      .from(placeBookings)
      .where(inArray(placeBookings.orgId, [other.org.id]));
    expect(visible).toEqual([]);
  });

  it("lists the bookings overlapping a window (from–to), as a calendar shows them, and refuses a window that ends first", async () => {
    const place = await newPlace(t, org);
    // A week later than the other tests, whose clock has moved on.
    const at = (h: number, m = 0) => new Date(Date.UTC(2030, 5, 10, h, m)).toISOString();
    const early = await booked(t, org.secretKey, { placeId: place.id, start: at(9), durationMinutes: 60 });
    const across = await booked(t, org.secretKey, { placeId: place.id, start: at(11), durationMinutes: 120 });
    const late = await booked(t, org.secretKey, { placeId: place.id, start: at(15), durationMinutes: 60 });
    const ids = async (qs: string) =>
      expectStatus<{ data: Booking[] }>(await call(t, "GET", `/v1/bookings?placeId=${place.id}&${qs}`, { token: org.ownerToken }), 200)
        .data.map((b) => b.id)
        .sort();
    expect(await ids(`from=${at(10)}&to=${at(12)}`)).toEqual([across.id]);
    // Touching is not overlapping: a booking ending at `from` or starting at `to` is left out.
    expect(await ids(`from=${at(10)}&to=${at(15)}`)).toEqual([across.id]);
    expect(await ids(`from=${at(9, 30)}&to=${at(16)}`)).toEqual([early.id, across.id, late.id].sort());
    expect(await ids(`from=${at(13)}`)).toEqual([late.id]);
    expect(await ids(`to=${at(10)}`)).toEqual([early.id]);
    const bad = await call(t, "GET", `/v1/bookings?placeId=${place.id}&from=${at(12)}&to=${at(10)}`, { token: org.ownerToken });
    expectProblem(bad, 400, "validation_failed");
    expectProblem(await call(t, "GET", `/v1/bookings?from=yesterday`, { token: org.ownerToken }), 400, "validation_failed");
  });
});
