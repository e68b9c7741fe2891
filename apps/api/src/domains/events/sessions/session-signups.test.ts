import type { EventSession, GuestWithLink, Invitation, PublishedEvent } from "@gatherkit/core";
import { eventSessions, inboxItems, sessionSignups } from "@gatherkit/db";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, outboxEvents, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { deliverOutbox } from "../../../lib/outbox.js";

/**
 * Guests pick sessions of the agenda through their personal link: never over a session's
 * capacity (many at once, with a control that shows the check catches a naive pick), never two
 * overlapping sessions for one guest, confirmed guests only; a guest who stops being confirmed
 * gives their places back.
 */
let t: TestApp;
let org: TestOrg;
const pending: Promise<unknown>[] = [];
beforeAll(async () => {
  t = await createTestApp();
  t.deps.waitUntil = (p) => pending.push(p);
  org = await newOrg(t);
});

/** Every delivery started in the background, to its end, and one more pass (notifications fan out, then send). */
async function settle() {
  while (pending.length) await Promise.all(pending.splice(0));
  await deliverOutbox(t.deps);
}
afterAll(() => t.close());

// The fixture event runs 2030-07-02 19:30–22:30 UTC.
const slot = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  title: `Talk ${from}`,
  startsAt: `2030-07-02T${from}:00Z`,
  endsAt: `2030-07-02T${to}:00Z`,
  ...extra,
});

async function session(eventId: string, body: Record<string, unknown>): Promise<EventSession> {
  return expectStatus<EventSession>(await call(t, "POST", `/v1/events/${eventId}/sessions`, { token: org.secretKey, body }), 201);
}
const pick = (eventId: string, token: string, sessionId: string) =>
  call(t, "POST", `/v1/events/${eventId}/invitation/${token}/sessions`, { body: { sessionId } });
const drop = (eventId: string, token: string, sessionId: string) =>
  call(t, "DELETE", `/v1/events/${eventId}/invitation/${token}/sessions/${sessionId}`, {});

async function confirmedGuests(eventId: string, n: number): Promise<GuestWithLink[]> {
  const out: GuestWithLink[] = [];
  for (let i = 0; i < n; i++) {
    const g = await newGuest(t, org, { id: eventId }, { name: `Guest ${i}` });
    expectStatus(await answer(t, { id: eventId }, g.token, { answer: "yes" }), 200);
    out.push(g);
  }
  return out;
}

/** The emails queued for `to` of notification kind `template`. */
async function mailsOf(template: string, to: string): Promise<{ subject: string; text: string }[]> {
  const rows = await t.deps.db.all<{ payload: string }>(
    sql`SELECT payload FROM outbox WHERE kind = 'email' AND json_extract(payload, '$.template') = ${template} AND json_extract(payload, '$.to') = ${to}`,
  );
  return rows.map((r) => JSON.parse(r.payload));
}

/** Sign-ups counted from the pick rows, and the counter the writes keep. */
async function fill(sessionId: string) {
  const [rows] = await t.deps.db.select({ n: count() }).from(sessionSignups).where(eq(sessionSignups.sessionId, sessionId));
  const [s] = await t.deps.db.select().from(eventSessions).where(eq(eventSessions.id, sessionId));
  return { picks: rows?.n ?? -1, counter: s?.signedUp ?? -1 };
}

function expectWithin(f: { picks: number; counter: number }, capacity: number) {
  expect(f.picks, "picks (from the rows)").toBeLessThanOrEqual(capacity);
  expect(f.counter, "the counter agrees with the rows").toBe(f.picks);
}

describe("session sign-ups", () => {
  it("a confirmed guest picks and drops sessions; the agenda, the invitation and the room show it", async () => {
    const event = await newEvent(t, org);
    const keynote = await session(event.id, slot("19:30", "20:15", { capacity: 2, room: "Main hall" }));
    expect(keynote).toMatchObject({ capacity: 2, signedUp: 0 });
    const [ada] = await confirmedGuests(event.id, 1);
    const picked = expectStatus<EventSession>(await pick(event.id, ada!.token, keynote.id), 200);
    expect(picked).toMatchObject({ id: keynote.id, signedUp: 1 });
    // Picking it again (a retry) answers it as it is, without a second place.
    expect(expectStatus<EventSession>(await pick(event.id, ada!.token, keynote.id), 200).signedUp).toBe(1);
    const mine = expectStatus<{ data: EventSession[] }>(
      await call(t, "GET", `/v1/events/${event.id}/invitation/${ada!.token}/sessions`, {}),
      200,
    );
    expect(mine.data.map((s) => s.id)).toEqual([keynote.id]);
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${ada!.token}`, {}), 200);
    expect(inv.sessionIds).toEqual([keynote.id]);
    expectStatus(await drop(event.id, ada!.token, keynote.id), 204);
    expectStatus(await drop(event.id, ada!.token, keynote.id), 204);
    expect(await fill(keynote.id)).toEqual({ picks: 0, counter: 0 });
    const agenda = (await outboxEvents(t, `event:${event.id}`)).filter(
      (e): e is Extract<PublishedEvent, { type: "event.agenda_changed" }> => e.type === "event.agenda_changed",
    );
    expect(agenda.map((e) => e.data.signedUp)).toEqual([0, 1, 0]);
  });

  it("refuses overlapping picks, full sessions, guests who are not confirmed, and another event's session", async () => {
    const event = await newEvent(t, org);
    const a = await session(event.id, slot("19:30", "20:30"));
    const overlapping = await session(event.id, slot("20:00", "21:00"));
    const after = await session(event.id, slot("20:30", "21:00", { capacity: 1 }));
    const [ada, bo] = await confirmedGuests(event.id, 2);
    expectStatus(await pick(event.id, ada!.token, a.id), 200);
    expectProblem(await pick(event.id, ada!.token, overlapping.id), 409, "session_overlap");
    // Back to back is not an overlap.
    expectStatus(await pick(event.id, ada!.token, after.id), 200);
    expectProblem(await pick(event.id, bo!.token, after.id), 409, "session_full");
    const maybe = await newGuest(t, org, event, { name: "Maybe" });
    expectStatus(await answer(t, event, maybe.token, { answer: "maybe" }), 200);
    expectProblem(await pick(event.id, maybe.token, a.id), 409, "guest_not_confirmed");
    const elsewhere = await newEvent(t, org);
    const foreign = await session(elsewhere.id, slot("19:30", "20:00"));
    expectProblem(await pick(event.id, ada!.token, foreign.id), 404, "not_found");
    expectProblem(await pick(elsewhere.id, ada!.token, foreign.id), 404, "guest_link_invalid");
    // The capacity cannot go below who signed up.
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}/sessions/${a.id}`, { token: org.secretKey, body: { capacity: 0 } }),
      400,
      "validation_failed",
    );
    await pick(event.id, bo!.token, a.id);
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}/sessions/${a.id}`, { token: org.secretKey, body: { capacity: 1 } }),
      409,
      "session_full",
    );
  });

  it("a guest who declines (or is removed) gives their places back, and the organizer's change is emailed to who picked it", async () => {
    const event = await newEvent(t, org);
    const s = await session(event.id, slot("19:30", "20:00", { capacity: 5 }));
    const [ada, bo] = await confirmedGuests(event.id, 2);
    const withMail = await newGuest(t, org, event, { name: "Cy", email: "cy.sessions@example.com" });
    expectStatus(await answer(t, event, withMail.token, { answer: "yes" }), 200);
    for (const g of [ada!, bo!, withMail]) expectStatus(await pick(event.id, g.token, s.id), 200);
    expect(await fill(s.id)).toEqual({ picks: 3, counter: 3 });
    expectStatus(await answer(t, event, ada!.token, { answer: "no" }), 200);
    expect(await fill(s.id)).toEqual({ picks: 2, counter: 2 });
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/guests/${bo!.id}`, { token: org.secretKey }), 204);
    expect(await fill(s.id)).toEqual({ picks: 1, counter: 1 });
    expectStatus(
      await call(t, "PATCH", `/v1/events/${event.id}/sessions/${s.id}`, {
        token: org.secretKey,
        body: { startsAt: "2030-07-02T21:00:00Z", endsAt: "2030-07-02T21:30:00Z", room: "Room B" },
      }),
      200,
    );
    await settle();
    const mails = await mailsOf("session_changed", "cy.sessions@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain("Room B");
  });

  it("deleting a session notifies every guest who had picked it, and takes it off their agenda and calendar file", async () => {
    const event = await newEvent(t, org, { title: "Summit" });
    const doomed = await session(event.id, slot("19:30", "20:00", { title: "Lightning talks", capacity: 5, room: "Hall 2" }));
    const kept = await session(event.id, slot("21:00", "21:30", { title: "Closing" }));
    const guest = async (name: string, body: Record<string, unknown>) => {
      const g = await newGuest(t, org, event, { name, ...body });
      expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
      return g;
    };
    const ada = await guest("Ada", { email: "ada.cancel@example.com", phone: "+14155550131" });
    const bo = await guest("Bo", { email: "bo.cancel@example.com" });
    const cy = await guest("Cy", { email: "cy.cancel@example.com" });
    for (const g of [ada, bo]) expectStatus(await pick(event.id, g.token, doomed.id), 200);
    for (const g of [ada, cy]) expectStatus(await pick(event.id, g.token, kept.id), 200);

    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${doomed.id}`, { token: org.secretKey }), 204);
    await settle();

    for (const to of ["ada.cancel@example.com", "bo.cancel@example.com"]) {
      const mails = await mailsOf("session_cancelled", to);
      expect(mails, to).toHaveLength(1);
      expect(mails[0]!.subject).toBe("Cancelled: Lightning talks");
      expect(mails[0]!.text).toContain('"Lightning talks" at Summit');
    }
    expect(await mailsOf("session_cancelled", "cy.cancel@example.com")).toEqual([]);
    const texts = await t.deps.db.all<{ payload: string }>(
      sql`SELECT payload FROM outbox WHERE kind = 'sms' AND json_extract(payload, '$.template') = 'session_cancelled'`,
    );
    expect(texts.map((r) => JSON.parse(r.payload).to)).toEqual(["+14155550131"]);
    const inbox = await t.deps.db.select().from(inboxItems).where(eq(inboxItems.kind, "session_cancelled"));
    expect(inbox.map((i) => i.recipientId).sort()).toEqual([ada.id, bo.id].sort());

    // The pick is gone: not on the personal agenda, not in the calendar file, no row left.
    const mine = expectStatus<{ data: EventSession[] }>(
      await call(t, "GET", `/v1/events/${event.id}/invitation/${ada.token}/sessions`),
      200,
    );
    expect(mine.data.map((s) => s.id)).toEqual([kept.id]);
    const ics = await (await t.fetch(`http://api.test/v1/events/${event.id}/invitation/${ada.token}/calendar.ics`)).text();
    expect(ics).toContain("Closing");
    expect(ics).not.toContain("Lightning talks");
    const [left] = await t.deps.db.select({ n: count() }).from(sessionSignups).where(eq(sessionSignups.sessionId, doomed.id));
    expect(left?.n).toBe(0);
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${bo.token}`, {}), 200);
    expect(inv.sessionIds).toEqual([]);
  });
});

describe("120 simultaneous picks never exceed a session's capacity", () => {
  for (const capacity of [1, 7, 30]) {
    it(`capacity ${capacity}: exactly full, everyone else 409 session_full`, async () => {
      const event = await newEvent(t, org);
      await rsvpSettings(t, org, event, { capacity: 200 });
      const s = await session(event.id, slot("19:30", "20:30", { capacity }));
      const guests = await confirmedGuests(event.id, 120);
      const answers = await Promise.all(guests.map((g) => pick(event.id, g.token, s.id)));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((x) => x === 200)).toHaveLength(capacity);
      for (const r of answers.filter((x) => x.status !== 200)) expectProblem(r, 409, "session_full");
      const f = await fill(s.id);
      expectWithin(f, capacity);
      expect(f.picks).toBe(capacity);
    });
  }

  it("one guest picking overlapping sessions at once holds at most one of them", async () => {
    const event = await newEvent(t, org);
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await session(event.id, slot("19:30", "20:30", { title: `Parallel ${i}` })));
    const [ada] = await confirmedGuests(event.id, 1);
    const answers = await Promise.all(sessions.flatMap((s) => [pick(event.id, ada!.token, s.id), pick(event.id, ada!.token, s.id)]));
    for (const r of answers) expect([200, 409]).toContain(r.status);
    const [held] = await t.deps.db.select({ n: count() }).from(sessionSignups).where(eq(sessionSignups.guestId, ada!.id));
    expect(held?.n).toBe(1);
  });
});

describe("control: the same race catches a pick that reads the count, then writes", () => {
  it("overfills, and expectWithin says so", async () => {
    const capacity = 5;
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { capacity: 200 });
    // No capacity stored: the only rule is the naive read below.
    const s = await session(event.id, slot("19:30", "20:30"));
    const guests = await confirmedGuests(event.id, 120);
    const naive = async (guestId: string) => {
      const { picks } = await fill(s.id);
      if (picks >= capacity) return;
      await t.deps.db.batch([
        t.deps.db.insert(sessionSignups).values({
          id: `ssu_${guestId.slice(4)}`,
          orgId: org.org.id,
          eventId: event.id,
          sessionId: s.id,
          guestId,
          createdAt: t.deps.now(),
        }),
        t.deps.db
          .update(eventSessions)
          .set({ signedUp: sql`${eventSessions.signedUp} + 1` })
          .where(eq(eventSessions.id, s.id)),
      ]);
    };
    await Promise.all(guests.map((g) => naive(g.id)));
    const f = await fill(s.id);
    expect(f.picks).toBeGreaterThan(capacity);
    expect(() => expectWithin(f, capacity)).toThrow();
  });
});
