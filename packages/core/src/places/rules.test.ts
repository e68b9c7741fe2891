import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { CreateBookingSchema } from "./bookings.js";
import {
  bookingWindow,
  boundingBox,
  distanceKm,
  freeCapacity,
  hourlyPrice,
  isOpenThroughout,
  maxOverlap,
  type OpeningHours,
  openIntervals,
  type PlaceRules,
  slotAt,
  slotsOfDay,
  type Window,
} from "./rules.js";
import { CreatePlaceSchema, OpeningHoursSchema, PlaceSearchQuerySchema } from "./schemas.js";
import { DAY_MS, localDay, localParts, zonedInstant } from "./zoned.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZONES = ["UTC", "Europe/Lisbon", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago"] as const;
const zone = fc.constantFrom(...ZONES);
/** Days from 2029-01-01 over three years (every DST change of those zones in between). */
const BASE_DAY = Date.UTC(2029, 0, 1);
const day = fc.integer({ min: 0, max: 3 * 366 }).map((d) => BASE_DAY + d * DAY_MS);

/** Random windows on a minute grid of two days (small, so overlaps are common). */
const minuteWindow = fc
  .tuple(fc.integer({ min: 0, max: 2880 }), fc.integer({ min: 1, max: 600 }))
  .map(([s, d]): Window => ({ start: BASE_DAY + s * MIN, end: BASE_DAY + (s + d) * MIN }));

describe("maxOverlap / freeCapacity", () => {
  it("equals the most windows covering any one minute of the window (brute-force sweep)", () => {
    fc.assert(
      fc.property(fc.array(minuteWindow, { maxLength: 30 }), minuteWindow, (occupied, w) => {
        let brute = 0;
        for (let t = w.start; t < w.end; t += MIN) {
          brute = Math.max(brute, occupied.filter((o) => o.start <= t && o.end > t).length);
        }
        expect(maxOverlap(occupied, w)).toBe(brute);
      }),
    );
  });

  it("is exact: bookings one after the other on a 1-spot place leave no false 'full' between them", () => {
    const a = { start: 0, end: 2 * HOUR };
    const b = { start: 3 * HOUR, end: 5 * HOUR };
    expect(freeCapacity(1, [a, b], { start: 2 * HOUR, end: 3 * HOUR })).toBe(1);
    expect(freeCapacity(1, [a, b], { start: HOUR, end: 4 * HOUR })).toBe(0);
    // Two bookings in the window that never overlap take one spot, not two.
    expect(freeCapacity(2, [a, b], { start: 0, end: 5 * HOUR })).toBe(1);
  });

  it("booking greedily while free ≥ 1 never puts more than capacity at any instant", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(minuteWindow, { maxLength: 40 }), (capacity, requests) => {
        const taken: Window[] = [];
        for (const r of requests) if (freeCapacity(capacity, taken, r) >= 1) taken.push(r);
        for (const t of taken) expect(taken.filter((o) => o.start <= t.start && o.end > t.start).length).toBeLessThanOrEqual(capacity);
      }),
    );
  });
});

describe("zoned time", () => {
  it("maps a local date and minute to an instant that reads back as that minute (outside a DST gap)", () => {
    fc.assert(
      fc.property(zone, day, fc.integer({ min: 0, max: 1439 }), (tz, d, m) => {
        const at = zonedInstant(d, m, tz);
        const p = localParts(at, tz);
        const back = Date.UTC(p.year, p.month - 1, p.day) + p.minute * MIN;
        // In a spring-forward gap the time moves later by the gap (at most an hour); otherwise it is exact.
        expect(back - (d + m * MIN)).toBeGreaterThanOrEqual(0);
        expect(back - (d + m * MIN)).toBeLessThanOrEqual(HOUR);
        expect(localDay(zonedInstant(d, 0, tz), tz)).toBe(d);
      }),
    );
  });

  it("knows the 23- and 25-hour days", () => {
    const spring = Date.UTC(2030, 2, 31); // Europe/Lisbon moves to summer time on 2030-03-31
    const autumn = Date.UTC(2030, 9, 27);
    expect(zonedInstant(spring + DAY_MS, 0, "Europe/Lisbon") - zonedInstant(spring, 0, "Europe/Lisbon")).toBe(23 * HOUR);
    expect(zonedInstant(autumn + DAY_MS, 0, "Europe/Lisbon") - zonedInstant(autumn, 0, "Europe/Lisbon")).toBe(25 * HOUR);
  });
});

describe("hourlyPrice", () => {
  const pricing = fc.record({ perHour: fc.integer({ min: 0, max: 100_000 }), dailyMax: fc.option(fc.integer({ min: 0, max: 500_000 })) });
  const window = fc
    .tuple(day, fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 5 * 1440 }))
    .map(([d, m, len]): Window => ({ start: d + m * MIN, end: d + (m + len) * MIN }));

  it("is the pro-rata price per local day, each day capped, and never more than uncapped", () => {
    fc.assert(
      fc.property(pricing, window, zone, (p, w, tz) => {
        const price = hourlyPrice(p, w, tz);
        const uncapped = hourlyPrice({ perHour: p.perHour, dailyMax: null }, w, tz);
        const exact = (p.perHour * (w.end - w.start)) / HOUR;
        const days = Math.round((localDay(w.end - 1, tz) - localDay(w.start, tz)) / DAY_MS) + 1;
        expect(uncapped).toBeGreaterThanOrEqual(Math.ceil(exact - 1e-6));
        expect(uncapped).toBeLessThanOrEqual(Math.ceil(exact) + days);
        expect(price).toBeLessThanOrEqual(uncapped);
        if (p.dailyMax !== null) expect(price).toBeLessThanOrEqual(days * p.dailyMax);
      }),
    );
  });

  it("never falls when the window grows", () => {
    fc.assert(
      fc.property(pricing, window, fc.integer({ min: 1, max: 3000 }), zone, (p, w, extra, tz) => {
        expect(hourlyPrice(p, { start: w.start, end: w.end + extra * MIN }, tz)).toBeGreaterThanOrEqual(hourlyPrice(p, w, tz));
      }),
    );
  });

  it("splits at local midnight: a window costs what its two halves cost", () => {
    fc.assert(
      fc.property(pricing, day, fc.integer({ min: 1, max: 1440 }), fc.integer({ min: 1, max: 1440 }), zone, (p, d, before, after, tz) => {
        const midnight = zonedInstant(d, 0, tz);
        const w = { start: midnight - before * MIN, end: midnight + after * MIN };
        expect(hourlyPrice(p, w, tz)).toBe(
          hourlyPrice(p, { start: w.start, end: midnight }, tz) + hourlyPrice(p, { start: midnight, end: w.end }, tz),
        );
      }),
    );
  });

  it("caps per local day in the place's zone, DST days included", () => {
    const spring = Date.UTC(2030, 2, 31);
    const start = zonedInstant(spring, 0, "Europe/Lisbon");
    // 23 real hours on the spring-forward day at 2.00/h, capped at 20.00, then 2 hours the next day.
    expect(hourlyPrice({ perHour: 200, dailyMax: 2000 }, { start, end: start + 25 * HOUR }, "Europe/Lisbon")).toBe(2000 + 400);
    expect(hourlyPrice({ perHour: 200, dailyMax: null }, { start, end: start + 25 * HOUR }, "Europe/Lisbon")).toBe(5000);
    // 90 minutes at 3.00/h is 4.50; one second more rounds up to a whole cent.
    expect(hourlyPrice({ perHour: 300, dailyMax: null }, { start, end: start + 90 * MIN }, "UTC")).toBe(450);
    expect(hourlyPrice({ perHour: 300, dailyMax: null }, { start, end: start + 90 * MIN + 1000 }, "UTC")).toBe(451);
  });
});

const hoursArb: fc.Arbitrary<OpeningHours> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 })), { minLength: 7, maxLength: 7 })
  .map((days) => {
    const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
    const weekly = Object.fromEntries(
      ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((name, i) => {
        const [a = 0, len = 1] = days[i] ?? [];
        return [name, a + len <= 24 ? [{ open: hh(a), close: hh(a + len) }] : []];
      }),
    ) as OpeningHours["weekly"];
    return { weekly, exceptions: [] };
  });

describe("opening hours", () => {
  it("open throughout a window exactly when every minute of it is in an opening interval", () => {
    fc.assert(
      fc.property(hoursArb, zone, day, fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 2 * 1440 }), (hours, tz, d, m, len) => {
        const rules = { openingHours: hours, timeZone: tz };
        const w = { start: zonedInstant(d, m, tz), end: zonedInstant(d, m, tz) + len * MIN };
        const intervals = [-1, 0, 1, 2, 3].flatMap((k) => openIntervals(rules, d + k * DAY_MS));
        let brute = true;
        for (let t = w.start; t < w.end; t += MIN) if (!intervals.some((i) => i.start <= t && i.end > t)) brute = false;
        expect(isOpenThroughout(rules, w)).toBe(brute);
      }),
      { numRuns: 60 },
    );
  });

  it("an exception date replaces the weekday's hours", () => {
    const hours = OpeningHoursSchema.parse({
      weekly: { wed: [{ open: "08:00", close: "20:00" }] },
      exceptions: [{ date: "2030-12-25", hours: [] }],
    });
    const rules = { openingHours: hours, timeZone: "Europe/Lisbon" };
    const at = (date: number, h: number) => zonedInstant(date, h * 60, "Europe/Lisbon");
    expect(isOpenThroughout(rules, { start: at(Date.UTC(2030, 11, 18), 9), end: at(Date.UTC(2030, 11, 18), 10) })).toBe(true);
    expect(isOpenThroughout(rules, { start: at(Date.UTC(2030, 11, 25), 9), end: at(Date.UTC(2030, 11, 25), 10) })).toBe(false);
    expect(isOpenThroughout(rules, { start: at(Date.UTC(2030, 11, 18), 19), end: at(Date.UTC(2030, 11, 18), 21) })).toBe(false);
  });
});

describe("slots", () => {
  const slotsArb = fc.record({ lengthMinutes: fc.integer({ min: 15, max: 240 }), bufferMinutes: fc.integer({ min: 0, max: 60 }) });

  it("lie inside opening hours, keep the buffer between them, and each is found by its start", () => {
    fc.assert(
      fc.property(hoursArb, slotsArb, zone, day, (hours, slots, tz, d) => {
        const rules = { openingHours: hours, timeZone: tz, slots };
        const list = slotsOfDay(rules, d);
        for (const [i, s] of list.entries()) {
          expect(isOpenThroughout(rules, s)).toBe(true);
          const next = list[i + 1];
          if (next) expect(next.start - s.end).toBeGreaterThanOrEqual(slots.bufferMinutes * MIN - HOUR); // a DST jump may shorten it by the jump
          expect(slotAt(rules, s.start)).toEqual(s);
          expect(slotAt(rules, s.start + MIN)).toBeNull();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("follow local time across DST: a 09:00 slot is at 09:00 local on both sides of the change", () => {
    const rules = { openingHours: null, timeZone: "Europe/Lisbon", slots: { lengthMinutes: 60, bufferMinutes: 0 } };
    for (const d of [Date.UTC(2030, 2, 30), Date.UTC(2030, 2, 31), Date.UTC(2030, 3, 1)]) {
      const list = slotsOfDay(rules, d);
      expect(list.filter((s) => localParts(s.start, "Europe/Lisbon").minute === 9 * 60)).toHaveLength(1);
      expect(new Set(list.map((s) => s.start)).size).toBe(list.length);
    }
    expect(slotsOfDay(rules, Date.UTC(2030, 2, 31))).toHaveLength(23);
    expect(slotsOfDay(rules, Date.UTC(2030, 9, 27))).toHaveLength(25 - 1); // 01:00 occurs twice; the grid is local, so 24 distinct local starts
  });
});

describe("bookingWindow", () => {
  const now = Date.UTC(2030, 5, 1, 8);
  const parking: PlaceRules = {
    timeZone: "Europe/Lisbon",
    pricing: { mode: "hourly", currency: "EUR", perHour: 200, dailyMax: 1500 },
    openingHours: null,
    slots: null,
    horizonDays: 30,
    leadMinutes: 0,
  };
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof DomainError ? e.code : String(e);
    }
    return "ok";
  };

  it("computes the end from the duration and refuses what the rules do not allow", () => {
    expect(bookingWindow(parking, { start: now + HOUR, durationMinutes: 90 }, now)).toEqual({
      start: now + HOUR,
      end: now + HOUR + 90 * MIN,
    });
    expect(code(() => bookingWindow(parking, { start: now - HOUR, durationMinutes: 60 }, now))).toBe("booking_too_late");
    expect(code(() => bookingWindow({ ...parking, leadMinutes: 120 }, { start: now + HOUR, durationMinutes: 60 }, now))).toBe(
      "booking_too_late",
    );
    expect(code(() => bookingWindow(parking, { start: now + 31 * DAY_MS, durationMinutes: 60 }, now))).toBe("window_too_far_ahead");
    const hours = OpeningHoursSchema.parse({ weekly: { sat: [{ open: "08:00", close: "12:00" }] } }); // 2030-06-01 is a Saturday
    expect(code(() => bookingWindow({ ...parking, openingHours: hours }, { start: now + 3 * HOUR, durationMinutes: 60 }, now))).toBe(
      "place_closed",
    );
    const room: PlaceRules = {
      ...parking,
      pricing: { mode: "slot", currency: "EUR", perSlot: 5000 },
      slots: { lengthMinutes: 60, bufferMinutes: 15 },
    };
    expect(code(() => bookingWindow(room, { start: now + 10 * MIN }, now))).toBe("slot_misaligned");
    // Slots start every 75 minutes from local midnight: 12:30 local (11:30 UTC in summer) is one.
    expect(code(() => bookingWindow(room, { start: Date.UTC(2030, 5, 1, 11, 30), durationMinutes: 30 }, now))).toBe("slot_misaligned");
    expect(bookingWindow(room, { start: Date.UTC(2030, 5, 1, 11, 30) }, now)).toEqual({
      start: Date.UTC(2030, 5, 1, 11, 30),
      end: Date.UTC(2030, 5, 1, 12, 30),
    });
  });
});

describe("distance and bounding box", () => {
  it("every point within the radius lies in the box, across the antimeridian and near the poles", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (lat, lng, r, plat, plng) => {
          const p = { lat: lat + ((plat - lat) * r) / 20000, lng: ((lng + ((plng - lng) * r) / 2000 + 540) % 360) - 180 };
          if (distanceKm({ lat, lng }, p) > r) return;
          const box = boundingBox({ lat, lng }, r);
          expect(p.lat).toBeGreaterThanOrEqual(box.lat[0]);
          expect(p.lat).toBeLessThanOrEqual(box.lat[1]);
          expect(box.lng.some(([lo, hi]) => p.lng >= lo && p.lng <= hi)).toBe(true);
        },
      ),
    );
  });

  it("measures known distances", () => {
    expect(distanceKm({ lat: 38.7223, lng: -9.1393 }, { lat: 41.1579, lng: -8.6291 })).toBeCloseTo(274, 0); // Lisbon–Porto
    expect(distanceKm({ lat: 0, lng: 179.9 }, { lat: 0, lng: -179.9 })).toBeCloseTo(22.2, 1);
  });
});

describe("schemas", () => {
  const place = {
    kind: "parking",
    name: "Baixa Garage",
    address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
    location: { lat: 38.71, lng: -9.14 },
    timeZone: "Europe/Lisbon",
    capacity: 5,
    pricing: { mode: "hourly", currency: "EUR", perHour: 250 },
  };
  it("accepts a minimal place and fills the defaults", () => {
    const p = CreatePlaceSchema.parse(place);
    expect(p).toMatchObject({ active: true, features: [], openingHours: null, slots: null, horizonDays: 90, pricing: { dailyMax: null } });
  });
  it("refuses bad input field by field", () => {
    const bad = (patch: object) => CreatePlaceSchema.safeParse({ ...place, ...patch }).success;
    expect(bad({ location: { lat: 91, lng: 0 } })).toBe(false);
    expect(bad({ timeZone: "+01:00" })).toBe(false);
    expect(bad({ features: ["jacuzzi"] })).toBe(false);
    expect(bad({ capacity: 0 })).toBe(false);
    expect(bad({ pricing: { mode: "slot", currency: "EUR", perSlot: 100 } })).toBe(false); // slot pricing without slots
    expect(bad({ openingHours: { weekly: { mon: [{ open: "10:00", close: "09:00" }] } } })).toBe(false);
    expect(
      bad({
        openingHours: {
          weekly: {
            mon: [
              { open: "08:00", close: "12:00" },
              { open: "11:00", close: "14:00" },
            ],
          },
        },
      }),
    ).toBe(false);
    expect(bad({ images: ["javascript:alert(1)"] })).toBe(false);
    const booking = { placeId: "plc_0123456789abcdefghjk", start: "2030-07-01T09:00:00Z", durationMinutes: 60, contact: { name: "Grace" } };
    expect(CreateBookingSchema.safeParse(booking).success).toBe(true);
    expect(CreateBookingSchema.safeParse({ ...booking, durationMinutes: 0 }).success).toBe(false);
    expect(CreateBookingSchema.safeParse({ ...booking, contact: { name: "G", phone: "12345" } }).success).toBe(false);
    expect(
      PlaceSearchQuerySchema.safeParse({ lat: "38", lng: "-9", start: "2030-07-01T10:00:00Z", end: "2030-07-01T09:00:00Z" }).success,
    ).toBe(false);
    expect(PlaceSearchQuerySchema.safeParse({ lat: "38", lng: "-9", sort: "price" }).success).toBe(false);
    expect(PlaceSearchQuerySchema.safeParse({ lat: "38", lng: "-9", features: "covered,jacuzzi" }).success).toBe(false);
  });
});
