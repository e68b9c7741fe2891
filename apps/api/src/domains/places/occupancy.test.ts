import { maxOverlap, type Window } from "@gatherkit/core";
import { placeBookings } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg, type TestOrg } from "../../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../../test/harness.js";
import { newPlace } from "../../../test/place-fixtures.js";
import { maxOverlapSql } from "./occupancy.js";

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const MIN = 60_000;
const BASE = Date.UTC(2030, 5, 3);
const window = fc
  .tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 240 }))
  .map(([s, d]): Window => ({ start: BASE + s * MIN, end: BASE + (s + d) * MIN }));

describe("maxOverlapSql", () => {
  it("counts exactly what core's maxOverlap counts, for random bookings (cancelled, expired and lapsed holds not; held extensions yes) and windows", async () => {
    const place = await newPlace(t, org);
    const NOW = BASE + 300 * MIN;
    const booking = fc.record({
      w: window,
      status: fc.constantFrom("confirmed", "completed", "cancelled", "pending_payment", "expired"),
      held: fc.boolean(),
      extension: fc.option(fc.record({ minutes: fc.integer({ min: 1, max: 120 }), held: fc.boolean() }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(booking, { maxLength: 25 }), fc.array(window, { minLength: 1, maxLength: 5 }), async (bookings, probes) => {
        await t.deps.db.delete(placeBookings).where(eq(placeBookings.placeId, place.id));
        if (bookings.length > 0) {
          await t.deps.db.insert(placeBookings).values(
            bookings.map((b, i) => ({
              id: `bkg_prop${String(i).padStart(8, "0")}`,
              orgId: org.org.id,
              placeId: place.id,
              status: b.status,
              startsAt: b.w.start,
              endsAt: b.w.end,
              occupiedUntil: b.w.end,
              holdExpiresAt: b.status === "pending_payment" || b.status === "expired" ? NOW + (b.held ? 1 : 0) : null,
              extensionEndsAt: b.extension ? b.w.end + b.extension.minutes * MIN : null,
              extensionOccupiedUntil: b.extension ? b.w.end + b.extension.minutes * MIN : null,
              extensionExpiresAt: b.extension ? NOW + (b.extension.held ? 1 : 0) : null,
              price: 0,
              currency: "EUR",
              contactName: "P",
              createdAt: 0,
              updatedAt: 0,
            })),
          );
        }
        const holding = bookings
          .filter((b) => b.status === "confirmed" || b.status === "completed" || (b.status === "pending_payment" && b.held))
          .map((b) => ({ start: b.w.start, end: b.extension?.held ? b.w.end + b.extension.minutes * MIN : b.w.end }));
        for (const w of probes) {
          const [row] = await t.deps.db.all<{ n: number }>(sql`SELECT ${maxOverlapSql(place.id, w.start, w.end, NOW)} AS n`);
          expect(row?.n).toBe(maxOverlap(holding, w));
        }
      }),
      { numRuns: 40 },
    );
  });
});
