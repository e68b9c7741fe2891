import type { Guest, GuestWithLink, Invitation, Registration, RsvpChange, SendResult } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, outboxEmails, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import type { SmsPayload } from "../../../lib/outbox-messages.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

const page = { origin: TEST_ORIGIN };
const guestOf = (g: GuestWithLink) => call(t, "GET", `/v1/events/${g.eventId}/guests/${g.id}`, { token: org.secretKey });

async function smsTo(to: string): Promise<SmsPayload[]> {
  const rows = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "sms")).orderBy(asc(outbox.createdAt));
  return rows.map((r) => r.payload as SmsPayload).filter((p) => p.to === to);
}

describe("guests", () => {
  it("are added with a normalised phone, a personal token and no answer yet", async () => {
    const event = await newEvent(t, org);
    const g = await newGuest(t, org, event, { name: "Ada", email: "ADA@Example.com", phone: "+351 912 345 678", tags: ["family"] });
    expect(g).toMatchObject({ status: "invited", email: "ada@example.com", phone: "+351912345678", plusOnes: 0, link: null });
    expect(g.token.startsWith(`${g.id}.`)).toBe(true);
    const read = expectStatus<GuestWithLink>(await guestOf(g), 200);
    expect(read.token).toBe(g.token);
  });

  it("refuse bad input with a problem, never a 500", async () => {
    const event = await newEvent(t, org);
    const post = (body: unknown) => call(t, "POST", `/v1/events/${event.id}/guests`, { token: org.secretKey, body });
    expect(expectProblem(await post({ name: "Bo", phone: "+1 555" }), 400, "validation_failed").errors?.[0]?.path).toBe("body.phone");
    expectProblem(await post({ name: "Bo", phone: "call me" }), 400, "validation_failed");
    expectProblem(await post({ name: "Bo", email: "not-an-email" }), 400, "validation_failed");
    expectProblem(await post({ name: "" }), 400, "validation_failed");
    expectProblem(await post({ name: "Bo", maxPlusOnes: 21 }), 400, "validation_failed");
    await newGuest(t, org, event, { name: "Cy", email: "cy@example.com" });
    expectProblem(await post({ name: "Cy again", email: "CY@example.com" }), 409, "guest_exists");
    const g = await newGuest(t, org, event, { name: "Di", email: "di@example.com" });
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}/guests/${g.id}`, { token: org.secretKey, body: { email: "cy@example.com" } }),
      409,
      "guest_exists",
    );
  });

  it("are found by text in the name, email or phone, with the status filter, wildcards taken literally", async () => {
    const event = await newEvent(t, org);
    await newGuest(t, org, event, { name: "Ada Lovelace", email: "ada@math.example" });
    const grace = await newGuest(t, org, event, { name: "Grace Hopper", email: "grace@navy.example", phone: "+1 415 555 0100" });
    await newGuest(t, org, event, { name: "100% Alan", email: "alan@example.com" });
    expectStatus(
      await call(t, "POST", `/v1/events/${event.id}/guests/${grace.id}/rsvp`, { token: org.secretKey, body: { answer: "no" } }),
      200,
    );
    const names = async (query: string) =>
      expectStatus<{ data: Guest[] }>(await call(t, "GET", `/v1/events/${event.id}/guests?${query}`, { token: org.secretKey }), 200)
        .data.map((g) => g.name)
        .sort();
    expect(await names("q=LOVE")).toEqual(["Ada Lovelace"]);
    expect(await names("q=navy.example")).toEqual(["Grace Hopper"]);
    expect(await names("q=4155550100")).toEqual(["Grace Hopper"]);
    expect(await names("q=%25")).toEqual(["100% Alan"]);
    expect(await names("q=_")).toEqual([]);
    expect(await names("q=a&status=declined")).toEqual(["Grace Hopper"]);
    expect(await names("q=a&status=invited")).toEqual(["100% Alan", "Ada Lovelace"]);
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/guests?q=`, { token: org.secretKey }), 400, "validation_failed");
  });

  it("are another organization's 404, and not for publishable keys", async () => {
    const event = await newEvent(t, org);
    const g = await newGuest(t, org, event);
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/guests/${g.id}`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/guests`, { token: other.secretKey }), 404, "not_found");
    expectProblem(
      await call(t, "GET", `/v1/events/${event.id}/guests`, { token: org.publishableKey, headers: page }),
      403,
      "permission_denied",
    );
  });
});

describe("a guest's personal token", () => {
  it("reads and answers that guest's invitation only, with named plus-ones", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { maxPlusOnes: 2 });
    const ada = await newGuest(t, org, event, { name: "Ada" });
    const bo = await newGuest(t, org, event, { name: "Bo" });
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${ada.token}`), 200);
    expect(inv).toMatchObject({ guest: { id: ada.id, name: "Ada", status: "invited" }, maxPlusOnes: 2, open: true });
    const answered = expectStatus<Invitation>(
      await answer(t, event, ada.token, { answer: "yes", plusOnes: 1, plusOneNames: ["Charles"] }),
      200,
    );
    expect(answered.guest).toMatchObject({ status: "confirmed", plusOnes: 1, plusOneNames: ["Charles"] });
    expect(expectStatus<Guest>(await guestOf(bo), 200).status).toBe("invited");
    expect(expectStatus<Guest>(await guestOf(ada), 200).status).toBe("confirmed");
  });

  it("is refused for another event, another organization's event, or when forged", async () => {
    const event = await newEvent(t, org);
    const elsewhere = await newEvent(t, org);
    const theirs = await newEvent(t, other);
    const g = await newGuest(t, org, event);
    expectProblem(await call(t, "GET", `/v1/events/${elsewhere.id}/invitation/${g.token}`), 404, "guest_link_invalid");
    expectProblem(await answer(t, elsewhere, g.token, { answer: "yes" }), 404, "guest_link_invalid");
    expectProblem(await call(t, "GET", `/v1/events/${theirs.id}/invitation/${g.token}`), 404, "guest_link_invalid");
    const forged = `${g.token.slice(0, -1)}${g.token.endsWith("0") ? "1" : "0"}`;
    expectProblem(await answer(t, event, forged, { answer: "yes" }), 404, "guest_link_invalid");
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/invitation/not-a-token`), 400, "validation_failed");
    expect(expectStatus<Guest>(await guestOf(g), 200).status).toBe("invited");
  });

  it("cannot bring more plus-ones than allowed, name more than it brings, or answer after the deadline", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { maxPlusOnes: 1 });
    const g = await newGuest(t, org, event);
    const vip = await newGuest(t, org, event, { name: "VIP", maxPlusOnes: 3 });
    expectProblem(await answer(t, event, g.token, { answer: "yes", plusOnes: 2 }), 422, "too_many_plus_ones");
    expectProblem(await answer(t, event, g.token, { answer: "yes", plusOnes: 1, plusOneNames: ["A", "B"] }), 400, "validation_failed");
    expectProblem(await answer(t, event, g.token, { answer: "perhaps" as "yes" }), 400, "validation_failed");
    expectStatus(await answer(t, event, vip.token, { answer: "yes", plusOnes: 3 }), 200);
    await rsvpSettings(t, org, event, { deadline: "2020-01-01T00:00:00Z" });
    expectProblem(await answer(t, event, g.token, { answer: "yes" }), 409, "rsvp_closed");
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${g.token}`), 200);
    expect(inv.open).toBe(false);
    // The organizer may still record an answer for the guest.
    const rec = await call(t, "POST", `/v1/events/${event.id}/guests/${g.id}/rsvp`, { token: org.secretKey, body: { answer: "no" } });
    expect(expectStatus<Guest>(rec, 200).status).toBe("declined");
    expect(expectStatus<Guest>(await guestOf(g), 200).status).toBe("declined");
  });

  it("keeps every change in a history the organizer reads", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { maxPlusOnes: 2 });
    const g = await newGuest(t, org, event);
    await answer(t, event, g.token, { answer: "maybe" });
    await answer(t, event, g.token, { answer: "yes", plusOnes: 2, plusOneNames: ["X", "Y"] });
    await answer(t, event, g.token, { answer: "no" });
    const h = expectStatus<{ data: RsvpChange[] }>(
      await call(t, "GET", `/v1/events/${event.id}/guests/${g.id}/history`, { token: org.secretKey }),
      200,
    );
    expect(h.data.map((c) => [c.status, c.plusOnes, c.by])).toEqual([
      ["maybe", 0, "guest"],
      ["confirmed", 2, "guest"],
      ["declined", 0, "guest"],
    ]);
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/guests/${g.id}/history`, { token: other.secretKey }), 404, "not_found");
  });
});

describe("capacity and the waitlist", () => {
  it("counts guests and plus-ones, waitlists in order, and moves up (notified) when someone declines", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { capacity: 3, maxPlusOnes: 2 });
    const a = await newGuest(t, org, event, { name: "A", email: "a-wait@example.com" });
    const b = await newGuest(t, org, event, { name: "B", email: "b-wait@example.com" });
    const c = await newGuest(t, org, event, { name: "C", email: "c-wait@example.com", phone: "+14155550100" });
    expect(expectStatus<Invitation>(await answer(t, event, a.token, { answer: "yes", plusOnes: 1 }), 200).guest.status).toBe("confirmed");
    const bw = expectStatus<Invitation>(await answer(t, event, b.token, { answer: "yes", plusOnes: 1 }), 200);
    expect(bw.guest).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    // One place is free, but B waits ahead: C joins the waitlist behind B.
    const cw = expectStatus<Invitation>(await answer(t, event, c.token, { answer: "yes" }), 200);
    expect(cw.guest).toMatchObject({ status: "waitlisted", waitlistPosition: 2 });
    let s = expectStatus<{ confirmed: number; waitlisted: number }>(
      await call(t, "GET", `/v1/events/${event.id}/rsvp`, { token: org.secretKey }),
      200,
    );
    expect(s).toMatchObject({ confirmed: 2, waitlisted: 2 });
    // A confirmed guest asking for more than is free keeps their answer.
    expectProblem(await answer(t, event, a.token, { answer: "yes", plusOnes: 2 }), 409, "rsvp_capacity_exceeded");
    expect(expectStatus<Guest>(await guestOf(a), 200)).toMatchObject({ status: "confirmed", plusOnes: 1 });

    expectStatus(await answer(t, event, a.token, { answer: "no" }), 200);
    expect(expectStatus<Guest>(await guestOf(b), 200)).toMatchObject({ status: "confirmed", waitlistPosition: null });
    expect(expectStatus<Guest>(await guestOf(c), 200)).toMatchObject({ status: "confirmed" });
    s = expectStatus(await call(t, "GET", `/v1/events/${event.id}/rsvp`, { token: org.secretKey }), 200);
    expect(s).toMatchObject({ confirmed: 3, waitlisted: 0 });
    expect((await outboxEmails(t, "b-wait@example.com", "rsvp_waitlist_promoted")).length).toBe(1);
    expect((await outboxEmails(t, "c-wait@example.com", "rsvp_waitlist_promoted")).length).toBe(1);
    expect((await smsTo("+14155550100")).map((m) => m.template)).toEqual(["rsvp_waitlist_promoted"]);
    const h = expectStatus<{ data: RsvpChange[] }>(
      await call(t, "GET", `/v1/events/${event.id}/guests/${b.id}/history`, { token: org.secretKey }),
      200,
    );
    expect(h.data.map((x) => [x.status, x.by])).toEqual([
      ["waitlisted", "guest"],
      ["confirmed", "waitlist"],
    ]);
  });

  it("moves up when the organizer removes a guest or raises the limit, and never lowers it below the headcount", async () => {
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { capacity: 1 });
    const a = await newGuest(t, org, event, { name: "A" });
    const b = await newGuest(t, org, event, { name: "B" });
    const c = await newGuest(t, org, event, { name: "C" });
    await answer(t, event, a.token, { answer: "yes" });
    await answer(t, event, b.token, { answer: "yes" });
    await answer(t, event, c.token, { answer: "yes" });
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/guests/${a.id}`, { token: org.secretKey }), 204);
    expect(expectStatus<Guest>(await guestOf(b), 200).status).toBe("confirmed");
    expect(expectStatus<Guest>(await guestOf(c), 200)).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    const s = await rsvpSettings(t, org, event, { capacity: 5 });
    expect(s).toMatchObject({ confirmed: 2, waitlisted: 0 });
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}/rsvp`, { token: org.secretKey, body: { capacity: 1 } }),
      409,
      "rsvp_capacity_exceeded",
    );
  });
});

describe("registration", () => {
  it("is closed for invite-only events, confirms on open ones, and waits for the organizer on approval ones", async () => {
    const event = await newEvent(t, org);
    const register = (body: unknown) =>
      call(t, "POST", `/v1/events/${event.id}/registrations`, { token: org.publishableKey, headers: page, body });
    expectProblem(await register({ name: "Eve", email: "eve@example.com" }), 403, "registration_closed");

    await rsvpSettings(t, org, event, { mode: "open", maxPlusOnes: 1 });
    const r = expectStatus<Registration>(
      await register({ name: "Eve", email: "eve@example.com", plusOnes: 1, plusOneNames: ["Mallory"] }),
      201,
    );
    expect(r.invitation.guest).toMatchObject({ status: "confirmed", plusOnes: 1 });
    expectProblem(await register({ name: "Eve", email: "EVE@example.com" }), 409, "guest_exists");
    expectProblem(await register({ name: "Fay", email: "fay@example.com", plusOnes: 2 }), 422, "too_many_plus_ones");
    expectProblem(await register({ name: "Fay", email: "fay@example.com", phone: "12" }), 400, "validation_failed");
    // The token that came back changes that registration.
    expect(expectStatus<Invitation>(await answer(t, event, r.token, { answer: "maybe" }), 200).guest.status).toBe("maybe");

    await rsvpSettings(t, org, event, { mode: "approval" });
    const p = expectStatus<Registration>(await register({ name: "Gil", email: "gil@example.com" }), 201);
    const q = expectStatus<Registration>(await register({ name: "Hal", email: "hal@example.com" }), 201);
    expect(p.invitation.guest.status).toBe("pending_approval");
    const approve = (id: string) => call(t, "POST", `/v1/events/${event.id}/guests/${id}/approve`, { token: org.secretKey });
    const decline = (id: string) => call(t, "POST", `/v1/events/${event.id}/guests/${id}/decline`, { token: org.secretKey });
    expect(expectStatus<Guest>(await approve(p.invitation.guest.id), 200).status).toBe("confirmed");
    expect(expectStatus<Guest>(await decline(q.invitation.guest.id), 200).status).toBe("rejected");
    // A retry answers the same; the other decision is refused.
    expect(expectStatus<Guest>(await approve(p.invitation.guest.id), 200).status).toBe("confirmed");
    expect(expectStatus<Guest>(await decline(q.invitation.guest.id), 200).status).toBe("rejected");
    expectProblem(await approve(q.invitation.guest.id), 409, "guest_not_pending");
    expectProblem(await decline(p.invitation.guest.id), 409, "guest_not_pending");
    expectProblem(await approve(r.invitation.guest.id), 409, "guest_not_pending");
    expect((await outboxEmails(t, "gil@example.com", "rsvp_approved")).length).toBe(1);
    expect((await outboxEmails(t, "hal@example.com", "rsvp_declined")).length).toBe(1);
    expectProblem(await answer(t, event, q.token, { answer: "yes" }), 403, "registration_closed");
  });

  it("is 404 for an unpublished event and for another organization's key", async () => {
    const draft = await newEvent(t, org, { publish: false });
    await rsvpSettings(t, org, draft, { mode: "open" });
    const body = { name: "Ivy", email: "ivy@example.com" };
    expectProblem(
      await call(t, "POST", `/v1/events/${draft.id}/registrations`, { token: org.publishableKey, headers: page, body }),
      404,
      "not_found",
    );
    const event = await newEvent(t, org);
    await rsvpSettings(t, org, event, { mode: "open" });
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/registrations`, { token: other.publishableKey, headers: page, body }),
      404,
      "not_found",
    );
  });
});

describe("invitations and reminders", () => {
  it("go by email and SMS with each guest's link, re-send on demand, and remind only who has not answered", async () => {
    const event = await newEvent(t, org);
    const a = await newGuest(t, org, event, { name: "A", email: "inv-a@example.com", phone: "+14155550111" });
    const b = await newGuest(t, org, event, { name: "B", email: "inv-b@example.com" });
    const n = await newGuest(t, org, event, { name: "Nobody" });
    const send = (body: unknown) => call(t, "POST", `/v1/events/${event.id}/guest-invitations`, { token: org.secretKey, body });
    expectProblem(await send({}), 422, "invitation_url_required");
    await rsvpSettings(t, org, event, { invitationUrl: "https://host.example/rsvp?lang=en" });
    const res = expectStatus<SendResult>(await send({ channels: ["email", "sms"] }), 200);
    expect(res.sent).toBe(3);
    expect(new Set(res.guestIds)).toEqual(new Set([a.id, b.id]));
    expect(res.skipped).toEqual([{ guestId: n.id, reason: "no_contact" }]);
    const [mail] = await outboxEmails(t, "inv-a@example.com", "rsvp_invitation");
    expect(mail?.text).toContain(`https://host.example/rsvp?lang=en&event=${event.id}&token=${encodeURIComponent(a.token)}`);
    expect((await smsTo("+14155550111"))[0]?.text).toContain(encodeURIComponent(a.token));
    // Nobody is left to invite for the first time; a re-send names its guests.
    expect(expectStatus<SendResult>(await send({}), 200).sent).toBe(0);
    expect(expectStatus<SendResult>(await send({ guestIds: [b.id] }), 200).sent).toBe(1);
    expect((await outboxEmails(t, "inv-b@example.com", "rsvp_invitation")).length).toBe(2);
    expectProblem(await send({ guestIds: ["gst_00000000000000000000"] }), 404, "not_found");
    expectProblem(await send({ channels: ["fax"] }), 400, "validation_failed");

    await answer(t, event, a.token, { answer: "yes" });
    const r = expectStatus<SendResult>(
      await call(t, "POST", `/v1/events/${event.id}/guest-reminders`, { token: org.secretKey, body: { channels: ["email"] } }),
      200,
    );
    expect(r.guestIds).toEqual([b.id]);
    expect((await outboxEmails(t, "inv-b@example.com", "rsvp_reminder")).length).toBe(1);
    expect((await outboxEmails(t, "inv-a@example.com", "rsvp_reminder")).length).toBe(0);
    const unanswered = expectStatus<{ data: Guest[] }>(
      await call(t, "GET", `/v1/events/${event.id}/guests?status=invited`, { token: org.secretKey }),
      200,
    );
    expect(unanswered.data.map((g) => g.id).sort()).toEqual([b.id, n.id].sort());
  });
});

describe("custom questions", () => {
  it("are answered with the RSVP: required ones for yes and maybe, each checked against its kind", async () => {
    const event = await newEvent(t, org);
    const questions = [
      { id: "dietary", label: "Dietary needs?", kind: "short_text" },
      { id: "meal", label: "Meal", kind: "choice", options: ["Fish", "Veggie"], required: true },
      { id: "bus", label: "Taking the bus?", kind: "yes_no" },
    ];
    const s = await rsvpSettings(t, org, event, { questions });
    expect(s.questions.map((q) => [q.id, q.required])).toEqual([
      ["dietary", false],
      ["meal", true],
      ["bus", false],
    ]);
    const g = await newGuest(t, org, event);
    const inv = expectStatus<Invitation>(await call(t, "GET", `/v1/events/${event.id}/invitation/${g.token}`), 200);
    expect(inv.questions.map((q) => q.id)).toEqual(["dietary", "meal", "bus"]);
    const problem = expectProblem(await answer(t, event, g.token, { answer: "yes" }), 422, "question_unanswered");
    expect(problem.errors?.map((e) => e.path)).toEqual(["body.answers.meal"]);
    expectProblem(await answer(t, event, g.token, { answer: "yes", answers: { meal: "Steak" } }), 400, "validation_failed");
    expectProblem(await answer(t, event, g.token, { answer: "yes", answers: { meal: "Fish", bus: "yes" } }), 400, "validation_failed");
    expectProblem(await answer(t, event, g.token, { answer: "yes", answers: { meal: "Fish", shoe: "38" } }), 400, "validation_failed");
    // A "no" needs no answers.
    expectStatus(await answer(t, event, g.token, { answer: "no" }), 200);
    const ok = expectStatus<Invitation>(
      await answer(t, event, g.token, { answer: "maybe", answers: { meal: "Veggie", bus: true, dietary: "No nuts" } }),
      200,
    );
    expect(ok.guest.answers).toEqual({ meal: "Veggie", bus: true, dietary: "No nuts" });
    expect(expectStatus<Guest>(await guestOf(g), 200).answers).toEqual({ meal: "Veggie", bus: true, dietary: "No nuts" });
    // Registration asks them too; bad questions are refused.
    await rsvpSettings(t, org, event, { mode: "open" });
    const register = (body: unknown) =>
      call(t, "POST", `/v1/events/${event.id}/registrations`, { token: org.publishableKey, headers: page, body });
    expectProblem(await register({ name: "Q", email: "q-question@example.com" }), 422, "question_unanswered");
    expectStatus(await register({ name: "Q", email: "q-question@example.com", answers: { meal: "Fish" } }), 201);
    const patch = (body: unknown) => call(t, "PATCH", `/v1/events/${event.id}/rsvp`, { token: org.secretKey, body });
    expectProblem(await patch({ questions: [{ id: "meal", label: "Meal", kind: "choice", options: ["Fish"] }] }), 400, "validation_failed");
    expectProblem(
      await patch({
        questions: [
          { id: "a", label: "A", kind: "yes_no" },
          { id: "a", label: "B", kind: "yes_no" },
        ],
      }),
      400,
      "validation_failed",
    );
    expectProblem(await patch({ questions: [{ id: "Bad Id", label: "A", kind: "yes_no" }] }), 400, "validation_failed");
  });
});
