import type { PlaceSearchResult } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, booked, newPlace } from "../../../../test/place-fixtures.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let clock = Date.UTC(2030, 5, 3, 8);
const center = { lat: 38.7107, lng: -9.1366 };
/** A point `km` east of the center (about 87 km per degree of longitude at this latitude). */
const east = (km: number) => ({ lat: center.lat, lng: center.lng + km / 86.9 });
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
  other = await newOrg(t);
  const mk = async (name: string, km: number, extra: object) => {
    ids[name] = (await newPlace(t, org, { name, location: east(km), ...extra })).id;
  };
  await mk("near-cheap", 0.3, {
    capacity: 1,
    pricing: { mode: "hourly", currency: "EUR", perHour: 100, dailyMax: null },
    features: ["covered"],
  });
  await mk("mid-dear", 1.0, {
    capacity: 2,
    pricing: { mode: "hourly", currency: "EUR", perHour: 500, dailyMax: null },
    features: ["covered", "ev_charging"],
  });
  await mk("far-mid", 1.8, {
    capacity: 3,
    pricing: { mode: "hourly", currency: "EUR", perHour: 300, dailyMax: null },
    features: ["ev_charging"],
  });
  await mk("outside", 2.5, { features: ["covered"] });
  await mk("inactive", 0.1, { active: false });
  await mk("venue", 0.5, { kind: "venue", features: [] });
  // Another organization's place right at the center is never found.
  await newPlace(t, other, { name: "theirs", location: center });
});
afterAll(() => t.close());

type Page = { data: PlaceSearchResult[]; nextCursor: string | null };
const search = async (q: string, who: { token: string; headers?: Record<string, string> } = asVisitor(org)) =>
  expectStatus<Page>(await call(t, "GET", `/v1/search/places?lat=${center.lat}&lng=${center.lng}&${q}`, who), 200);
const names = (p: Page) => p.data.map((r) => r.place.name);
const window = "start=2030-06-03T10:00:00Z&end=2030-06-03T12:00:00Z";

describe("search near a point", () => {
  it("finds the organization's active places within the radius, nearest first, with exact distances", async () => {
    const p = await search("radiusKm=2");
    expect(names(p)).toEqual(["near-cheap", "venue", "mid-dear", "far-mid"]);
    expect(p.data[0]?.distanceKm).toBeCloseTo(0.3, 1);
    expect(p.data.every((r) => r.freeCapacity === null && r.price === null)).toBe(true);
    expect(names(await search("radiusKm=0.4"))).toEqual(["near-cheap"]);
  });

  it("filters by kind and features", async () => {
    expect(names(await search("radiusKm=5&kind=venue"))).toEqual(["venue"]);
    expect(names(await search("radiusKm=5&features=covered"))).toEqual(["near-cheap", "mid-dear", "outside"]);
    expect(names(await search("radiusKm=5&features=covered,ev_charging"))).toEqual(["mid-dear"]);
  });

  it("gives each place its free capacity and price for a window, sorts by price, keeps only available ones", async () => {
    await booked(t, org.participantToken, { placeId: ids["near-cheap"] ?? "", start: "2030-06-03T11:00:00Z", durationMinutes: 60 });
    const p = await search(`radiusKm=2&kind=parking&${window}`);
    expect(p.data.map((r) => [r.place.name, r.freeCapacity, r.price?.amount])).toEqual([
      ["near-cheap", 0, 200],
      ["mid-dear", 2, 1000],
      ["far-mid", 3, 600],
    ]);
    expect(names(await search(`radiusKm=2&kind=parking&sort=price&${window}`))).toEqual(["near-cheap", "far-mid", "mid-dear"]);
    expect(names(await search(`radiusKm=2&kind=parking&sort=price&available=true&${window}`))).toEqual(["far-mid", "mid-dear"]);
  });

  it("pages with a cursor without gaps or repeats", async () => {
    const all = names(await search("radiusKm=5&limit=100"));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page = await search(`radiusKm=5&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...names(p));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(5);
  });

  it("refuses bad queries with 400", async () => {
    const bad = async (q: string) =>
      expectProblem(await call(t, "GET", `/v1/search/places?${q}`, asVisitor(org)), 400, "validation_failed");
    await bad("lat=91&lng=0");
    await bad("lat=0&lng=181");
    await bad("lng=0");
    await bad("lat=abc&lng=0");
    await bad("lat=0&lng=0&radiusKm=0");
    await bad("lat=0&lng=0&radiusKm=500");
    await bad("lat=0&lng=0&features=jacuzzi");
    await bad("lat=0&lng=0&sort=price");
    await bad("lat=0&lng=0&start=2030-06-03T10:00:00Z");
    await bad("lat=0&lng=0&start=2030-06-03T10:00:00Z&end=2030-06-03T09:00:00Z");
    await bad("lat=0&lng=0&cursor=not-ours");
  });

  it("works across the antimeridian", async () => {
    const fiji = await newPlace(t, org, { name: "Suva", location: { lat: -17.7, lng: 179.99 }, timeZone: "Pacific/Fiji" });
    const p = expectStatus<Page>(await call(t, "GET", "/v1/search/places?lat=-17.7&lng=-179.99&radiusKm=5", asVisitor(org)), 200);
    expect(p.data.map((r) => r.place.id)).toEqual([fiji.id]);
  });
});
