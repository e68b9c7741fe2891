import type { EventSession } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectStatus, outboxEmails, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { type NotifyingApp, notifyingApp } from "../../../../test/notify-fixtures.js";
import type { NotifyPayload } from "../../../lib/outbox-messages.js";
import { GUEST_CALENDAR_NOTIFICATIONS } from "./guest-calendar-notices.js";

/**
 * What a confirmed guest's calendar receives (RFC 5546 iTIP, by email attachment): the event and
 * each picked session as its own METHOD:REQUEST with a stable UID; a change of either as a new
 * REQUEST with the same UID and a higher SEQUENCE; a deleted or dropped session, or a cancelled
 * event, as METHOD:CANCEL with the same UID and a higher SEQUENCE still; a confirmed guest who leaves
 * (answers no or maybe, or is removed) gets CANCEL for the event and their sessions, and a REQUEST
 * above it should they come back. Read from the outbox's
 * email payloads, as the email provider gets them.
 */
let app: NotifyingApp;
let t: TestApp;
let a: TestOrg;
let n = 0;
const address = (name: string) => `${name}.${++n}.itip@example.com`;

beforeAll(async () => {
  app = await notifyingApp();
  ({ t, a } = app);
});
afterAll(() => t.close());

interface Itip {
  filename: string;
  contentType: string;
  method: string;
  uid: string;
  sequence: number;
  lines: string[];
}

/** Every iCalendar attachment of the emails of `template` to `to`, parsed (lines unfolded). */
async function itips(to: string, template: string): Promise<Itip[][]> {
  return (await outboxEmails(t, to, template)).map((mail) =>
    (mail.attachments ?? []).map((f) => {
      const text = new TextDecoder().decode(Uint8Array.from(atob(f.content), (c) => c.charCodeAt(0)));
      const lines = text.replaceAll("\r\n ", "").split("\r\n");
      const value = (name: string) => {
        const l = lines.find((x) => x.startsWith(`${name}:`) || x.startsWith(`${name};`));
        return l ? l.slice(l.indexOf(":") + 1) : "";
      };
      expect(
        lines.filter((l) => l === "BEGIN:VEVENT"),
        `${f.filename}: one UID per iTIP message`,
      ).toHaveLength(1);
      return {
        filename: f.filename,
        contentType: f.contentType,
        method: value("METHOD"),
        uid: value("UID"),
        sequence: Number(value("SEQUENCE")),
        lines,
      };
    }),
  );
}

const session = (eventId: string, body: Record<string, unknown>) =>
  call(t, "POST", `/v1/events/${eventId}/sessions`, { token: a.secretKey, body });
const pick = (eventId: string, token: string, sessionId: string) =>
  call(t, "POST", `/v1/events/${eventId}/invitation/${token}/sessions`, { body: { sessionId } });

// The fixture event runs 2030-07-02 19:30–22:30 UTC, in Europe/Lisbon (UTC+1 in July).
async function confirmedWithSessions() {
  const event = await newEvent(t, a, { title: "Summit" });
  await rsvpSettings(t, a, event, { maxPlusOnes: 2 });
  const talk = expectStatus<EventSession>(
    await session(event.id, { title: "Keynote", startsAt: "2030-07-02T20:00:00Z", endsAt: "2030-07-02T20:30:00Z", room: "Hall" }),
    201,
  );
  const panel = expectStatus<EventSession>(
    await session(event.id, { title: "Panel", startsAt: "2030-07-02T21:00:00Z", endsAt: "2030-07-02T21:30:00Z" }),
    201,
  );
  const to = address("ada");
  const ada = await newGuest(t, a, event, { name: "Ada", email: to });
  expectStatus(await answer(t, event, ada.token, { answer: "yes" }), 200);
  return { event, talk, panel, to, ada };
}

describe("iTIP invitations to a confirmed guest's calendar", () => {
  it("a picked session arrives as its own REQUEST, and the confirmation carries the event and every picked session", async () => {
    const { event, talk, panel, to, ada } = await confirmedWithSessions();
    expectStatus(await pick(event.id, ada.token, talk.id), 200);
    expectStatus(await pick(event.id, ada.token, panel.id), 200);
    const picked = (await itips(to, "session_picked")).map(([f]) => f!);
    expect(picked.map((f) => [f.method, f.uid, f.sequence])).toEqual([
      ["REQUEST", `${talk.id}@api.test`, 0],
      ["REQUEST", `${panel.id}@api.test`, 0],
    ]);
    expect(picked[0]!.contentType).toBe("text/calendar; charset=utf-8; method=REQUEST");
    // In the event's time zone, with its VTIMEZONE; the organizer and the guest as iTIP asks.
    expect(picked[0]!.lines).toContain("DTSTART;TZID=Europe/Lisbon:20300702T210000");
    expect(picked[0]!.lines).toContain("TZID:Europe/Lisbon");
    expect(picked[0]!.lines.some((l) => l.startsWith("ORGANIZER"))).toBe(true);
    expect(picked[0]!.lines.find((l) => l.startsWith("ATTENDEE"))).toContain(`PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${to}`);

    // Ada brings a friend: her new confirmation has the event and both sessions, each its own REQUEST.
    expectStatus(await answer(t, event, ada.token, { answer: "yes", plusOnes: 1, plusOneNames: ["Bo"] }), 200);
    const confirmation = (await itips(to, "rsvp_confirmed")).at(-1)!;
    expect(confirmation.map((f) => [f.filename, f.method, f.uid])).toEqual([
      ["invite.ics", "REQUEST", `${event.id}@api.test`],
      [`session-${talk.id}.ics`, "REQUEST", `${talk.id}@api.test`],
      [`session-${panel.id}.ics`, "REQUEST", `${panel.id}@api.test`],
    ]);
    expect(confirmation[0]!.lines.find((l) => l.startsWith("ATTENDEE"))).toContain(`mailto:${to}`);
  });

  it("a session's change sends its pickers a REQUEST with the same UID and a higher SEQUENCE; its deletion a CANCEL higher still", async () => {
    const { event, talk, to, ada } = await confirmedWithSessions();
    expectStatus(await pick(event.id, ada.token, talk.id), 200);
    const other = address("bo");
    const bo = await newGuest(t, a, event, { name: "Bo", email: other });
    expectStatus(await answer(t, event, bo.token, { answer: "yes" }), 200);

    const patch = (body: Record<string, unknown>) =>
      call(t, "PATCH", `/v1/events/${event.id}/sessions/${talk.id}`, { token: a.secretKey, body });
    expectStatus(await patch({ startsAt: "2030-07-02T20:15:00Z", endsAt: "2030-07-02T20:45:00Z" }), 200);
    expectStatus(await patch({ capacity: 50 }), 200); // not something a calendar shows: nothing sent
    expectStatus(await patch({ room: "Garden" }), 200);
    await app.settle();
    const changed = (await itips(to, "session_changed")).map(([f]) => f!);
    expect(changed.map((f) => [f.method, f.uid, f.sequence])).toEqual([
      ["REQUEST", `${talk.id}@api.test`, 1],
      ["REQUEST", `${talk.id}@api.test`, 2],
    ]);
    expect(changed[0]!.lines).toContain("DTSTART;TZID=Europe/Lisbon:20300702T211500");
    expect(changed[1]!.lines).toContain("LOCATION:Garden");

    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${talk.id}`, { token: a.secretKey }), 204);
    await app.settle();
    const [cancel] = (await itips(to, "session_cancelled")).map(([f]) => f);
    expect([cancel!.method, cancel!.uid, cancel!.sequence]).toEqual(["CANCEL", `${talk.id}@api.test`, 3]);
    expect(cancel!.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expect(cancel!.lines).toContain("STATUS:CANCELLED");
    // Bo never picked it: nothing about it reaches him.
    expect(await outboxEmails(t, other, "session_changed")).toHaveLength(0);
    expect(await outboxEmails(t, other, "session_cancelled")).toHaveLength(0);
  });

  it("a guest who drops a session gets a CANCEL for it (same UID, higher SEQUENCE); dropping it again sends nothing", async () => {
    const { event, panel, to, ada } = await confirmedWithSessions();
    expectStatus(await pick(event.id, ada.token, panel.id), 200);
    const drop = () => call(t, "DELETE", `/v1/events/${event.id}/invitation/${ada.token}/sessions/${panel.id}`, {});
    expectStatus(await drop(), 204);
    expectStatus(await drop(), 204);
    const dropped = (await itips(to, "session_dropped")).map(([f]) => f!);
    expect(dropped.map((f) => [f.method, f.uid, f.sequence])).toEqual([["CANCEL", `${panel.id}@api.test`, 1]]);
    // Picked again: a REQUEST that outranks the CANCEL.
    expectStatus(await pick(event.id, ada.token, panel.id), 200);
    const [, again] = (await itips(to, "session_picked")).map(([f]) => f!);
    expect([again!.method, again!.uid, again!.sequence]).toEqual(["REQUEST", `${panel.id}@api.test`, 1]);
  });

  it("the event's change sends confirmed guests a REQUEST (same UID, higher SEQUENCE); its cancellation a CANCEL for it and their sessions", async () => {
    const { event, talk, to, ada } = await confirmedWithSessions();
    expectStatus(await pick(event.id, ada.token, talk.id), 200);
    const declined = address("cy");
    const cy = await newGuest(t, a, event, { name: "Cy", email: declined });
    expectStatus(await answer(t, event, cy.token, { answer: "no" }), 200);
    const [first] = (await itips(to, "rsvp_confirmed")).map(([f]) => f);
    expect([first!.uid, first!.sequence]).toEqual([`${event.id}@api.test`, 0]);

    const patch = (body: Record<string, unknown>) => call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body });
    expectStatus(await patch({ endsAt: "2030-07-02T23:00:00.000Z" }), 200);
    await app.settle();
    expectStatus(await patch({ holdMinutes: 15 }), 200); // not on a calendar: nothing sent
    await app.settle();
    const changed = (await itips(to, "event_changed")).map(([f]) => f!);
    expect(changed.map((f) => [f.method, f.uid, f.sequence])).toEqual([["REQUEST", `${event.id}@api.test`, 1]]);
    expect(changed[0]!.lines).toContain("DTEND;TZID=Europe/Lisbon:20300703T000000");

    expectStatus(await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: a.secretKey }), 200);
    await app.settle();
    const [cancelled] = await itips(to, "event_cancelled");
    expect(cancelled!.map((f) => [f.method, f.uid, f.sequence])).toEqual([
      ["CANCEL", `${event.id}@api.test`, 2],
      ["CANCEL", `${talk.id}@api.test`, 1],
    ]);
    expect(await outboxEmails(t, declined, "event_changed")).toHaveLength(0);
    expect(await outboxEmails(t, declined, "event_cancelled")).toHaveLength(0);
  });

  it("a confirmed guest who answers no, or is removed, gets CANCEL for the event and their sessions above every REQUEST they got; coming back outranks it", async () => {
    const { event, talk, panel, to, ada } = await confirmedWithSessions();
    expectStatus(await pick(event.id, ada.token, talk.id), 200);
    expectStatus(await pick(event.id, ada.token, panel.id), 200);
    const stays = address("cy");
    const cy = await newGuest(t, a, event, { name: "Cy", email: stays });
    expectStatus(await answer(t, event, cy.token, { answer: "yes" }), 200);
    // A change of the event is on its way to the confirmed guests' calendars (REQUEST, SEQUENCE 1)…
    expectStatus(await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { title: "Summit 2030" } }), 200);

    // …when Ada says no: her calendar gets CANCEL for the event and both sessions, each above what she got.
    expectStatus(await answer(t, event, ada.token, { answer: "no" }), 200);
    const [withdrawn, ...more] = await itips(to, "rsvp_calendar_cancelled");
    expect(more).toEqual([]);
    expect(withdrawn!.map((f) => [f.filename, f.method, f.uid, f.sequence])).toEqual([
      ["invite.ics", "CANCEL", `${event.id}@api.test`, 2],
      [`session-${talk.id}.ics`, "CANCEL", `${talk.id}@api.test`, 1],
      [`session-${panel.id}.ics`, "CANCEL", `${panel.id}@api.test`, 1],
    ]);
    expect(withdrawn![0]!.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expect(withdrawn![0]!.lines.find((l) => l.startsWith("ATTENDEE"))).toContain(`PARTSTAT=DECLINED;RSVP=FALSE:mailto:${to}`);
    // Her picks are released.
    const sessions = expectStatus<{ data: EventSession[] }>(
      await call(t, "GET", `/v1/events/${event.id}/sessions`, { token: a.secretKey }),
      200,
    ).data;
    expect(sessions.map((s) => s.signedUp)).toEqual([0, 0]);
    // The change, were it sent only now, is not superseded by Ada leaving (the event shows what it
    // wrote): it reaches Cy, no longer Ada, with the SEQUENCE as it now stands.
    const [queued] = (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "notify")))
      .map((r) => r.payload as NotifyPayload)
      .filter((p) => p.kind === "event_changed" && p.subjectId === event.id);
    const resolved = await GUEST_CALENDAR_NOTIFICATIONS.event_changed(t.deps, a.org.id, queued!);
    expect(resolved?.recipients.map((r) => r.recipientId)).toEqual([cy.id]);
    const sent = resolved!.render({ recipientId: cy.id }).email.attachments!.map((f) => atob(f.content));
    expect(sent[0]).toContain("\r\nSEQUENCE:3\r\n");
    await app.settle();
    // Saying no again is no news: nothing more.
    expectStatus(await answer(t, event, ada.token, { answer: "no" }), 200);
    expect(await outboxEmails(t, to, "rsvp_calendar_cancelled")).toHaveLength(1);

    // Ada comes back: her confirmation's REQUEST outranks the CANCEL.
    expectStatus(await answer(t, event, ada.token, { answer: "yes" }), 200);
    const back = (await itips(to, "rsvp_confirmed")).at(-1)!;
    expect([back[0]!.method, back[0]!.uid]).toEqual(["REQUEST", `${event.id}@api.test`]);
    expect(back[0]!.sequence).toBeGreaterThan(2);

    // The organizer removes Cy: CANCEL above the REQUEST Cy last got.
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/guests/${cy.id}`, { token: a.secretKey }), 204);
    const [removed] = await itips(stays, "rsvp_calendar_cancelled");
    expect(removed!.map((f) => [f.method, f.uid])).toEqual([["CANCEL", `${event.id}@api.test`]]);
    expect(removed![0]!.sequence).toBeGreaterThan(2);

    // A guest who was never confirmed has nothing in a calendar to cancel.
    const maybe = address("di");
    const di = await newGuest(t, a, event, { name: "Di", email: maybe });
    expectStatus(await answer(t, event, di.token, { answer: "maybe" }), 200);
    expectStatus(await answer(t, event, di.token, { answer: "no" }), 200);
    expect(await outboxEmails(t, maybe, "rsvp_calendar_cancelled")).toHaveLength(0);
  });

  it("a guest moved up from the waitlist gets a confirmation whose REQUEST names them as ATTENDEE, like every other", async () => {
    const event = await newEvent(t, a, { title: "Dinner" });
    await rsvpSettings(t, a, event, { capacity: 1 });
    const [first, second, third] = [address("eve"), address("fay"), address("gus")];
    const eve = await newGuest(t, a, event, { name: "Eve", email: first });
    const fay = await newGuest(t, a, event, { name: "Fay", email: second });
    const gus = await newGuest(t, a, event, { name: "Gus", email: third });
    for (const g of [eve, fay, gus]) expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
    const attendee = (f: Itip) => f.lines.find((l) => l.startsWith("ATTENDEE"));

    // Eve's no frees her place: Fay moves up (her answer's write), and her invitation is hers.
    expectStatus(await answer(t, event, eve.token, { answer: "no" }), 200);
    const fayInvite = (await itips(second, "rsvp_waitlist_promoted"))[0]?.[0];
    expect([fayInvite!.method, fayInvite!.uid]).toEqual(["REQUEST", `${event.id}@api.test`]);
    expect(attendee(fayInvite!)).toContain(`CN="Fay";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${second}`);
    // A raised limit moves up the next one (the settings' write): Gus's names Gus.
    await rsvpSettings(t, a, event, { capacity: 5 });
    const gusInvite = (await itips(third, "rsvp_waitlist_promoted"))[0]?.[0];
    expect(attendee(gusInvite!)).toContain(`mailto:${third}`);
    expect(attendee(gusInvite!)).not.toContain(second);
  });
});
