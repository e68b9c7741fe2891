import type { Place, PlaceAvailability, SlotList } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createParticipantToken,
  expectProblem,
  expectStatus,
  newOrg,
  TEST_ORIGIN,
  type TestOrg,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, booked, newPlace, PARKING, ROOM } from "../../../../test/place-fixtures.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
// A fixed clock: Monday 2030-06-03 08:00 UTC (09:00 in Lisbon).
let clock = Date.UTC(2030, 5, 3, 8);

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

describe("places CRUD", () => {
  it("creates a place with its defaults and reads it back, to staff, visitors and participants", async () => {
    const place = await newPlace(t, org);
    expect(place).toMatchObject({
      ...PARKING,
      pricing: { ...PARKING.pricing },
      description: "",
      openingHours: null,
      slots: null,
      active: true,
      horizonDays: 90,
      leadMinutes: 0,
      reviewModeration: true,
      onlinePayment: false,
      paymentHoldMinutes: 15,
      freeCancellationMinutes: 0,
      lateRefundPercent: 0,
      rating: { average: null, count: 0 },
    });
    expect(place.id).toMatch(/^plc_/);
    for (const who of [{ token: org.ownerToken }, { token: org.participantToken }, asVisitor(org)]) {
      expect(expectStatus<Place>(await call(t, "GET", `/v1/places/${place.id}`, who), 200)).toEqual(place);
    }
  });

  it("updates fields and keeps the cross-field rules (slot pricing needs slots)", async () => {
    const place = await newPlace(t, org);
    const updated = expectStatus<Place>(
      await call(t, "PATCH", `/v1/places/${place.id}`, { token: org.ownerToken, body: { capacity: 7, features: ["ev_charging"] } }),
      200,
    );
    expect(updated).toMatchObject({ capacity: 7, features: ["ev_charging"], name: PARKING.name });
    const paying = expectStatus<Place>(
      await call(t, "PATCH", `/v1/places/${place.id}`, {
        token: org.ownerToken,
        body: { onlinePayment: true, paymentHoldMinutes: 10, freeCancellationMinutes: 1440, lateRefundPercent: 50 },
      }),
      200,
    );
    expect(paying).toMatchObject({
      capacity: 7,
      onlinePayment: true,
      paymentHoldMinutes: 10,
      freeCancellationMinutes: 1440,
      lateRefundPercent: 50,
    });
    const r = await call(t, "PATCH", `/v1/places/${place.id}`, {
      token: org.ownerToken,
      body: { pricing: { mode: "slot", currency: "EUR", perSlot: 100 } },
    });
    expectProblem(r, 400, "validation_failed");
    expect(r.body.errors).toEqual([{ path: "body.slots", message: "slot pricing needs slot settings" }]);
    const asRoom = expectStatus<Place>(
      await call(t, "PATCH", `/v1/places/${place.id}`, {
        token: org.ownerToken,
        body: { pricing: { mode: "slot", currency: "EUR", perSlot: 100 }, slots: { lengthMinutes: 30, bufferMinutes: 0 } },
      }),
      200,
    );
    expect(asRoom.slots).toEqual({ lengthMinutes: 30, bufferMinutes: 0 });
  });

  it("refuses bad input with a 400 problem naming the field, and writes nothing", async () => {
    const before = expectStatus<{ data: Place[] }>(await call(t, "GET", "/v1/places?limit=100", { token: org.secretKey }), 200).data.length;
    const cases: [object, string][] = [
      [{ location: { lat: 95, lng: 0 } }, "body.location.lat"],
      [{ location: { lat: 0, lng: -181 } }, "body.location.lng"],
      [{ timeZone: "Mars/Olympus" }, "body.timeZone"],
      [{ features: ["jacuzzi"] }, "body.features.0"],
      [{ capacity: 0 }, "body.capacity"],
      [{ pricing: { mode: "hourly", currency: "EUR", perHour: 2.5 } }, "body.pricing.perHour"],
      [{ openingHours: { weekly: { mon: [{ open: "18:00", close: "09:00" }] } } }, "body.openingHours.weekly.mon.0.close"],
      [{ images: ["ftp://x.example/a.jpg"] }, "body.images.0"],
      [{ address: { line1: "x", city: "y", country: "Portugal" } }, "body.address.country"],
      [{ onlinePayment: "yes" }, "body.onlinePayment"],
      [{ paymentHoldMinutes: 0 }, "body.paymentHoldMinutes"],
      [{ freeCancellationMinutes: -1 }, "body.freeCancellationMinutes"],
      [{ lateRefundPercent: 101 }, "body.lateRefundPercent"],
    ];
    for (const [patch, path] of cases) {
      const r = await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, ...patch } });
      expectProblem(r, 400, "validation_failed");
      expect(
        r.body.errors.map((e: { path: string }) => e.path),
        JSON.stringify(patch),
      ).toContain(path);
    }
    expectProblem(await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, spots: 3 } }), 400, "validation_failed");
    expect(expectStatus<{ data: Place[] }>(await call(t, "GET", "/v1/places?limit=100", { token: org.secretKey }), 200).data).toHaveLength(
      before,
    );
  });

  it("lets only owners, admins and secret keys manage places", async () => {
    const staff = await addMember(t, org, "staff");
    expectProblem(await call(t, "POST", "/v1/places", { token: staff.accessToken, body: PARKING }), 403, "permission_denied");
    expectProblem(await call(t, "POST", "/v1/places", { token: org.participantToken, body: PARKING }), 403, "permission_denied");
    expectProblem(await call(t, "POST", "/v1/places", { ...asVisitor(org), body: PARKING }), 403, "permission_denied");
    const place = await newPlace(t, org);
    expectProblem(await call(t, "PATCH", `/v1/places/${place.id}`, { ...asVisitor(org), body: { capacity: 1 } }), 403, "permission_denied");
  });

  it("hides inactive places from visitors and participants (404, not in lists), not from staff", async () => {
    const place = await newPlace(t, org, { active: false, name: "Closed garage" });
    expectProblem(await call(t, "GET", `/v1/places/${place.id}`, asVisitor(org)), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/places/${place.id}`, { token: org.participantToken }), 404, "not_found");
    expectStatus(await call(t, "GET", `/v1/places/${place.id}`, { token: org.secretKey }), 200);
    const visible = expectStatus<{ data: Place[] }>(await call(t, "GET", "/v1/places?limit=100&active=false", asVisitor(org)), 200);
    expect(visible.data.map((p) => p.id)).not.toContain(place.id);
    const staffView = expectStatus<{ data: Place[] }>(
      await call(t, "GET", "/v1/places?limit=100&active=false", { token: org.secretKey }),
      200,
    );
    expect(staffView.data.map((p) => p.id)).toEqual([place.id]);
  });

  it("answers 404 for another organization's place", async () => {
    const place = await newPlace(t, org);
    const stranger = await createParticipantToken(t, other.secretKey);
    for (const who of [
      { token: other.secretKey },
      { token: stranger.token },
      { token: other.publishableKey, headers: { origin: TEST_ORIGIN } },
    ]) {
      expectProblem(await call(t, "GET", `/v1/places/${place.id}`, who), 404, "not_found");
      expectProblem(
        await call(t, "GET", `/v1/places/${place.id}/availability?start=2030-06-03T10:00:00Z&end=2030-06-03T11:00:00Z`, who),
        404,
        "not_found",
      );
    }
    expectProblem(await call(t, "PATCH", `/v1/places/${place.id}`, { token: other.secretKey, body: { capacity: 1 } }), 404, "not_found");
  });
});

describe("the place's room", () => {
  it("lets anyone of the organization watch an active place (visitors too), staff an inactive one; another organization gets 404", async () => {
    const place = await newPlace(t, org);
    const hidden = await newPlace(t, org, { active: false });
    const token = (who: { token: string; headers?: Record<string, string> }, room: string) =>
      call(t, "POST", "/v1/realtime/tokens", { ...who, body: { room } });
    for (const who of [asVisitor(org), { token: org.participantToken }, { token: org.secretKey }]) {
      expect(expectStatus<{ room: string }>(await token(who, `place:${place.id}`), 201).room).toBe(`place:${place.id}`);
    }
    expectProblem(await token(asVisitor(org), `place:${hidden.id}`), 404, "not_found");
    expectStatus(await token({ token: org.secretKey }, `place:${hidden.id}`), 201);
    expectProblem(await token({ token: other.secretKey }, `place:${place.id}`), 404, "not_found");
    expectProblem(await token({ token: other.publishableKey, headers: { origin: TEST_ORIGIN } }, `place:${place.id}`), 404, "not_found");
  });
});

describe("availability and slots", () => {
  it("is capacity less the busiest instant, with the price of the window", async () => {
    const place = await newPlace(t, org, { capacity: 2 });
    // 10:00–12:00 and 12:00–14:00 UTC never overlap: one spot stays free all the time.
    await booked(t, org.participantToken, { placeId: place.id, start: "2030-06-03T10:00:00Z", durationMinutes: 120 });
    await booked(t, org.participantToken, { placeId: place.id, start: "2030-06-03T12:00:00Z", durationMinutes: 120 });
    const a = expectStatus<PlaceAvailability>(
      await call(t, "GET", `/v1/places/${place.id}/availability?start=2030-06-03T09:00:00Z&end=2030-06-03T15:00:00Z`, asVisitor(org)),
      200,
    );
    expect(a).toMatchObject({ capacity: 2, freeCapacity: 1, open: true, price: { amount: 1440, currency: "EUR" } });
    await booked(t, org.participantToken, { placeId: place.id, start: "2030-06-03T11:00:00Z", durationMinutes: 60 });
    const full = expectStatus<PlaceAvailability>(
      await call(t, "GET", `/v1/places/${place.id}/availability?start=2030-06-03T09:00:00Z&end=2030-06-03T15:00:00Z`, asVisitor(org)),
      200,
    );
    expect(full.freeCapacity).toBe(0);
    const after = expectStatus<PlaceAvailability>(
      await call(t, "GET", `/v1/places/${place.id}/availability?start=2030-06-03T14:00:00Z&end=2030-06-03T15:00:00Z`, asVisitor(org)),
      200,
    );
    expect(after.freeCapacity).toBe(2);
    // Two days at 2.40/h: each local day capped at 18.00.
    const twoDays = expectStatus<PlaceAvailability>(
      await call(t, "GET", `/v1/places/${place.id}/availability?start=2030-06-03T23:00:00Z&end=2030-06-05T23:00:00Z`, asVisitor(org)),
      200,
    );
    expect(twoDays.price).toEqual({ amount: 3600, currency: "EUR" });
  });

  it("refuses a bad window with 400", async () => {
    const place = await newPlace(t, org);
    const url = (q: string) => `/v1/places/${place.id}/availability?${q}`;
    expectProblem(
      await call(t, "GET", url("start=2030-06-03T12:00:00Z&end=2030-06-03T11:00:00Z"), asVisitor(org)),
      400,
      "validation_failed",
    );
    expectProblem(
      await call(t, "GET", url("start=2030-06-03T12:00:00Z&end=2030-06-03T12:00:00Z"), asVisitor(org)),
      400,
      "validation_failed",
    );
    expectProblem(await call(t, "GET", url("start=yesterday&end=2030-06-03T12:00:00Z"), asVisitor(org)), 400, "validation_failed");
    expectProblem(await call(t, "GET", url("start=2030-06-03T12:00:00Z"), asVisitor(org)), 400, "validation_failed");
    expectProblem(
      await call(t, "GET", url("start=2030-06-03T00:00:00Z&end=2030-09-03T00:00:00Z"), asVisitor(org)),
      400,
      "validation_failed",
    );
  });

  it("lists a day's slots within opening hours with the buffer, each with its free capacity", async () => {
    const room = await newPlace(t, org, ROOM);
    const day = expectStatus<SlotList>(await call(t, "GET", `/v1/places/${room.id}/slots?date=2030-06-04`, asVisitor(org)), 200);
    // 09:00–18:00 local (UTC+1 in June), one 60-minute slot every 75 minutes: 09:00, 10:15, … 16:30.
    expect(day.slots.map((s) => s.start)).toEqual([
      "2030-06-04T08:00:00.000Z",
      "2030-06-04T09:15:00.000Z",
      "2030-06-04T10:30:00.000Z",
      "2030-06-04T11:45:00.000Z",
      "2030-06-04T13:00:00.000Z",
      "2030-06-04T14:15:00.000Z",
      "2030-06-04T15:30:00.000Z",
    ]);
    expect(day.slots.every((s) => s.freeCapacity === 1)).toBe(true);
    await booked(t, org.participantToken, { placeId: room.id, start: "2030-06-04T09:15:00.000Z" });
    const after = expectStatus<SlotList>(await call(t, "GET", `/v1/places/${room.id}/slots?date=2030-06-04`, asVisitor(org)), 200);
    expect(after.slots.map((s) => s.freeCapacity)).toEqual([1, 0, 1, 1, 1, 1, 1]);
    const sunday = expectStatus<SlotList>(await call(t, "GET", `/v1/places/${room.id}/slots?date=2030-06-09`, asVisitor(org)), 200);
    expect(sunday.slots).toEqual([]);
    const parking = await newPlace(t, org);
    expect(
      expectStatus<SlotList>(await call(t, "GET", `/v1/places/${parking.id}/slots?date=2030-06-04`, asVisitor(org)), 200).slots,
    ).toEqual([]);
    expectProblem(await call(t, "GET", `/v1/places/${room.id}/slots?date=2030-02-30`, asVisitor(org)), 400, "validation_failed");
  });
});
