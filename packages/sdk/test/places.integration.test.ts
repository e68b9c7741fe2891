import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg, TEST_ORIGIN, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { PARKING } from "../../../apps/api/test/place-fixtures.js";
import { BadRequestError, ConflictError, type Fetch, Gatherkit, type Place, UnprocessableEntityError } from "../src/index.js";

// The places part of the SDK against the real API in process: staff set up a garage (secret
// key), a visitor of the operator's site finds and books it (publishable key), a participant
// books, completes and reviews, staff moderate.
const BASE = "http://api.test";
let t: TestApp;
let org: TestOrg;
let staff: Gatherkit;
let page: Gatherkit;
let booker: Gatherkit;
let clock = Date.UTC(2030, 5, 3, 8);
let garage: Place;

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
  staff = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: org.secretKey });
  booker = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: org.participantToken });
  const fromPage: Fetch = (url, init) =>
    t.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), origin: TEST_ORIGIN } });
  page = new Gatherkit({ baseUrl: BASE, fetch: fromPage, publishableKey: org.publishableKey, maxRetries: 0 });
});
afterAll(() => t.close());

describe("places through the SDK", () => {
  it("staff create a place; a visitor finds it near a point with its price and free spots, and books it", async () => {
    garage = await staff.places.create({ ...PARKING, capacity: 1 });
    expect((await page.places.retrieve(garage.id)).name).toBe(PARKING.name);
    const window = { start: "2030-06-03T10:00:00Z", end: "2030-06-03T12:00:00Z" };
    const found = await page.places.search({ lat: 38.71, lng: -9.137, radiusKm: 1, features: ["covered"], ...window });
    expect(found.data.map((r) => [r.place.id, r.freeCapacity, r.price?.amount])).toEqual([[garage.id, 1, 480]]);
    const b = await page.places.bookings.create({
      placeId: garage.id,
      start: window.start,
      durationMinutes: 120,
      contact: { name: "Grace" },
    });
    expect(b).toMatchObject({ status: "confirmed", end: "2030-06-03T12:00:00.000Z", price: { amount: 480, currency: "EUR" } });
    expect((await page.places.availability(garage.id, window)).freeCapacity).toBe(0);
    await expect(
      page.places.bookings.create({ placeId: garage.id, start: window.start, durationMinutes: 30, contact: { name: "Ada" } }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      page.places.bookings.create({ placeId: garage.id, start: window.start, durationMinutes: 0, contact: { name: "Ada" } }),
    ).rejects.toBeInstanceOf(BadRequestError);
    const list = (await staff.places.bookings.list({ placeId: garage.id })).data;
    expect(list.map((x) => x.id)).toEqual([b.id]);
  });

  it("a participant books, completes after the end, reviews; staff approve; the rating shows", async () => {
    const b = await booker.places.bookings.create({
      placeId: garage.id,
      start: "2030-06-03T13:00:00Z",
      durationMinutes: 30,
      contact: { name: "Lin" },
    });
    await expect(booker.places.reviews.create(b.id, { rating: 5 })).rejects.toBeInstanceOf(UnprocessableEntityError);
    clock = Date.UTC(2030, 5, 3, 13, 31);
    expect((await booker.places.bookings.complete(b.id)).status).toBe("completed");
    const review = await booker.places.reviews.create(b.id, { rating: 5, text: "Spotless" });
    expect(review.status).toBe("pending");
    await staff.places.reviews.moderate(review.id, { status: "approved" });
    expect((await page.places.reviews.list(garage.id)).data.map((r) => r.text)).toEqual(["Spotless"]);
    expect((await staff.places.reviews.reply(review.id, { text: "Thank you, Lin!" })).reply?.text).toBe("Thank you, Lin!");
    expect((await page.places.reviews.list(garage.id)).data.map((r) => r.reply?.text)).toEqual(["Thank you, Lin!"]);
    await expect(page.places.reviews.reply(review.id, { text: "Not staff" })).rejects.toMatchObject({ status: 403 });
    expect((await page.places.retrieve(garage.id)).rating).toEqual({ average: 5, count: 1 });
  });

  it("a visitor quotes a window, books it at the quoted price after a price rise, then extends it as the booker", async () => {
    const lot = await staff.places.create({ ...PARKING, name: "Quote Lot", capacity: 1 });
    const start = "2030-06-04T09:00:00Z";
    const q = await page.places.quote(lot.id, { start, durationMinutes: 60 });
    expect(q).toMatchObject({ placeId: lot.id, end: "2030-06-04T10:00:00.000Z", price: { amount: 240 }, freeCapacity: 1 });
    await staff.places.update(lot.id, { pricing: { mode: "hourly", currency: "EUR", perHour: 900 } });
    expect((await page.places.quote(lot.id, { start, durationMinutes: 60 })).price.amount).toBe(900);
    const b = await page.places.bookings.create({ placeId: lot.id, start, durationMinutes: 60, contact: { name: "Ada" }, quote: q.token });
    expect(b.price.amount).toBe(240);
    await expect(page.places.quote(lot.id, { start, durationMinutes: 0 })).rejects.toBeInstanceOf(BadRequestError);

    const own = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: b.access?.token ?? "" });
    const longer = await own.places.bookings.extend(b.id, { end: "2030-06-04T11:00:00Z" });
    expect(longer).toMatchObject({ id: b.id, end: "2030-06-04T11:00:00.000Z", status: "confirmed" });
    await staff.places.bookings.create({ placeId: lot.id, start: "2030-06-04T11:00:00Z", durationMinutes: 60, contact: { name: "Lin" } });
    const full = own.places.bookings.extend(b.id, { end: "2030-06-04T11:30:00Z" });
    await expect(full).rejects.toBeInstanceOf(ConflictError);
    await expect(full).rejects.toMatchObject({ code: "place_full" });
    await expect(own.places.bookings.extend(b.id, { end: "2030-06-04T10:30:00Z" })).rejects.toMatchObject({ code: "window_not_extended" });
    expect((await own.places.bookings.retrieve(b.id)).end).toBe("2030-06-04T11:00:00.000Z");
  });
});
