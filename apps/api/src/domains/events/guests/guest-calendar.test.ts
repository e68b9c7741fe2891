import type { Invitation, PublishedEvent } from "@gatherkit/core";
import { notificationDeliveries, outbox } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectStatus, outboxEmails, outboxEvents, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { emailsTo, type NotifyingApp, notifyingApp } from "../../../../test/notify-fixtures.js";

/**
 * What reaches a guest's calendar and phone: invitations and confirmations carry the event as an
 * iTIP REQUEST (.ics) whose UID stays and whose SEQUENCE rises with each change; the personal
 * link serves the event and the picked sessions as a file, with add-to-calendar links; reminders
 * go out before the event through scheduled notifications, to those who said yes or maybe only,
 * never for a cancelled event; and the event's room hears the headcount after each RSVP.
 */
let app: NotifyingApp;
let t: TestApp;
let a: TestOrg;
const HOUR = 60 * 60_000;
let n = 0;
const address = (name: string) => `${name}.${++n}.cal@example.com`;

beforeAll(async () => {
  app = await notifyingApp();
  ({ t, a } = app);
});
afterAll(() => t.close());

/** A property's content line, unfolded (RFC 5545 folds lines longer than 75 octets). */
const field = (ics: string, name: string) => {
  const lines = ics.replaceAll("\r\n ", "").split("\r\n");
  // The calendar's own lines, then the event's (skipping the VTIMEZONE's DTSTARTs).
  const own = (l: string) => l.startsWith(`${name}:`) || l.startsWith(`${name};`);
  return lines.slice(lines.indexOf("BEGIN:VEVENT")).find(own) ?? lines.find(own);
};

describe(".ics invitations", () => {
  it("the invitation email carries the event as METHOD:REQUEST with a stable UID, the guest as attendee, and a SEQUENCE that rises with changes", async () => {
    const event = await newEvent(t, a, { title: "Wedding; party, v2" });
    await rsvpSettings(t, a, event, { invitationUrl: "https://host.example/rsvp" });
    const to = address("ada");
    const ada = await newGuest(t, a, event, { name: "Ada", email: to });
    expectStatus(
      await call(t, "POST", `/v1/events/${event.id}/guest-invitations`, { token: a.secretKey, body: { channels: ["email"] } }),
      200,
    );
    const [mail] = await outboxEmails(t, to, "rsvp_invitation");
    const [file] = mail!.attachments ?? [];
    expect(file).toMatchObject({ filename: "invite.ics", contentType: "text/calendar; charset=utf-8; method=REQUEST" });
    const ics = fromBase64(file!.content);
    expect(field(ics, "METHOD")).toBe("METHOD:REQUEST");
    expect(field(ics, "UID")).toBe(`UID:${event.id}@api.test`);
    expect(field(ics, "SUMMARY")).toBe("SUMMARY:Wedding\\; party\\, v2");
    // In the event's own zone (Europe/Lisbon, UTC+1 in July), with its VTIMEZONE.
    expect(field(ics, "DTSTART")).toBe("DTSTART;TZID=Europe/Lisbon:20300702T203000");
    expect(field(ics, "ATTENDEE")).toContain(`PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${to}`);
    const firstSequence = Number(field(ics, "SEQUENCE")!.split(":")[1]);
    // The organizer moves the event a little later: the guest's "yes" confirmation has the same UID and a higher SEQUENCE.
    app.advance(5_000);
    expectStatus(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { endsAt: "2030-07-02T23:00:00.000Z" } }),
      200,
    );
    expectStatus(await answer(t, event, ada.token, { answer: "yes" }), 200);
    const [confirmed] = await outboxEmails(t, to, "rsvp_confirmed");
    const again = fromBase64(confirmed!.attachments![0]!.content);
    expect(field(again, "UID")).toBe(`UID:${event.id}@api.test`);
    expect(field(again, "DTEND")).toBe("DTEND;TZID=Europe/Lisbon:20300703T000000");
    expect(Number(field(again, "SEQUENCE")!.split(":")[1])).toBeGreaterThan(firstSequence);
  });

  it("the personal link serves the event and the picked sessions as a calendar file, with Google and Outlook links", async () => {
    const event = await newEvent(t, a);
    const s = expectStatus<{ id: string }>(
      await call(t, "POST", `/v1/events/${event.id}/sessions`, {
        token: a.secretKey,
        body: { title: "Toasts", startsAt: "2030-07-02T20:00:00Z", endsAt: "2030-07-02T20:30:00Z", room: "Garden" },
      }),
      201,
    );
    const g = await newGuest(t, a, event, { name: "Bo" });
    expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
    expectStatus(await call(t, "POST", `/v1/events/${event.id}/invitation/${g.token}/sessions`, { body: { sessionId: s.id } }), 200);
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${g.token}`, {}), 200);
    expect(inv.calendar.ics).toBe(`http://api.test/v1/events/${event.id}/invitation/${g.token}/calendar.ics`);
    expect(new URL(inv.calendar.google).searchParams.get("dates")).toBe("20300702T193000Z/20300702T223000Z");
    expect(new URL(inv.calendar.outlook).searchParams.get("subject")).toBe(event.title);
    const res = await t.fetch(inv.calendar.ics);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = await res.text();
    expect(ics).toContain(`UID:${s.id}@api.test`);
    expect(ics).toContain("LOCATION:Garden");
    expect(ics.split("\r\n").filter((l) => l === "BEGIN:VEVENT")).toHaveLength(2);
  });
});

describe("realtime headcount", () => {
  it("every RSVP change tells the event's room yes / maybe / no / waitlisted as the write left them", async () => {
    const event = await newEvent(t, a);
    await rsvpSettings(t, a, event, { capacity: 2, maxPlusOnes: 1 });
    const [x, y, z] = [await newGuest(t, a, event), await newGuest(t, a, event), await newGuest(t, a, event)];
    expectStatus(await answer(t, event, x.token, { answer: "yes", plusOnes: 1 }), 200);
    expectStatus(await answer(t, event, y.token, { answer: "yes" }), 200);
    expectStatus(await answer(t, event, z.token, { answer: "maybe" }), 200);
    expectStatus(await answer(t, event, x.token, { answer: "no" }), 200);
    const counts = (await outboxEvents(t, `event:${event.id}`))
      .filter((e): e is Extract<PublishedEvent, { type: "event.headcount_changed" }> => e.type === "event.headcount_changed")
      .map((e) => e.data);
    expect(counts.at(-4)).toMatchObject({ yes: 2, maybe: 0, no: 0, waitlisted: 0, capacity: 2 });
    expect(counts.at(-3)).toMatchObject({ yes: 2, waitlisted: 1 });
    expect(counts.at(-2)).toMatchObject({ yes: 2, maybe: 1, waitlisted: 1 });
    // x declined: y moved up from the waitlist in the same write.
    expect(counts.at(-1)).toMatchObject({ eventId: event.id, yes: 1, maybe: 1, no: 1, waitlisted: 0, capacity: 2 });
  });
});

describe("reminders", () => {
  /** Moves the clock to `ms` before the fixture event's start. */
  const toBeforeStart = (startsAt: string, ms: number) => app.advance(Date.parse(startsAt) - ms - t.deps.now());
  const reminders = (to: string) => emailsTo(t, to).then((rows) => rows.filter((r) => r.subject?.startsWith("Reminder:")));

  it("go out a day and an hour before, to guests who said yes or maybe, not to those who declined or withdrew; none for a cancelled event", async () => {
    const startsAt = "2031-03-10T18:00:00.000Z";
    const event = await newEvent(t, a, { startsAt, endsAt: "2031-03-10T21:00:00.000Z", title: "Reunion" });
    const cancelled = await newEvent(t, a, { startsAt, endsAt: "2031-03-10T21:00:00.000Z", title: "Called off" });
    const settings = await rsvpSettings(t, a, event, { reminders: [1440, 60] });
    expect(settings.reminders).toEqual([1440, 60]);
    await rsvpSettings(t, a, cancelled, { reminders: [60] });
    const who = { yes: address("yes"), maybe: address("maybe"), no: address("no"), withdrew: address("withdrew"), off: address("off") };
    const guest = async (e: { id: string }, to: string, ans: "yes" | "maybe" | "no") => {
      const g = await newGuest(t, a, e, { name: to.split(".")[0], email: to });
      expectStatus(await answer(t, e, g.token, { answer: ans }), 200);
      return g;
    };
    await guest(event, who.yes, "yes");
    await guest(event, who.maybe, "maybe");
    await guest(event, who.no, "no");
    const withdrew = await guest(event, who.withdrew, "yes");
    expectStatus(await answer(t, event, withdrew.token, { answer: "no" }), 200);
    await guest(cancelled, who.off, "yes");
    expectStatus(await call(t, "POST", `/v1/events/${cancelled.id}/cancel`, { token: a.secretKey }), 200);

    toBeforeStart(startsAt, 24 * HOUR + 60_000);
    await app.settle();
    expect(await reminders(who.yes)).toEqual([]);
    toBeforeStart(startsAt, 24 * HOUR - 60_000);
    await app.settle();
    expect((await reminders(who.yes)).map((m) => m.subject)).toEqual(["Reminder: Reunion"]);
    expect(await reminders(who.maybe)).toHaveLength(1);
    toBeforeStart(startsAt, HOUR - 60_000);
    await app.settle();
    expect(await reminders(who.yes)).toHaveLength(2);
    expect((await reminders(who.yes))[1]!.text).toContain("Reunion starts");
    expect(await reminders(who.no)).toEqual([]);
    expect(await reminders(who.withdrew)).toEqual([]);
    expect(await reminders(who.off)).toEqual([]);
    // The cancelled event's reminder was checked when due and logged as suppressed.
    const [row] = await t.deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.kind, "notify"), sql`json_extract(${outbox.payload}, '$.subjectId') = ${cancelled.id}`));
    const [log] = await t.deps.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.sourceId, row!.id));
    expect(log).toMatchObject({ status: "suppressed", template: "event_reminder" });
  });

  it("follow the event when its start moves", async () => {
    const startsAt = "2032-05-01T10:00:00.000Z";
    const event = await newEvent(t, a, { startsAt, endsAt: "2032-05-01T12:00:00.000Z", title: "Moved" });
    await rsvpSettings(t, a, event, { reminders: [60] });
    const to = address("moved");
    const g = await newGuest(t, a, event, { name: "Mo", email: to });
    expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
    const later = "2032-05-01T14:00:00.000Z";
    expectStatus(
      await call(t, "PATCH", `/v1/events/${event.id}`, {
        token: a.secretKey,
        body: { startsAt: later, endsAt: "2032-05-01T16:00:00.000Z" },
      }),
      200,
    );
    toBeforeStart(startsAt, HOUR - 60_000);
    await app.settle();
    expect(await reminders(to)).toEqual([]);
    toBeforeStart(later, HOUR - 60_000);
    await app.settle();
    expect(await reminders(to)).toHaveLength(1);
  });
});

/** An attachment's base64 content as text. */
function fromBase64(b64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}
