import type { GuestWithLink } from "@gatherkit/core";
import { eventRsvp, guests } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { createTestApp, type TestApp } from "../../../../test/harness.js";

/**
 * Overbooking, as in the checkout's oversell test: many guests answer `yes` at the same moment
 * against a small limit; the confirmed headcount (guests plus plus-ones, counted from the guest
 * rows, not from the counter the write keeps) never exceeds it, everyone else is waitlisted, and
 * nothing fails. The control runs the same race against a naive RSVP (read the headcount, then
 * write) and shows that `expectWithin` catches it.
 */

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const GUESTS = 120;

interface Headcount {
  seats: number;
  confirmed: number;
  waitlisted: number;
  counter: number;
}

async function headcount(eventId: string): Promise<Headcount> {
  const [row] = await t.deps.db
    .select({
      seats: sql<number>`COALESCE(SUM(CASE WHEN ${guests.status} = 'confirmed' THEN 1 + ${guests.plusOnes} ELSE 0 END), 0)`,
      confirmed: sql<number>`COALESCE(SUM(${guests.status} = 'confirmed'), 0)`,
      waitlisted: sql<number>`COALESCE(SUM(${guests.status} = 'waitlisted'), 0)`,
    })
    .from(guests)
    .where(eq(guests.eventId, eventId));
  const [s] = await t.deps.db.select().from(eventRsvp).where(eq(eventRsvp.eventId, eventId));
  return { seats: Number(row?.seats), confirmed: Number(row?.confirmed), waitlisted: Number(row?.waitlisted), counter: s?.seatsUsed ?? -1 };
}

/** The rule: never more confirmed places than the limit, and the counter agrees with the guest rows. */
function expectWithin(h: Headcount, capacity: number) {
  expect(h.seats, "confirmed places (from the guest rows)").toBeLessThanOrEqual(capacity);
  expect(h.counter, "the counter agrees with the guest rows").toBe(h.seats);
}

/** `n` guests; their plus-one limit is the event's. */
async function guestsOf(eventId: string, n: number): Promise<GuestWithLink[]> {
  const out: GuestWithLink[] = [];
  for (let i = 0; i < n; i++) out.push(await newGuest(t, org, { id: eventId }, { name: `Guest ${i}` }));
  return out;
}

describe(`${GUESTS} simultaneous RSVPs never overbook`, () => {
  for (const capacity of [1, 10, 40]) {
    it(`a limit of ${capacity} with single guests: exactly full, everyone else waitlisted`, async () => {
      const event = await newEvent(t, org);
      await rsvpSettings(t, org, event, { capacity });
      const list = await guestsOf(event.id, GUESTS);
      const answers = await Promise.all(list.map((g) => answer(t, event, g.token, { answer: "yes" })));
      expect(new Set(answers.map((r) => r.status))).toEqual(new Set([200]));
      const h = await headcount(event.id);
      expectWithin(h, capacity);
      expect(h).toMatchObject({ seats: capacity, confirmed: capacity, waitlisted: GUESTS - capacity });
    });
  }

  it("a limit of 25 with parties of one to three", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { capacity: 25, maxPlusOnes: 2 });
    const list = await guestsOf(event.id, GUESTS);
    const answers = await Promise.all(list.map((g, i) => answer(t, event, g.token, { answer: "yes", plusOnes: i % 3 })));
    expect(new Set(answers.map((r) => r.status))).toEqual(new Set([200]));
    const h = await headcount(event.id);
    expectWithin(h, 25);
    expect(h.confirmed + h.waitlisted).toBe(GUESTS);
  });

  it("declines, re-answers and new answers at once: the waitlist moves up in order and stays within the limit", async () => {
    const capacity = 15;
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { capacity, maxPlusOnes: 1 });
    const list = await guestsOf(event.id, 60);
    // Fill up one by one so the waitlist order is known.
    for (const g of list.slice(0, 30)) await answer(t, event, g.token, { answer: "yes" });
    const waitOrder = list.slice(capacity, 30).map((g) => g.id);
    const answers = await Promise.all([
      // Five confirmed guests decline, each twice at once (one of the pair may be told 409 conflict).
      ...list.slice(0, 5).flatMap((g) => [answer(t, event, g.token, { answer: "no" }), answer(t, event, g.token, { answer: "no" })]),
      // Five confirmed guests ask for a plus-one (the waitlist is ahead of them: refused or conflicting).
      ...list.slice(5, 10).map((g) => answer(t, event, g.token, { answer: "yes", plusOnes: 1 })),
      // Thirty new guests answer yes.
      ...list.slice(30).map((g) => answer(t, event, g.token, { answer: "yes", plusOnes: 1 })),
    ]);
    for (const r of answers) expect([200, 409]).toContain(r.status);
    for (const r of answers.filter((x) => x.status === 409)) expect(["conflict", "rsvp_capacity_exceeded"]).toContain(r.body.code);
    const h = await headcount(event.id);
    expectWithin(h, capacity);
    expect(h.seats).toBe(capacity);
    // The five places went to the first five on the waitlist, not to the newcomers.
    const promoted = await t.deps.db
      .select({ id: guests.id })
      .from(guests)
      .where(and(eq(guests.eventId, event.id), eq(guests.status, "confirmed"), sql`${guests.id} IN ${waitOrder}`));
    expect(new Set(promoted.map((p) => p.id))).toEqual(new Set(waitOrder.slice(0, 5)));
  });
});

describe("control: the same race catches an RSVP that reads the headcount, then writes", () => {
  /** The naive RSVP: read what is confirmed, then confirm the guest if there seemed to be room. */
  async function naiveRsvp(eventId: string, guestId: string, capacity: number): Promise<void> {
    const { seats } = await headcount(eventId);
    const status = seats < capacity ? "confirmed" : "waitlisted";
    await t.deps.db.batch([
      t.deps.db.update(guests).set({ status }).where(eq(guests.id, guestId)),
      t.deps.db
        .update(eventRsvp)
        .set({ seatsUsed: sql`${eventRsvp.seatsUsed} + ${status === "confirmed" ? 1 : 0}` })
        .where(eq(eventRsvp.eventId, eventId)),
    ]);
  }

  it("overbooks, and expectWithin says so", async () => {
    const capacity = 10;
    const event = await newEvent(t, org);
    // No limit in the database (so its CHECK does not stop the naive writes): the rule is only the naive read.
    const list = await guestsOf(event.id, GUESTS);
    await Promise.all(list.map((g) => naiveRsvp(event.id, g.id, capacity)));
    const h = await headcount(event.id);
    expect(h.seats).toBeGreaterThan(capacity);
    expect(() => expectWithin(h, capacity)).toThrow();
  });
});
