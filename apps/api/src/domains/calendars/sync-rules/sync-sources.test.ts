import type { Booking, Client, SyncRule } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { and, isNull, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalendarApp, calendarApp } from "../../../../test/calendar-fixtures.js";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import type { GoogleStandIn } from "../../../../test/google-standin.js";
import { newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { booked, inMinutes, newPlace } from "../../../../test/place-fixtures.js";
import { deliverOutbox, PARKED } from "../../../lib/outbox.js";

const TEAM = "team@group.calendar.google.com";

let app: CalendarApp;
let g: GoogleStandIn;
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let client: Client;

beforeAll(async () => {
  app = await calendarApp();
  ({ g, t, org, other, client } = app);
});
afterAll(() => app.close());

async function settle() {
  for (let i = 0; i < 100; i++) {
    await deliverOutbox(t.deps);
    const waiting = await t.deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), ne(outbox.nextAttemptAt, PARKED)));
    if (waiting.length === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the outbox did not settle");
}

const live = (summary: string) => g.eventsOf(TEAM).filter((e) => e.status !== "cancelled" && String(e.summary).includes(summary));

const link = async (source: { type: string; id: string }) =>
  expectStatus<SyncRule>(
    await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, { token: org.secretKey, body: { calendarId: TEAM, source } }),
    201,
  );

describe("sync rules for events (with their RSVPs) and places' bookings", () => {
  it("pushes a published event, its edit and its RSVP headcount, and deletes it when cancelled", async () => {
    const event = await newEvent(t, org, { title: "Harbour gala", publish: false });
    await link({ type: "event", id: event.id });
    await settle();
    expect(live("Harbour gala")).toHaveLength(0); // a draft is not on the calendar

    expectStatus(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: org.secretKey }), 200);
    await settle();
    expect(live("Harbour gala")).toHaveLength(1);
    expect(live("Harbour gala")[0]).toMatchObject({ start: { dateTime: "2030-07-02T19:30:00.000Z", timeZone: "Europe/Lisbon" } });

    // An edit (no room message) reaches the calendar through the task queued with the write.
    expectStatus(await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { title: "Harbour gala (moved)" } }), 200);
    await settle();
    expect(live("Harbour gala").map((e) => e.summary)).toEqual(["Harbour gala (moved)"]);

    // A guest's yes changes the headcount in the calendar event.
    await rsvpSettings(t, org, event, { mode: "invite_only", maxPlusOnes: 2 });
    const guest = await newGuest(t, org, event, { email: "ada@example.com" });
    expectStatus(
      await call(t, "POST", `/v1/events/${event.id}/guests/${guest.id}/rsvp`, {
        token: org.secretKey,
        body: { answer: "yes", plusOnes: 1 },
      }),
      200,
    );
    await settle();
    expect(String(live("Harbour gala")[0]?.description)).toContain("2 going");

    expectStatus(await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: org.secretKey }), 200);
    await settle();
    expect(live("Harbour gala")).toHaveLength(0);
  });

  it("pushes each confirmed booking of a place and deletes it when the booking is cancelled, leaving the others", async () => {
    const place = await newPlace(t, org, { name: "Quay garage" });
    const first: Booking = await booked(t, org.secretKey, {
      placeId: place.id,
      start: inMinutes(t, 120),
      durationMinutes: 60,
      contact: { name: "Grace" },
    });
    expect(first.status).toBe("confirmed");
    await link({ type: "place", id: place.id });
    await settle();
    expect(live("Quay garage").map((e) => e.summary)).toEqual(["Quay garage: Grace"]); // the upcoming booking, on linking

    const second = await booked(t, org.secretKey, {
      placeId: place.id,
      start: inMinutes(t, 300),
      durationMinutes: 30,
      contact: { name: "Linus" },
    });
    await settle();
    expect(
      live("Quay garage")
        .map((e) => e.summary)
        .sort(),
    ).toEqual(["Quay garage: Grace", "Quay garage: Linus"]);

    expectStatus(await call(t, "POST", `/v1/bookings/${second.id}/cancel`, { token: org.secretKey, body: {} }), 200);
    await settle();
    expect(live("Quay garage").map((e) => e.summary)).toEqual(["Quay garage: Grace"]);
  });

  it("refuses a source the organization does not have (404), and an id of the wrong kind (400)", async () => {
    const theirs = await newEvent(t, other, { title: "Not yours" });
    expectProblem(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: TEAM, source: { type: "event", id: theirs.id } },
      }),
      404,
      "not_found",
    );
    const place = await newPlace(t, org);
    const r = await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
      token: org.secretKey,
      body: { calendarId: TEAM, source: { type: "event", id: place.id } },
    });
    expect(r.status).toBe(400);
  });
});
