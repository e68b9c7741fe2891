import type { Checkin, CheckinList, Page } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, type TestMember, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { answer, newGuest } from "../../../../test/guest-fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

/**
 * Guests of a free / RSVP event are checked in at the door on the same check-in lists as tickets,
 * by the personal token their invitation link (and QR code) carries, with their plus-ones.
 */
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let staff: TestMember;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
  staff = await addMember(t, a, "staff");
});
afterAll(() => t.close());

const newList = async (org: TestOrg, eventId: string, body: Record<string, unknown>) =>
  expectStatus<CheckinList>(await call(t, "POST", `/v1/events/${eventId}/checkin-lists`, { token: org.secretKey, body }), 201);
const scan = (token: string, listId: string, code: string) =>
  call(t, "POST", `/v1/checkin-lists/${listId}/checkins`, { token, body: { code } });

describe("checking guests in", () => {
  it("a confirmed guest's token checks them (and their plus-ones) in once; the list counts guests and finds them by name", async () => {
    const event = await newEvent(t, a);
    const ada = await newGuest(t, a, event, { name: "Ada Lovelace", email: "ada.door@example.com", maxPlusOnes: 2 });
    expectStatus(await answer(t, event, ada.token, { answer: "yes", plusOnes: 2, plusOneNames: ["Byron", "Mary"] }), 200);
    const list = await newList(a, event.id, { name: "Door", admitsGuests: true });
    expect(list).toMatchObject({ admitsGuests: true, checkedIn: 0, total: 1 });
    const done = expectStatus<Checkin>(await scan(staff.accessToken, list.id, ` ${ada.token} `), 201);
    expect(done).toMatchObject({
      target: { type: "guest", id: ada.id, name: "Ada Lovelace", plusOnes: 2 },
      checkedInBy: staff.member.userId,
    });
    expectProblem(await scan(a.secretKey, list.id, ada.token), 409, "already_checked_in");
    const inside = expectStatus<Page<Checkin>>(
      await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins?q=lovelace`, { token: a.secretKey }),
      200,
    );
    expect(inside.data.map((c) => c.target.id)).toEqual([ada.id]);
    expect(expectStatus<CheckinList>(await call(t, "GET", `/v1/checkin-lists/${list.id}`, { token: a.secretKey }), 200)).toMatchObject({
      checkedIn: 1,
      total: 1,
    });
    // Undo lets them in again: a scan of the QR code of their invitation link does.
    expectStatus(await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${done.id}/undo`, { token: a.secretKey }), 200);
    const link = `https://host.example/rsvp?event=${event.id}&token=${encodeURIComponent(ada.token)}`;
    expect(link.length).toBeGreaterThan(64);
    expectStatus(await scan(a.secretKey, list.id, link), 201);
  });

  it("refuses guests who are not confirmed, lists for tickets only, another event's guest, forged tokens and another organization", async () => {
    const event = await newEvent(t, a);
    const list = await newList(a, event.id, { name: "Door", admitsGuests: true });
    const ticketsOnly = await newList(a, event.id, { name: "Tickets" });
    expect(ticketsOnly.admitsGuests).toBe(false);
    const invited = await newGuest(t, a, event, { name: "No answer" });
    expectProblem(await scan(a.secretKey, list.id, invited.token), 409, "guest_not_confirmed");
    const declined = await newGuest(t, a, event, { name: "Declined" });
    expectStatus(await answer(t, event, declined.token, { answer: "no" }), 200);
    expectProblem(await scan(a.secretKey, list.id, declined.token), 409, "guest_not_confirmed");
    const yes = await newGuest(t, a, event, { name: "Yes" });
    expectStatus(await answer(t, event, yes.token, { answer: "yes" }), 200);
    expectProblem(await scan(a.secretKey, ticketsOnly.id, yes.token), 422, "guest_not_on_list");
    const elsewhere = await newEvent(t, a);
    const stranger = await newGuest(t, a, elsewhere, { name: "Elsewhere" });
    expectStatus(await answer(t, elsewhere, stranger.token, { answer: "yes" }), 200);
    expectProblem(await scan(a.secretKey, list.id, stranger.token), 422, "guest_not_on_list");
    // A forged signature: every hex digit of the real one moved by one, so it always differs.
    const [id, sig] = yes.token.split(".");
    const forged = `${id}.${[...sig!].map((c) => ((Number.parseInt(c, 16) + 1) % 16).toString(16)).join("")}`;
    expectProblem(await scan(a.secretKey, list.id, forged), 404, "guest_link_invalid");
    const theirs = await newEvent(t, b);
    const theirList = await newList(b, theirs.id, { name: "Their door", admitsGuests: true });
    expectProblem(await scan(b.secretKey, theirList.id, yes.token), 404, "guest_link_invalid");
    expectProblem(await scan(b.secretKey, list.id, yes.token), 404, "not_found");
  });

  it("40 simultaneous scans of one guest: one 201, the rest 409 already_checked_in", async () => {
    const event = await newEvent(t, a);
    const list = await newList(a, event.id, { name: "Door", admitsGuests: true });
    const g = await newGuest(t, a, event, { name: "Popular" });
    expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
    const answers = await Promise.all(Array.from({ length: 40 }, () => scan(a.secretKey, list.id, g.token)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 409, "already_checked_in");
  });
});
