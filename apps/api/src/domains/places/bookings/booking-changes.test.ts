import type { Booking, BookingQuote } from "@gatherkit/core";
import { freeCapacity } from "@gatherkit/core";
import { outbox, placeBookings } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, book, booked, newPlace, ROOM } from "../../../../test/place-fixtures.js";
import { occupiedWindows } from "../occupancy.js";
import { sweepBookings } from "../payments.js";
import { extensionUpdate, hasFreeSpot } from "./bookings.service.js";

/** SMS (confirmation, cancellation, "ends soon" reminders) and extensions of bookings. */
let t: TestApp;
let org: TestOrg;
// The app's clock: Monday 2030-06-03 08:00 UTC, a millisecond per reading; tests move it on.
let clock = Date.UTC(2030, 5, 3, 8);
const at = (h: number, m = 0) => new Date(Date.UTC(2030, 5, 3, h, m)).toISOString();

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
});
afterAll(() => t.close());

const smsOf = async (bookingId: string, template?: string) =>
  (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "sms")))
    .map((r) => r.payload as { to: string; text: string; template: string; data: { bookingId: string } })
    .filter((p) => p.data.bookingId === bookingId && (template === undefined || p.template === template));
const extend = (token: string, id: string, end: string) => call(t, "POST", `/v1/bookings/${id}/extend`, { token, body: { end } });
const bookingRows = async (placeId: string) => t.deps.db.select().from(placeBookings).where(eq(placeBookings.placeId, placeId));

/** The most bookings holding the place at any instant, found by sweeping every booking boundary. */
async function peakOccupancy(placeId: string): Promise<number> {
  const rows = (await bookingRows(placeId))
    .filter((r) => r.status === "confirmed")
    .map((r) => ({ start: r.startsAt, end: r.occupiedUntil }));
  let peak = 0;
  for (const p of rows.flatMap((r) => [r.start, r.end])) peak = Math.max(peak, rows.filter((r) => r.start <= p && r.end > p).length);
  return peak;
}

describe("SMS", () => {
  it("texts the booker's phone (normalised E.164) on confirmation and on cancellation, once each", async () => {
    const place = await newPlace(t, org);
    const b = await booked(t, asVisitor(org), {
      placeId: place.id,
      start: at(10),
      durationMinutes: 60,
      contact: { name: "Grace", phone: "+351912345678" },
    });
    const confirmed = await smsOf(b.id, "place_booking_confirmed");
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]?.to).toBe("+351912345678");
    expect(confirmed[0]?.text).toContain(b.id);
    expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: b.access?.token ?? "" }), 200);
    expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/cancel`, { token: org.secretKey }), 409, "invalid_booking_transition");
    expect(await smsOf(b.id, "place_booking_cancelled")).toHaveLength(1);
  });

  it("refuses a phone number that is not a real one (422 invalid_phone), writing nothing", async () => {
    const place = await newPlace(t, org);
    for (const phone of ["+99912345678", "+3519123"]) {
      expectProblem(
        await book(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60, contact: { name: "G", phone } }),
        422,
        "invalid_phone",
      );
    }
    expect(await bookingRows(place.id)).toHaveLength(0);
  });

  it("sends the 'ends soon' SMS 30 minutes before the end, once however often the sweep runs; never for a cancelled booking", async () => {
    const place = await newPlace(t, org, { capacity: 5 });
    const phone = { name: "Grace", phone: "+351912345678" };
    const kept = await booked(t, asVisitor(org), { placeId: place.id, start: at(12), durationMinutes: 120, contact: phone });
    const dropped = await booked(t, asVisitor(org), { placeId: place.id, start: at(12), durationMinutes: 120, contact: phone });
    expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${dropped.id}/cancel`, { token: org.secretKey }), 200);
    clock = Date.UTC(2030, 5, 3, 13, 29);
    await sweepBookings(t.deps);
    expect(await smsOf(kept.id, "place_booking_ends_soon")).toHaveLength(0);
    clock = Date.UTC(2030, 5, 3, 13, 30);
    await Promise.all([sweepBookings(t.deps), sweepBookings(t.deps), sweepBookings(t.deps)]);
    await sweepBookings(t.deps);
    const reminders = await smsOf(kept.id, "place_booking_ends_soon");
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.text).toMatch(/extend/i);
    expect(await smsOf(dropped.id, "place_booking_ends_soon")).toHaveLength(0);
  });

  it("an extension moves the reminder to the new end", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 5 });
    const b = await booked(t, asVisitor(org), {
      placeId: place.id,
      start: at(14),
      durationMinutes: 60,
      contact: { name: "Grace", phone: "+351912345678" },
    });
    expectStatus<Booking>(await extend(b.access?.token ?? "", b.id, at(16)), 200);
    clock = Date.UTC(2030, 5, 3, 14, 31);
    await sweepBookings(t.deps);
    expect(await smsOf(b.id, "place_booking_ends_soon")).toHaveLength(0);
    expect(await smsOf(b.id, "place_booking_extended")).toHaveLength(1);
    clock = Date.UTC(2030, 5, 3, 15, 31);
    await sweepBookings(t.deps);
    expect(await smsOf(b.id, "place_booking_ends_soon")).toHaveLength(1);
  });
});

describe("extensions", () => {
  it("moves the end and charges the difference when a spot stays free; refuses what does not fit", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 1 });
    const b = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const token = b.access?.token ?? "";
    const longer = expectStatus<Booking>(await extend(token, b.id, at(11, 30)), 200);
    expect(longer).toMatchObject({ status: "confirmed", end: at(11, 30), price: { amount: 360 }, pendingExtension: null });
    // The next booking starts at 12:00: up to it is fine, past it is full.
    await booked(t, org.secretKey, { placeId: place.id, start: at(12), durationMinutes: 60 });
    expectProblem(await extend(token, b.id, at(12, 30)), 409, "place_full");
    expect(expectStatus<Booking>(await extend(token, b.id, at(12)), 200).end).toBe(at(12));
    expectProblem(await extend(token, b.id, at(11)), 422, "window_not_extended");
    expectProblem(await extend(token, b.id, at(12)), 422, "window_not_extended");
    expectProblem(await call(t, "POST", `/v1/bookings/${b.id}/extend`, { token, body: { end: "tomorrow" } }), 400, "validation_failed");
    expectProblem(
      await call(t, "POST", `/v1/bookings/${b.id}/extend`, { token, body: { end: at(13), extra: 1 } }),
      400,
      "validation_failed",
    );
    const [row] = await bookingRows(place.id).then((rows) => rows.filter((r) => r.id === b.id));
    expect(row).toMatchObject({ endsAt: Date.parse(at(12)), price: 480 });
  });

  it("refuses to extend a slot booking, an unconfirmed booking, into closed hours or past 31 days", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const room = await newPlace(t, org, ROOM);
    const slot = await booked(t, org.secretKey, { placeId: room.id, start: "2030-06-04T08:00:00.000Z" });
    expectProblem(await extend(org.secretKey, slot.id, "2030-06-04T10:00:00.000Z"), 422, "slot_misaligned");
    const hours = { weekly: { mon: [{ open: "08:00", close: "12:00" }] }, exceptions: [] };
    const shop = await newPlace(t, org, { openingHours: hours });
    const b = await booked(t, org.secretKey, { placeId: shop.id, start: at(9), durationMinutes: 60 });
    expectProblem(await extend(org.secretKey, b.id, at(12, 30)), 422, "place_closed");
    const lot = await newPlace(t, org);
    const c = await booked(t, org.secretKey, { placeId: lot.id, start: at(9), durationMinutes: 60 });
    expectProblem(await extend(org.secretKey, c.id, "2030-07-10T09:00:00.000Z"), 422, "window_too_far_ahead");
    expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${c.id}/cancel`, { token: org.secretKey }), 200);
    expectProblem(await extend(org.secretKey, c.id, at(11)), 409, "invalid_booking_transition");
    expect((await bookingRows(lot.id))[0]?.endsAt).toBe(Date.parse(at(10)));
  });

  it("only staff or the booker extend: a visitor key cannot, another booker's token gets 404", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 3 });
    const mine = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    const theirs = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    expectProblem(await extend(mine.access?.token ?? "", theirs.id, at(12)), 404, "not_found");
    expectProblem(
      await call(t, "POST", `/v1/bookings/${mine.id}/extend`, { ...asVisitor(org), body: { end: at(12) } }),
      403,
      "permission_denied",
    );
    expect((await bookingRows(place.id)).map((r) => r.endsAt)).toEqual([Date.parse(at(11)), Date.parse(at(11))]);
  });

  it("concurrent extensions and bookings never put more than the capacity at any instant", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 2 });
    const a = await booked(t, org.secretKey, { placeId: place.id, start: at(10), durationMinutes: 60 });
    const b = await booked(t, org.secretKey, { placeId: place.id, start: at(10), durationMinutes: 60 });
    await booked(t, org.secretKey, { placeId: place.id, start: at(11), durationMinutes: 60 });
    // One spot is free 11:00–12:00: two extensions (ten tries each) and twenty bookings race for it.
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => extend(org.secretKey, i % 2 ? a.id : b.id, at(12))),
      ...Array.from({ length: 20 }, () => book(t, org.secretKey, { placeId: place.id, start: at(11), durationMinutes: 60 })),
    ]);
    const won = answers.filter((r) => r.status === 200 || r.status === 201);
    expect(won).toHaveLength(1);
    for (const r of answers) if (r.status !== 200 && r.status !== 201) expect([409, 422]).toContain(r.status);
    expect(await peakOccupancy(place.id)).toBe(2);
  });

  it("control: the same sweep catches an overbooking when extensions check first and write unguarded", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 2 });
    const a = await booked(t, org.secretKey, { placeId: place.id, start: at(10), durationMinutes: 60 });
    const b = await booked(t, org.secretKey, { placeId: place.id, start: at(10), durationMinutes: 60 });
    await booked(t, org.secretKey, { placeId: place.id, start: at(11), durationMinutes: 60 });
    const extra = { start: Date.parse(at(11)), end: Date.parse(at(12)) };
    const rows = (await bookingRows(place.id)).filter((r) => r.id === a.id || r.id === b.id);
    // Both read a free spot for the extra hour, then both write with an always-true guard.
    const checks = await Promise.all(
      rows.map(async () => freeCapacity(2, await occupiedWindows(t.deps.db, place.id, extra.start, extra.end, clock), extra)),
    );
    expect(checks).toEqual([1, 1]);
    await Promise.all(rows.map((r) => extensionUpdate(t.deps, r, { endsAt: extra.end, occupiedUntil: extra.end }, sql`1`)));
    expect(await peakOccupancy(place.id)).toBe(3);
    // And the real guard refuses what the control let through.
    const [row] = await t.deps.db.all<{ ok: number }>(sql`SELECT ${hasFreeSpot(place.id, extra.start, extra.end, clock, a.id)} AS ok`);
    expect(row?.ok).toBe(0);
  });
});

describe("quotes", () => {
  const quote = (placeId: string, body: object) => call(t, "POST", `/v1/places/${placeId}/quote`, { ...asVisitor(org), body });

  it("a booking with a quote is charged the quoted price until the quote expires, even after a price change", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 2 });
    const q = expectStatus<BookingQuote>(await quote(place.id, { start: at(10), durationMinutes: 60 }), 200);
    expect(q).toMatchObject({ placeId: place.id, start: at(10), end: at(11), price: { amount: 240, currency: "EUR" }, freeCapacity: 2 });
    expect(Date.parse(q.expiresAt) - clock).toBeLessThanOrEqual(15 * 60_000);
    expectStatus(
      await call(t, "PATCH", `/v1/places/${place.id}`, {
        token: org.secretKey,
        body: { pricing: { mode: "hourly", currency: "EUR", perHour: 500, dailyMax: null } },
      }),
      200,
    );
    const honoured = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60, quote: q.token });
    expect(honoured.price.amount).toBe(240);
    const unquoted = await booked(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60 });
    expect(unquoted.price.amount).toBe(500);
  });

  it("refuses a stale quote (409 quote_expired), another window's or a forged one (422 quote_invalid), writing nothing", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const place = await newPlace(t, org, { capacity: 2 });
    const q = expectStatus<BookingQuote>(await quote(place.id, { start: at(10), durationMinutes: 60 }), 200);
    const withQuote = (body: { durationMinutes?: number; quote: string }) =>
      book(t, asVisitor(org), { placeId: place.id, start: at(10), durationMinutes: 60, ...body });
    expectProblem(await withQuote({ durationMinutes: 90, quote: q.token }), 422, "quote_invalid");
    expectProblem(await withQuote({ quote: `${q.token.slice(0, -4)}AAAA` }), 422, "quote_invalid");
    expectProblem(await withQuote({ quote: "not-a-quote" }), 422, "quote_invalid");
    const elsewhere = await newPlace(t, org);
    expectProblem(
      await book(t, asVisitor(org), { placeId: elsewhere.id, start: at(10), durationMinutes: 60, quote: q.token }),
      422,
      "quote_invalid",
    );
    clock += 15 * 60_000 + 1;
    expectProblem(await withQuote({ quote: q.token }), 409, "quote_expired");
    expect(await bookingRows(place.id)).toHaveLength(0);
  });

  it("quotes by the booking's rules: closed hours, the past, a misaligned slot", async () => {
    clock = Date.UTC(2030, 5, 3, 8);
    const hours = { weekly: { mon: [{ open: "08:00", close: "12:00" }] }, exceptions: [] };
    const shop = await newPlace(t, org, { openingHours: hours });
    expectProblem(await quote(shop.id, { start: at(11), durationMinutes: 120 }), 422, "place_closed");
    expectProblem(await quote(shop.id, { start: at(6), durationMinutes: 60 }), 422, "booking_too_late");
    const room = await newPlace(t, org, ROOM);
    expectProblem(await quote(room.id, { start: "2030-06-04T08:10:00.000Z" }), 422, "slot_misaligned");
    expect(expectStatus<BookingQuote>(await quote(room.id, { start: "2030-06-04T08:00:00.000Z" }), 200).price.amount).toBe(5000);
    expectProblem(await quote(room.id, { start: "soon" }), 400, "validation_failed");
  });
});
