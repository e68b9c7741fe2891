import { type CalendarFeed, type EventSession, newId } from "@gatherkit/core";
import { calendarFeeds } from "@gatherkit/db";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { booked, inMinutes, newPlace } from "../../../../test/place-fixtures.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

const makeFeed = async (subject: { type: string; id: string }, as = org) =>
  expectStatus<CalendarFeed>(
    await call(t, "POST", "/v1/calendar-feeds", { token: as.secretKey, body: { subject, label: "for Ada" } }),
    201,
  );
/** The feed URL's path and query, as a calendar app would GET it. */
const pathOf = (url: string | null) => {
  const u = new URL(url ?? "");
  return `${u.pathname}${u.search}`;
};
const poll = (url: string | null, headers: Record<string, string> = {}) => call(t, "GET", pathOf(url), { headers });
const parse = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
const session = async (eventId: string, title: string, from: string, to: string) =>
  expectStatus<EventSession>(
    await call(t, "POST", `/v1/events/${eventId}/sessions`, {
      token: org.secretKey,
      body: { title, startsAt: `2030-07-02T${from}:00Z`, endsAt: `2030-07-02T${to}:00Z`, room: "Main hall" },
    }),
    201,
  );

describe("calendar feeds of events, places and guests", () => {
  it("serves an event's schedule (event and sessions, UTC, stable UIDs) that ical.js reads back", async () => {
    const event = await newEvent(t, org, { title: "Harbour summit" });
    await session(event.id, "Keynote; opening", "19:30", "20:15");
    await session(event.id, "Panel", "20:30", "21:15");
    const feed = await makeFeed({ type: "event", id: event.id });
    expect(feed).toMatchObject({ status: "active", label: "for Ada", subject: { type: "event", id: event.id } });
    expect(feed.url).toMatch(new RegExp(`^http://api\\.test/v1/calendar-feeds/${feed.id}/calendar\\.ics\\?token=[0-9a-f]{40}$`));

    const r = await poll(feed.url);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = String(r.body);
    expect(ics).toContain("X-WR-TIMEZONE:Europe/Lisbon");
    expect(ics).toContain("REFRESH-INTERVAL;VALUE=DURATION:PT60M");
    expect(ics).not.toContain("TZID"); // every time in UTC: no VTIMEZONE needed
    const events = parse(ics);
    expect(events.map((e) => e.summary)).toEqual(["Harbour summit", "Keynote; opening (Harbour summit)", "Panel (Harbour summit)"]);
    expect(events[0]?.uid).toBe(`${event.id}@api.test`);
    expect(events[0]?.startDate.toJSDate().toISOString()).toBe("2030-07-02T19:30:00.000Z");
    expect(events[0]?.startDate.zone.tzid).toBe("UTC");
    expect(events[1]?.location).toBe("Main hall");
    // The list shows the feed without its secret.
    const list = expectStatus<{ data: CalendarFeed[] }>(
      await call(t, "GET", `/v1/calendar-feeds?subjectType=event&subjectId=${event.id}`, { token: org.secretKey }),
      200,
    );
    expect(list.data.map((f) => [f.id, f.url, f.token])).toEqual([[feed.id, null, null]]);
  });

  it("answers ETag and Last-Modified, 304 while nothing changed, and a new ETag when an item goes away", async () => {
    const event = await newEvent(t, org, { title: "Conditional gala" });
    const talk = await session(event.id, "Talk", "19:30", "20:00");
    const feed = await makeFeed({ type: "event", id: event.id });
    const first = await poll(feed.url);
    const etag = first.headers.get("etag") ?? "";
    const lastModified = first.headers.get("last-modified") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
    // The same body again: same validators, and 304 to either conditional header.
    const again = await poll(feed.url);
    expect([again.headers.get("etag"), again.headers.get("last-modified"), again.body]).toEqual([etag, lastModified, first.body]);
    const notModified = await poll(feed.url, { "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body ?? "").toBe("");
    expect((await poll(feed.url, { "if-modified-since": lastModified })).status).toBe(304);
    // Control: another ETag is a full answer.
    expect((await poll(feed.url, { "if-none-match": '"0000"' })).status).toBe(200);

    // A session deleted: the feed changes, so the old ETag gets the new body.
    expect((await call(t, "DELETE", `/v1/events/${event.id}/sessions/${talk.id}`, { token: org.secretKey })).status).toBe(204);
    const changed = await poll(feed.url, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(parse(String(changed.body)).map((e) => e.summary)).toEqual(["Conditional gala"]);
    const row = (await t.deps.db.select().from(calendarFeeds)).find((f) => f.id === feed.id);
    expect(row?.etag).toBe(changed.headers.get("etag"));
  });

  it("serves a place's confirmed bookings, not the cancelled ones", async () => {
    const place = await newPlace(t, org, { name: "Quay garage" });
    const kept = await booked(t, org.secretKey, {
      placeId: place.id,
      start: inMinutes(t, 120),
      durationMinutes: 60,
      contact: { name: "Grace" },
    });
    const gone = await booked(t, org.secretKey, {
      placeId: place.id,
      start: inMinutes(t, 300),
      durationMinutes: 30,
      contact: { name: "Linus" },
    });
    expectStatus(await call(t, "POST", `/v1/bookings/${gone.id}/cancel`, { token: org.secretKey, body: {} }), 200);
    const feed = await makeFeed({ type: "place", id: place.id });
    const events = parse(String((await poll(feed.url)).body));
    expect(events.map((e) => [e.uid, e.summary])).toEqual([[`${kept.id}@api.test`, "Booking: Grace"]]);
    expect(events[0]?.startDate.toJSDate().toISOString()).toBe(kept.start);
  });

  it("serves a guest's event with only the sessions they signed up for, and nothing once they decline", async () => {
    const event = await newEvent(t, org, { title: "Guest gala" });
    const mine = await session(event.id, "Mine", "19:30", "20:00");
    await session(event.id, "Not mine", "20:30", "21:00");
    const ada = await newGuest(t, org, event, { name: "Ada" });
    expectStatus(await answer(t, event, ada.token, { answer: "yes" }), 200);
    expectStatus(await call(t, "POST", `/v1/events/${event.id}/invitation/${ada.token}/sessions`, { body: { sessionId: mine.id } }), 200);
    const feed = await makeFeed({ type: "guest", id: ada.id });
    expect(parse(String((await poll(feed.url)).body)).map((e) => e.summary)).toEqual(["Guest gala", "Mine (Guest gala)"]);
    expectStatus(await answer(t, event, ada.token, { answer: "no" }), 200);
    expect(parse(String((await poll(feed.url)).body))).toEqual([]);
  });
});

describe("feed tokens", () => {
  it("a wrong or missing token is 404; revoked is 410; rotation makes the old URL 410 and the new one work", async () => {
    const event = await newEvent(t, org, { title: "Token gala" });
    const feed = await makeFeed({ type: "event", id: event.id });
    const base = `/v1/calendar-feeds/${feed.id}/calendar.ics`;
    expect((await poll(feed.url)).status).toBe(200);
    expectProblem(await call(t, "GET", base), 404, "not_found");
    // The same token with its first character changed (to one it certainly is not).
    const real = feed.token ?? "";
    const wrong = `${real.startsWith("a") ? "b" : "a"}${real.slice(1)}`;
    expectProblem(await call(t, "GET", `${base}?token=${wrong}`), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/calendar-feeds/${newId("calendarFeed")}/calendar.ics?token=${feed.token}`), 404, "not_found");

    const rotated = expectStatus<CalendarFeed>(
      await call(t, "POST", `/v1/calendar-feeds/${feed.id}/rotate`, { token: org.secretKey }),
      200,
    );
    expect(rotated.url).not.toBe(feed.url);
    expect(rotated.rotatedAt).not.toBeNull();
    expectProblem(await poll(feed.url), 410, "calendar_feed_revoked");
    expect((await poll(rotated.url)).status).toBe(200);

    expect((await call(t, "DELETE", `/v1/calendar-feeds/${feed.id}`, { token: org.secretKey })).status).toBe(204);
    expectProblem(await poll(rotated.url), 410, "calendar_feed_revoked");
    expect((await call(t, "DELETE", `/v1/calendar-feeds/${feed.id}`, { token: org.secretKey })).status).toBe(204);
    expectProblem(await call(t, "POST", `/v1/calendar-feeds/${feed.id}/rotate`, { token: org.secretKey }), 410, "calendar_feed_revoked");
    const [listed] = expectStatus<{ data: CalendarFeed[] }>(
      await call(t, "GET", `/v1/calendar-feeds?subjectId=${event.id}`, { token: org.secretKey }),
      200,
    ).data;
    expect(listed).toMatchObject({ status: "revoked" });
  });

  it("the holder of the URL (the guest) rotates and revokes it with its token alone", async () => {
    const event = await newEvent(t, org, { title: "Holder gala" });
    const ada = await newGuest(t, org, event, { name: "Ada" });
    const feed = await makeFeed({ type: "guest", id: ada.id });
    const mine = expectStatus<CalendarFeed>(
      await call(t, "POST", `/v1/calendar-feeds/${feed.id}/token/rotate`, { body: { token: feed.token } }),
      200,
    );
    expectProblem(await poll(feed.url), 410, "calendar_feed_revoked");
    // The replaced token can no longer rotate or revoke.
    expectProblem(
      await call(t, "POST", `/v1/calendar-feeds/${feed.id}/token/revoke`, { body: { token: feed.token } }),
      410,
      "calendar_feed_revoked",
    );
    expect((await poll(mine.url)).status).toBe(200);
    expect((await call(t, "POST", `/v1/calendar-feeds/${feed.id}/token/revoke`, { body: { token: mine.token } })).status).toBe(204);
    expectProblem(await poll(mine.url), 410, "calendar_feed_revoked");
    expect((await call(t, "POST", `/v1/calendar-feeds/${feed.id}/token/revoke`, { body: { token: "abc" } })).status).toBe(400);
    expectProblem(
      await call(t, "POST", `/v1/calendar-feeds/${feed.id}/token/revoke`, { body: { token: "0".repeat(40) } }),
      404,
      "not_found",
    );
  });

  it("is per organization and for owners and admins", async () => {
    const event = await newEvent(t, org, { title: "Private gala" });
    expectProblem(
      await call(t, "POST", "/v1/calendar-feeds", { token: other.secretKey, body: { subject: { type: "event", id: event.id } } }),
      404,
      "not_found",
    );
    const feed = await makeFeed({ type: "event", id: event.id });
    expectProblem(await call(t, "POST", `/v1/calendar-feeds/${feed.id}/rotate`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/calendar-feeds/${feed.id}`, { token: other.secretKey }), 404, "not_found");
    const staff = await addMember(t, org, "staff");
    expectProblem(await call(t, "DELETE", `/v1/calendar-feeds/${feed.id}`, { token: staff.accessToken }), 403, "permission_denied");
    const theirs = expectStatus<{ data: CalendarFeed[] }>(await call(t, "GET", "/v1/calendar-feeds", { token: other.secretKey }), 200);
    expect(theirs.data.some((f) => f.id === feed.id)).toBe(false);
    expect(
      (await call(t, "POST", "/v1/calendar-feeds", { token: org.secretKey, body: { subject: { type: "event", id: "plc_x" } } })).status,
    ).toBe(400);
    expect((await poll(feed.url)).status).toBe(200);
  });
});
