import { newId, type PlaceOccupancy } from "@gatherkit/core";
import { placeBookings } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, booked, newPlace } from "../../../../test/place-fixtures.js";

let clock = Date.parse("2031-03-20T09:00:00Z");
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let placeId: string;
let otherPlaceId: string;
const ZONE = "Europe/Lisbon";
const N = 140;
/** Every booking that counts: [start, end) in ms (computed here with Intl, not SQL). */
const counted: [number, number][] = [];

const parts = new Intl.DateTimeFormat("en-CA", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  hourCycle: "h23",
});
const local = (ms: number) => {
  const p = Object.fromEntries(parts.formatToParts(ms).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
};
/** Booked minutes per local day and hour of [from, to) local days, minute by 5 minutes. */
function expected(fromMs: number, toMs: number) {
  const byDay = new Map<string, number>();
  const byHour = Array.from({ length: 24 }, () => 0);
  let bookings = 0;
  for (const [s, e] of counted) {
    if (s >= fromMs && s < toMs) bookings += 1;
    for (let m = Math.max(s, fromMs); m < Math.min(e, toMs); m += 5 * 60_000) {
      const l = local(m);
      byDay.set(l.date, (byDay.get(l.date) ?? 0) + 5);
      byHour[l.hour] = (byHour[l.hour] ?? 0) + 5;
    }
  }
  return { byDay, byHour, bookings };
}
const occupancy = (org: TestOrg, id: string, query = "") => call(t, "GET", `/v1/places/${id}/occupancy${query}`, { token: org.secretKey });

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
  const place = await newPlace(t, a);
  placeId = place.id;
  otherPlaceId = (await newPlace(t, a, { name: "Other garage" })).id;
  // One booking through the API (10:00–12:30 UTC on 20 March), then copies in the database.
  const first = await booked(t, asVisitor(a), { placeId, start: "2031-03-20T10:00:00.000Z", durationMinutes: 150 });
  counted.push([Date.parse(first.start), Date.parse(first.end)]);
  const db = t.deps.db;
  const [row] = await db.select().from(placeBookings).where(eq(placeBookings.id, first.id));
  if (!row) throw new Error("the API-made booking is missing");
  // From 25 March, every 3 h 35 min, lasting 45 min to 6 h 05 min, across Lisbon's change to
  // summer time (30 March 2031, 01:00 UTC); every fifth one cancelled (never counted).
  const start = Date.parse("2031-03-25T00:00:00Z");
  const copies = [];
  for (let i = 0; i < N; i++) {
    const s = start + i * 215 * 60_000;
    const e = s + (45 + (i % 8) * 45) * 60_000;
    const status = i % 5 === 4 ? "cancelled" : i % 2 ? "completed" : "confirmed";
    copies.push(db.insert(placeBookings).values({ ...row, id: newId("booking"), status, startsAt: s, endsAt: e, occupiedUntil: e }));
    if (status !== "cancelled") counted.push([s, e]);
  }
  // The other place's booking, at a counted time: never in this place's figures.
  copies.push(
    db.insert(placeBookings).values({
      ...row,
      id: newId("booking"),
      placeId: otherPlaceId,
      startsAt: start,
      endsAt: start + 3_600_000,
      occupiedUntil: start + 3_600_000,
    }),
  );
  await db.batch(copies as [(typeof copies)[number], ...typeof copies]);
});
afterAll(() => t.close());

describe("GET /v1/places/{placeId}/occupancy", () => {
  it("sums every booked minute per local day and hour, across a daylight-saving change, beyond any page", async () => {
    const r = expectStatus<PlaceOccupancy>(await occupancy(a, placeId, "?from=2031-03-20&to=2031-04-20"), 200);
    expect(r).toMatchObject({ placeId, timeZone: ZONE, capacity: 3, from: "2031-03-20", to: "2031-04-20" });
    // Lisbon is UTC+0 until 30 March, then UTC+1: the range's ends are local midnights.
    const exp = expected(Date.parse("2031-03-20T00:00:00Z"), Date.parse("2031-04-20T23:00:00Z"));
    expect(r.byDay).toHaveLength(32);
    for (const d of r.byDay) expect(d.bookedMinutes, d.date).toBe(exp.byDay.get(d.date) ?? 0);
    expect(r.byHour.map((h) => h.bookedMinutes)).toEqual(exp.byHour);
    expect(r.totals.bookings).toBe(exp.bookings);
    expect(r.totals.bookings).toBeGreaterThan(100);
    expect(r.totals.bookedMinutes).toBe([...exp.byDay.values()].reduce((x, y) => x + y, 0));
    // The API-made booking: 10:00–12:30 local (UTC+0 then), 150 minutes on 20 March.
    expect(r.byDay[0]).toEqual({ date: "2031-03-20", bookings: 1, bookedMinutes: 150 });
  });

  it("cuts bookings at the range's ends", async () => {
    // 30 March is 23 hours long in Lisbon: 00:00 UTC (local midnight) to 23:00 UTC.
    const r = expectStatus<PlaceOccupancy>(await occupancy(a, placeId, "?from=2031-03-30&to=2031-03-30"), 200);
    const exp = expected(Date.parse("2031-03-30T00:00:00Z"), Date.parse("2031-03-30T23:00:00Z"));
    expect(r.byDay).toEqual([{ date: "2031-03-30", bookings: exp.bookings, bookedMinutes: exp.byDay.get("2031-03-30") ?? 0 }]);
    expect(r.byHour.map((h) => h.bookedMinutes)).toEqual(exp.byHour);
    // No booked minute at 01:xx local that day: the clocks jumped from 01:00 to 02:00.
    expect(r.byHour[1]?.bookedMinutes).toBe(0);
  });

  it("defaults to the 30 days up to today in the place's zone", async () => {
    clock = Date.parse("2031-04-10T23:30:00Z"); // 00:30 on 11 April in Lisbon
    const r = expectStatus<PlaceOccupancy>(await occupancy(a, placeId), 200);
    expect({ from: r.from, to: r.to }).toEqual({ from: "2031-03-13", to: "2031-04-11" });
  });

  it("is the caller's organization only; a visitor, participant or bad range is refused", async () => {
    expectProblem(await occupancy(b, placeId), 404, "not_found");
    expectProblem(
      await call(t, "GET", `/v1/places/${placeId}/occupancy`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", `/v1/places/${placeId}/occupancy`, { token: a.participantToken }), 403, "permission_denied");
    expectProblem(await occupancy(a, placeId, "?from=2031-04-01&to=2031-03-01"), 422, "invalid_date_range");
    expectProblem(await occupancy(a, placeId, "?from=2031-04-01&to=2032-04-01"), 422, "invalid_date_range");
    const other = expectStatus<PlaceOccupancy>(await occupancy(a, otherPlaceId, "?from=2031-03-25&to=2031-03-25"), 200);
    expect(other.totals).toEqual({ bookings: 1, bookedMinutes: 60 });
  });
});
