import type { Calendar, CalendarEvent, Client } from "@gatherkit/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CalendarApp, calendarApp } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import { type GoogleStandIn, STANDIN_ACCOUNT } from "../../../../test/google-standin.js";
import { call, type TestApp } from "../../../../test/harness.js";

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
beforeEach(() => {
  g.script = () => undefined;
});

const events = (calendarId = "primary") => `/v1/clients/${client.id}/calendars/${encodeURIComponent(calendarId)}/events`;
const KICKOFF = {
  title: "Kick-off",
  description: "Agenda attached",
  location: "Rua Augusta 24, Lisbon",
  start: { dateTime: "2030-07-01T09:00:00+01:00", timeZone: "Europe/Lisbon" },
  end: { dateTime: "2030-07-01T10:00:00+01:00", timeZone: "Europe/Lisbon" },
  attendees: [
    { email: "Ana@Client.Example", displayName: "Ana" },
    { email: "bo@client.example", optional: true },
  ],
  recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10", "EXDATE;TZID=Europe/Lisbon:20300708T090000"],
  reminders: { useDefault: false, overrides: [{ method: "popup", minutes: 10 }] },
  conferenceLink: "https://meet.example/abc-defg",
  colorId: "5",
};
const posted = () => g.received.filter((r) => r.method === "POST" && r.path.endsWith("/events")).length;

describe("calendars", () => {
  it("lists the connected account's calendars with their access roles", async () => {
    const list = expectStatus<{ data: Calendar[] }>(
      await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey }),
      200,
    );
    expect(list.data).toEqual([
      { id: STANDIN_ACCOUNT, summary: "Client (primary)", timeZone: "Europe/Paris", accessRole: "owner", primary: true },
      { id: "team@group.calendar.google.com", summary: "Team", timeZone: "Europe/Paris", accessRole: "writer", primary: false },
      { id: "holidays@group.calendar.google.com", summary: "Holidays", timeZone: "UTC", accessRole: "reader", primary: false },
    ]);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: other.secretKey }), 404, "not_found");
  });
});

describe("events", () => {
  it("creates a recurring event with attendees, reads, lists, updates and deletes it", async () => {
    const created = expectStatus<CalendarEvent>(
      await call(t, "POST", `${events()}?sendUpdates=all`, { token: org.secretKey, body: KICKOFF }),
      201,
    );
    expect(created).toMatchObject({
      title: "Kick-off",
      start: KICKOFF.start,
      recurrence: KICKOFF.recurrence,
      attendees: [
        { email: "ana@client.example", displayName: "Ana", optional: false },
        { email: "bo@client.example", optional: true },
      ],
      reminders: { useDefault: false, overrides: [{ method: "popup", minutes: 10 }] },
      conferenceLink: "https://meet.example/abc-defg",
      colorId: "5",
      calendarId: "primary",
    });
    const sent = g.received.filter((r) => r.method === "POST" && r.path.endsWith("/events")).at(-1);
    expect(sent?.query.get("sendUpdates")).toBe("all");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({ summary: "Kick-off", recurrence: KICKOFF.recurrence });

    expect(expectStatus(await call(t, "GET", `${events()}/${created.id}`, { token: org.secretKey }), 200)).toEqual(created);
    const updated = expectStatus<CalendarEvent>(
      await call(t, "PATCH", `${events()}/${created.id}`, { token: org.secretKey, body: { title: "Kick-off (moved)", attendees: [] } }),
      200,
    );
    expect(updated).toMatchObject({ title: "Kick-off (moved)", attendees: [], location: KICKOFF.location });
    expect((await call(t, "DELETE", `${events()}/${created.id}?sendUpdates=none`, { token: org.secretKey })).status).toBe(204);
    expectProblem(await call(t, "GET", `${events()}/${created.id}`, { token: org.secretKey }), 404, "calendar_event_gone");
  });

  it("lists with text search and walks Google's pages as cursors", async () => {
    for (const title of ["Standup A", "Standup B", "Standup C", "Review"]) {
      expectStatus(
        await call(t, "POST", events("team@group.calendar.google.com"), {
          token: org.secretKey,
          body: { title, start: { date: "2030-08-01" }, end: { date: "2030-08-02" } },
        }),
        201,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `?q=standup&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page: { data: CalendarEvent[]; nextCursor: string | null } = expectStatus(
        await call(t, "GET", `${events("team@group.calendar.google.com")}${qs}`, { token: org.secretKey }),
        200,
      );
      seen.push(...page.data.map((e) => e.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Standup A", "Standup B", "Standup C"]);
    expectProblem(
      await call(t, "GET", `${events()}?timeMin=2030-08-02T00:00:00Z&timeMax=2030-08-01T00:00:00Z`, { token: org.secretKey }),
      400,
      "validation_failed",
    );
  });

  it("refuses bad events before anything reaches Google", async () => {
    const before = posted();
    const bad: [Record<string, unknown>, string][] = [
      [{ ...KICKOFF, recurrence: ["RRULE:FREQ=SOMETIMES"] }, "body.recurrence.0"],
      [{ ...KICKOFF, recurrence: ["RRULE:FREQ=DAILY;COUNT=abc"] }, "body.recurrence.0"],
      [{ ...KICKOFF, recurrence: ["EXDATE;TZID=Mars/Base:20300708T090000"] }, "body.recurrence.0"],
      [{ ...KICKOFF, recurrence: ["DTSTART:20300101"] }, "body.recurrence.0"],
      [{ ...KICKOFF, start: { dateTime: "2030-07-01T09:00:00+01:00" } }, "body.start.timeZone"],
      [{ ...KICKOFF, end: { dateTime: "2030-07-01T08:00:00+01:00", timeZone: "Europe/Lisbon" } }, "body.end"],
      [{ ...KICKOFF, end: { date: "2030-07-02" } }, "body.end"],
      [{ ...KICKOFF, start: { dateTime: "2030-07-01T09:00:00+01:00", timeZone: "Nowhere/City" } }, "body.start"],
      [{ ...KICKOFF, attendees: [{ email: "not-an-email" }] }, "body.attendees.0.email"],
      [{ ...KICKOFF, colorId: "12" }, "body.colorId"],
      [{ ...KICKOFF, title: "" }, "body.title"],
    ];
    for (const [body, path] of bad) {
      const p = expectProblem(await call(t, "POST", events(), { token: org.secretKey, body }), 400, "validation_failed");
      expect(
        p.errors?.map((e) => e.path).some((x) => x.startsWith(path)),
        `${JSON.stringify(body)}: ${JSON.stringify(p.errors)}`,
      ).toBe(true);
    }
    expectProblem(
      await call(t, "PATCH", `${events()}/abc123`, { token: org.secretKey, body: { start: KICKOFF.start } }),
      400,
      "validation_failed",
    );
    expect(posted()).toBe(before);
  });

  it("refuses a calendar the connection can only read, writing nothing", async () => {
    const before = posted();
    expectProblem(
      await call(t, "POST", events("holidays@group.calendar.google.com"), { token: org.secretKey, body: KICKOFF }),
      403,
      "calendar_not_writable",
    );
    expect(posted()).toBe(before);
    expectProblem(
      await call(t, "POST", events("nobody@group.calendar.google.com"), { token: org.secretKey, body: KICKOFF }),
      404,
      "not_found",
    );
  });
});

describe("Google's errors", () => {
  // The calendar list is these tests' way to reach Google: every list must go there, uncached.
  let ttl = 0;
  beforeAll(() => {
    ttl = t.deps.config.calendars.calendarListTtlSeconds;
    t.deps.config.calendars.calendarListTtlSeconds = 0;
  });
  afterAll(() => {
    t.deps.config.calendars.calendarListTtlSeconds = ttl;
  });
  const script = (path: string, answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) => {
    let i = 0;
    g.script = (r) => (r.path.endsWith(path) && r.method === "GET" && i < answers.length ? answers[i++] : undefined);
    return () => i;
  };
  const rate = { status: 403, body: { error: { code: 403, message: "Rate Limit Exceeded", errors: [{ reason: "rateLimitExceeded" }] } } };

  it("backs off on 429 and rate-limit 403s, honouring Retry-After, then succeeds", async () => {
    const used = script("/calendarList", [{ status: 429, headers: { "retry-after": "0" }, body: {} }, rate]);
    expect((await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey })).status).toBe(200);
    expect(used()).toBe(2);
  });

  it("answers 503 calendar_rate_limited with Retry-After when the quota stays spent", async () => {
    const used = script("/calendarList", Array(10).fill({ ...rate, headers: { "retry-after": "0" } }));
    const r = await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey });
    expectProblem(r, 503, "calendar_rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(used()).toBe(4);
  });

  it("answers 502 calendar_unavailable when Google keeps failing, 422 when it rejects, 403 when it forbids", async () => {
    script("/calendarList", Array(10).fill({ status: 500, body: {} }));
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey }), 502, "calendar_unavailable");
    script("/events", [
      { status: 400, body: { error: { code: 400, message: "Invalid time range", errors: [{ reason: "timeRangeEmpty" }] } } },
    ]);
    const p = expectProblem(await call(t, "GET", events(), { token: org.secretKey }), 422, "calendar_rejected");
    expect(p.detail).toContain("Invalid time range");
    script("/events", [{ status: 403, body: { error: { code: 403, message: "Forbidden", errors: [{ reason: "forbidden" }] } } }]);
    expectProblem(await call(t, "GET", events(), { token: org.secretKey }), 403, "calendar_not_writable");
  });

  it("never logs or answers a token", () => {
    const logs = JSON.stringify(t.logs);
    for (const secret of g.issuedTokens) expect(logs.includes(secret)).toBe(false);
    expect(g.issuedTokens.length).toBeGreaterThan(0);
  });
});
