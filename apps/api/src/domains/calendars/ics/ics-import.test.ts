import { readFileSync } from "node:fs";
import type { CalendarJob, Client, IcsImportPreview } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectedClient } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { type GoogleStandIn, startGoogleStandIn } from "../../../../test/google-standin.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { deliverOutbox } from "../../../lib/outbox.js";

const TEAM = "team@group.calendar.google.com";
const HOLIDAYS = "holidays@group.calendar.google.com"; // read-only for the connection
const fixture = (name: string) => readFileSync(new URL(`../../../../test/ics/${name}`, import.meta.url), "utf8");

let g: GoogleStandIn;
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let client: Client;

beforeAll(async () => {
  g = await startGoogleStandIn();
  t = await createTestApp({ env: g.env });
  org = await newOrg(t);
  other = await newOrg(t);
  client = await connectedClient(t, org);
  // Floating times are read in the client's zone.
  expectStatus(await call(t, "PATCH", `/v1/clients/${client.id}`, { token: org.secretKey, body: { timeZone: "America/Chicago" } }), 200);
});
afterAll(async () => {
  t.close();
  await g.close();
});

const importPath = (calendarId = TEAM, c = client) => `/v1/clients/${c.id}/calendars/${encodeURIComponent(calendarId)}/events.ics`;
const start = (ics: string, calendarId = TEAM, as = org) => call(t, "POST", importPath(calendarId), { token: as.secretKey, body: { ics } });

async function finished(job: CalendarJob): Promise<CalendarJob> {
  for (let i = 0; i < 500; i++) {
    const now = expectStatus<CalendarJob>(await call(t, "GET", `/v1/clients/${client.id}/jobs/${job.id}`, { token: org.secretKey }), 200);
    if (now.status === "done" || now.status === "failed") return now;
    await deliverOutbox(t.deps);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the import never finished");
}
const imported = async (ics: string, calendarId = TEAM) => finished(expectStatus<CalendarJob>(await start(ics, calendarId), 202));
const live = () => g.eventsOf(TEAM).filter((e) => e.status !== "cancelled");
const bySummary = (summary: string) => live().filter((e) => e.summary === summary);

/** Three events Google would refuse (bad RRULE, unknown zone, end before start) and a fine one. */
const MIXED = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "BEGIN:VEVENT",
  "UID:bad-rule",
  "DTSTART:20300801T090000Z",
  "DTEND:20300801T100000Z",
  "RRULE:FREQ=SOMETIMES",
  "SUMMARY:Bad rule",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:bad-zone",
  "DTSTART;TZID=Mars/Olympus:20300801T090000",
  "DTEND;TZID=Mars/Olympus:20300801T100000",
  "SUMMARY:Bad zone",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:backwards",
  "DTSTART:20300801T100000Z",
  "DTEND:20300801T090000Z",
  "SUMMARY:Backwards",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:fine",
  "DTSTART:20300802T100000Z",
  "DTEND:20300802T110000Z",
  "SUMMARY:Fine one",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");

describe(".ics import into a client's calendar", () => {
  it("imports a Google export: zones kept, series stay series with their EXDATE, all-day stays all-day, cancelled skipped", async () => {
    const job = await imported(fixture("google-export.ics"));
    expect(job).toMatchObject({ kind: "import_ics", status: "done", total: 3, succeeded: 3, failed: 0 });
    const [board] = bySummary("Board meeting");
    expect(board?.start).toEqual({ dateTime: "2030-07-01T09:00:00+02:00", timeZone: "Europe/Paris" });
    expect(board?.end).toEqual({ dateTime: "2030-07-01T10:30:00+02:00", timeZone: "Europe/Paris" });
    expect(board?.description).toBe("Agenda:\n1. Budget; Q3\n2. Hiring");
    expect(board?.location).toBe("Room 4, Paris");
    const [standup] = bySummary("Weekly stand-up");
    // 26 October 2030 is the day before Paris changes to winter time: still +02:00.
    expect(standup?.start).toEqual({ dateTime: "2030-10-26T09:00:00+02:00", timeZone: "Europe/Paris" });
    expect(standup?.recurrence).toEqual(["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Europe/Paris:20301102T090000"]);
    expect(bySummary("Offsite")[0]?.start).toEqual({ date: "2030-07-10" });
    expect(bySummary("Offsite")[0]?.end).toEqual({ date: "2030-07-12" });
    expect(bySummary("Cancelled call")).toHaveLength(0);
  });

  it("imports again without duplicating: the same UIDs update the events they made", async () => {
    const before = live().length;
    const edited = fixture("google-export.ics").replace("SUMMARY:Board meeting", "SUMMARY:Board meeting (moved)");
    const job = await imported(edited);
    expect(job).toMatchObject({ status: "done", succeeded: 3, failed: 0 });
    expect(live().length).toBe(before);
    expect(bySummary("Board meeting")).toHaveLength(0);
    expect(bySummary("Board meeting (moved)")).toHaveLength(1);
  });

  it("imports an Outlook export: Windows zone names and a file-defined fixed zone, DURATION, attendees not invited", async () => {
    const job = await imported(fixture("outlook-export.ics"));
    expect(job).toMatchObject({ status: "done", total: 2, succeeded: 2, failed: 0 });
    const [review] = bySummary("Quarterly review");
    expect(review?.start).toEqual({ dateTime: "2030-07-02T14:00:00+02:00", timeZone: "Europe/Berlin" });
    expect(review?.description).toBe("Quarterly review with the whole team. Bring the numbers and the roadmap slides, please.\n");
    const [call2] = bySummary("Call with Bangalore");
    expect(call2?.start).toEqual({ dateTime: "2030-07-03T09:30:00+05:30" });
    expect(call2?.end).toEqual({ dateTime: "2030-07-03T10:15:00+05:30" });
    expect(call2?.attendees ?? []).toEqual([]);
  });

  it("imports an Apple export: the series, its edited occurrence reported as not imported, a floating time in the client's zone", async () => {
    const job = await imported(fixture("apple-export.ics"));
    expect(job).toMatchObject({ status: "done", total: 3, succeeded: 2, failed: 1 });
    expect(job.failures[0]?.code).toBe("ics_invalid");
    expect(job.failures[0]?.detail).toContain("RECURRENCE-ID");
    expect(job.failures[0]?.detail).toContain("line 33");
    expect(bySummary("Morning run")[0]?.start).toEqual({ dateTime: "2030-11-01T09:00:00-04:00", timeZone: "America/New_York" });
    expect(bySummary("Fireworks (floating)")[0]?.start).toEqual({ dateTime: "2030-07-04T18:00:00-05:00", timeZone: "America/Chicago" });
  });

  it("fails alone the events Google would refuse (bad RRULE, unknown zone, end before start), importing the rest", async () => {
    const ics = MIXED;
    const job = await imported(ics);
    expect(job).toMatchObject({ status: "done", total: 4, succeeded: 1, failed: 3 });
    expect(job.failures.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(job.failures[0]?.detail).toContain("RRULE");
    expect(job.failures[1]?.detail).toContain("Mars/Olympus");
    expect(job.failures[2]?.detail).toContain("must be after start");
    expect(bySummary("Fine one")).toHaveLength(1);
  });
});

describe("previewing an .ics import", () => {
  const preview = (ics: string, as = org) => call(t, "POST", `${importPath()}/preview`, { token: as.secretKey, body: { ics } });
  const jobCount = async () =>
    expectStatus<{ data: unknown[] }>(await call(t, "GET", `/v1/clients/${client.id}/jobs?limit=100`, { token: org.secretKey }), 200).data
      .length;

  it("answers each row as the import would (same indexes and reasons), writing and queuing nothing", async () => {
    const jobs = await jobCount();
    const events = g.eventsOf(TEAM).length;
    const p = expectStatus<IcsImportPreview>(await preview(MIXED), 200);
    expect(p).toMatchObject({ total: 4, importable: 1, failing: 3 });
    expect(p.items.map((i) => [i.index, i.uid, i.error === null])).toEqual([
      [0, "bad-rule", false],
      [1, "bad-zone", false],
      [2, "backwards", false],
      [3, "fine", true],
    ]);
    expect(p.items[3]).toMatchObject({ line: 22, title: "Fine one", start: { dateTime: "2030-08-02T10:00:00Z" }, recurring: false });
    expect(p.items[1]?.error).toContain("Mars/Olympus");
    expect(await jobCount()).toBe(jobs);
    expect(g.eventsOf(TEAM).length).toBe(events);
    // The job reports the same rows failing, for the same reasons.
    const job = await imported(MIXED);
    expect(job.failures.map((f) => [f.index, f.detail])).toEqual(p.items.filter((i) => i.error).map((i) => [i.index, i.error]));
  });

  it("reads series and all-day events, and refuses what the import refuses", async () => {
    const p = expectStatus<IcsImportPreview>(await preview(fixture("google-export.ics")), 200);
    expect(p.items.map((i) => [i.title, i.recurring])).toEqual([
      ["Board meeting", false],
      ["Weekly stand-up", true],
      ["Offsite", false],
    ]);
    expect(p.items[2]?.start).toEqual({ date: "2030-07-10" });
    const bad = await preview("BEGIN:VEVENT\r\nEND:VEVENT");
    expectProblem(bad, 400, "ics_invalid");
    expectProblem(await preview(fixture("google-export.ics"), other), 404, "not_found");
  });
});

describe("hostile and malformed .ics", () => {
  const cases: [string, string, RegExp][] = [
    ["not iCalendar at all", "<html><body>Not found</body></html>", /^line 1: is not a content line/],
    ["no VCALENDAR", "BEGIN:VEVENT\r\nEND:VEVENT", /^line 1: the file must start with BEGIN:VCALENDAR/],
    [
      "an unclosed component",
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VCALENDAR",
      /^line 4: END:VCALENDAR does not close BEGIN:VEVENT \(line 2\)/,
    ],
    ["a file that never ends", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT", /^line 3: BEGIN:VEVENT never ends/],
    ["a line without a colon", "BEGIN:VCALENDAR\r\nVERSION 2.0\r\nEND:VCALENDAR", /^line 2: is not a content line/],
    ["a control character", "BEGIN:VCALENDAR\r\nSUMMARY:a\u0000b\r\nEND:VCALENDAR", /^line 2: has a control character/],
    [
      "content after the end",
      "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR",
      /^line 3: content after END:VCALENDAR/,
    ],
    ["deep nesting", `BEGIN:VCALENDAR\r\n${"BEGIN:X\r\n".repeat(6)}`, /^line 5: components nested too deep/],
    [
      "an endless folded line",
      `BEGIN:VCALENDAR\r\nDESCRIPTION:${"\r\n x".repeat(10_050)}\r\nEND:VCALENDAR`,
      /^line 2: longer than 10000 characters/,
    ],
  ];
  for (const [what, ics, detail] of cases) {
    it(`refuses ${what} with 400 ics_invalid naming the line, queuing nothing`, async () => {
      const jobsBefore = expectStatus<{ data: unknown[] }>(
        await call(t, "GET", `/v1/clients/${client.id}/jobs?limit=100`, { token: org.secretKey }),
        200,
      ).data.length;
      const r = await start(ics);
      expectProblem(r, 400, "ics_invalid");
      expect(String((r.body as { detail: string }).detail)).toMatch(detail);
      const jobsAfter = expectStatus<{ data: unknown[] }>(
        await call(t, "GET", `/v1/clients/${client.id}/jobs?limit=100`, { token: org.secretKey }),
        200,
      ).data.length;
      expect(jobsAfter).toBe(jobsBefore);
    });
  }

  it("refuses too many events (413) and an empty body (400)", async () => {
    const many = `BEGIN:VCALENDAR\r\n${Array.from({ length: 501 }, (_, i) => `BEGIN:VEVENT\r\nUID:e${i}\r\nDTSTART:20300801T090000Z\r\nDTEND:20300801T100000Z\r\nEND:VEVENT\r\n`).join("")}END:VCALENDAR\r\n`;
    expectProblem(await start(many), 413, "payload_too_large");
    expect((await start("")).status).toBe(400);
  });

  it("is for the client's organization, and a calendar the connection may write", async () => {
    expectProblem(
      await call(t, "POST", importPath(), { token: other.secretKey, body: { ics: fixture("google-export.ics") } }),
      404,
      "not_found",
    );
    const job = await imported(fixture("google-export.ics"), HOLIDAYS);
    expect(job).toMatchObject({ status: "done", succeeded: 0, failed: 3 });
    expect(job.failures.every((f) => f.code === "calendar_not_writable")).toBe(true);
  });
});
