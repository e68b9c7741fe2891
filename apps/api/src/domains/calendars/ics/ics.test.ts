import type { Client } from "@gatherkit/core";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalendarApp, calendarApp } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

const TEAM = "team@group.calendar.google.com";
const path = (c: Client) => `/v1/clients/${c.id}/calendars/${encodeURIComponent(TEAM)}`;

let app: CalendarApp;
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let client: Client;

beforeAll(async () => {
  app = await calendarApp();
  ({ t, org, other, client } = app);
});
afterAll(() => app.close());

describe(".ics export of a client's calendar", () => {
  it("exports timed, all-day and recurring events that ical.js reads back as they were", async () => {
    const create = async (body: object) =>
      expectStatus(await call(t, "POST", `${path(client)}/events`, { token: org.secretKey, body }), 201);
    await create({
      title: "Board meeting; Q3, budget",
      description: "Line one\nLine two",
      location: "Room 4",
      start: { dateTime: "2030-07-01T09:00:00+02:00", timeZone: "Europe/Paris" },
      end: { dateTime: "2030-07-01T10:30:00+02:00", timeZone: "Europe/Paris" },
    });
    await create({ title: "Offsite", start: { date: "2030-07-10" }, end: { date: "2030-07-12" } });
    await create({
      title: "Weekly stand-up",
      start: { dateTime: "2030-07-02T09:00:00+02:00", timeZone: "Europe/Paris" },
      end: { dateTime: "2030-07-02T09:15:00+02:00", timeZone: "Europe/Paris" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
    });

    const r = await call(t, "GET", `${path(client)}/events.ics`, { token: org.secretKey });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = String(r.body);
    expect(ics.split("\r\n").every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    const by = Object.fromEntries(events.map((e) => [e.summary, e]));
    expect(Object.keys(by).sort()).toEqual(["Board meeting; Q3, budget", "Offsite", "Weekly stand-up"]);
    expect(by["Board meeting; Q3, budget"]?.startDate.toJSDate().toISOString()).toBe("2030-07-01T07:00:00.000Z");
    expect(by["Board meeting; Q3, budget"]?.description).toBe("Line one\nLine two");
    expect(by["Board meeting; Q3, budget"]?.location).toBe("Room 4");
    expect(by.Offsite?.startDate.isDate).toBe(true);
    expect(by.Offsite?.startDate.toString()).toBe("2030-07-10");
    const standup = by["Weekly stand-up"];
    expect(standup?.isRecurring()).toBe(true);
    const it = standup?.iterator();
    const dates: string[] = [];
    for (let next = it?.next(); next && dates.length < 10; next = it?.next()) dates.push(next.toJSDate().toISOString());
    expect(dates).toEqual(["2030-07-02T07:00:00.000Z", "2030-07-09T07:00:00.000Z", "2030-07-16T07:00:00.000Z", "2030-07-23T07:00:00.000Z"]);
    expect(new Set(events.map((e) => e.uid)).size).toBe(3);
  });

  it("keeps a series at its local time across a daylight-saving change (TZID with the file's VTIMEZONE), its EXDATE too", async () => {
    await call(t, "POST", `${path(client)}/events`, {
      token: org.secretKey,
      body: {
        title: "Autumn stand-up",
        // Saturdays at 09:00 in Paris; Paris changes to winter time on Sunday 27 October 2030.
        start: { dateTime: "2030-10-19T09:00:00+02:00", timeZone: "Europe/Paris" },
        end: { dateTime: "2030-10-19T09:15:00+02:00", timeZone: "Europe/Paris" },
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Europe/Paris:20301026T090000"],
      },
    });
    const ics = String((await call(t, "GET", `${path(client)}/events.ics`, { token: org.secretKey })).body);
    const cal = new ICAL.Component(ICAL.parse(ics));
    // Only the file's own zone data: nothing ical.js knows beforehand.
    for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
    try {
      const series = cal
        .getAllSubcomponents("vevent")
        .map((v) => new ICAL.Event(v))
        .find((e) => e.summary === "Autumn stand-up");
      const it = series?.iterator();
      const dates: string[] = [];
      for (let next = it?.next(); next && dates.length < 10; next = it?.next()) {
        if (!series?.component.getAllProperties("exdate").some((p) => p.getFirstValue()?.toString() === next?.toString()))
          dates.push(next.toJSDate().toISOString());
      }
      // 09:00 Paris: 07:00 UTC in summer time, 08:00 UTC after the change; the 26th is excluded.
      expect(dates).toEqual(["2030-10-19T07:00:00.000Z", "2030-11-02T08:00:00.000Z", "2030-11-09T08:00:00.000Z"]);
    } finally {
      ICAL.TimezoneService.remove("Europe/Paris");
    }
  });

  it("is another organization's 404, and a bad range 400", async () => {
    expectProblem(await call(t, "GET", `${path(client)}/events.ics`, { token: other.secretKey }), 404, "not_found");
    expect((await call(t, "GET", `${path(client)}/events.ics?timeMin=yesterday`, { token: org.secretKey })).status).toBe(400);
  });
});
