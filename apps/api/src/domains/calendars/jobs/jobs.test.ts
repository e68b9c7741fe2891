import type { CalendarJob, Client } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalendarApp, calendarApp } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import type { GoogleStandIn } from "../../../../test/google-standin.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { deliverOutbox } from "../../../lib/outbox.js";
import { JOB_CHUNK } from "./jobs.service.js";

const TEAM = "team@group.calendar.google.com";
const HOLIDAYS = "holidays@group.calendar.google.com"; // read-only for the connection

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

const job = async (id: string) =>
  expectStatus<CalendarJob>(await call(t, "GET", `/v1/clients/${client.id}/jobs/${id}`, { token: org.secretKey }), 200);
const event = (i: number) => ({
  title: `Bulk ${i}`,
  start: { dateTime: `2031-01-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z` },
  end: { dateTime: `2031-01-${String(1 + (i % 28)).padStart(2, "0")}T11:00:00Z` },
});

/** Polls (delivering the outbox) until `ok` holds. */
async function until(ok: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await deliverOutbox(t.deps);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the condition never held");
}
const outboxRow = async (jobId: string) =>
  (await t.deps.db.select().from(outbox).where(isNull(outbox.sentAt))).find((r) => JSON.stringify(r.payload).includes(jobId));

describe("bulk jobs", () => {
  it("creates many events a chunk per task, reporting progress (queued, running n/N, done) and each failed row's reason", async () => {
    const rows = Array.from({ length: 45 }, (_, i) => ({ calendarId: i === 7 ? HOLIDAYS : TEAM, event: event(i) }));
    const created = expectStatus<CalendarJob>(
      await call(t, "POST", `/v1/clients/${client.id}/jobs`, { token: org.secretKey, body: { kind: "create_events", events: rows } }),
      202,
    );
    expect(created).toMatchObject({ status: "queued", total: 45, processed: 0 });
    // Google is busy for the first row of the second chunk: the job stops there, its progress kept.
    g.script = (req) =>
      req.method === "POST" && req.body.includes(`"Bulk ${JOB_CHUNK}"`)
        ? { status: 429, body: { error: { code: 429, message: "Rate Limit Exceeded", errors: [{ reason: "rateLimitExceeded" }] } } }
        : undefined;
    await until(async () => (await outboxRow(created.id))?.lastError != null);
    const paused = await job(created.id);
    expect(paused, JSON.stringify(paused)).toMatchObject({ status: "running", processed: JOB_CHUNK, total: 45, failed: 1 });
    // Google answers again; the retried task resumes at row 20 (what a restart would do too).
    g.script = () => undefined;
    await t.deps.db.update(outbox).set({ nextAttemptAt: 0 }).where(isNull(outbox.sentAt));
    await until(async () => (await job(created.id)).status === "done");
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "done", processed: 45, succeeded: 44, failed: 1 });
    expect(done.failures).toEqual([{ index: 7, code: "calendar_not_writable", detail: expect.any(String) }]);
    expect(g.eventsOf(TEAM).filter((e) => String(e.summary).startsWith("Bulk "))).toHaveLength(44);

    // Listed, newest first; another organization sees no such job.
    const list = expectStatus<{ data: CalendarJob[] }>(
      await call(t, "GET", `/v1/clients/${client.id}/jobs`, { token: org.secretKey }),
      200,
    );
    expect(list.data[0]?.id).toBe(created.id);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/jobs/${created.id}`, { token: other.secretKey }), 404, "not_found");
  });

  it("deletes many events (one already gone counts as deleted), and refuses bad rows before starting", async () => {
    const made: { id: string }[] = [];
    for (const i of [100, 101]) {
      made.push(
        expectStatus<{ id: string }>(
          await call(t, "POST", `/v1/clients/${client.id}/calendars/${encodeURIComponent(TEAM)}/events`, {
            token: org.secretKey,
            body: event(i),
          }),
          201,
        ),
      );
    }
    expectStatus(
      await call(t, "DELETE", `/v1/clients/${client.id}/calendars/${encodeURIComponent(TEAM)}/events/${made[0]?.id}`, {
        token: org.secretKey,
      }),
      204,
    );
    const created = expectStatus<CalendarJob>(
      await call(t, "POST", `/v1/clients/${client.id}/jobs`, {
        token: org.secretKey,
        body: { kind: "delete_events", events: made.map((m) => ({ calendarId: TEAM, eventId: m.id })) },
      }),
      202,
    );
    await until(async () => (await job(created.id)).status === "done");
    expect(await job(created.id)).toMatchObject({ status: "done", succeeded: 2, failed: 0 });
    expect(g.eventsOf(TEAM).filter((e) => e.id === made[1]?.id && e.status !== "cancelled")).toHaveLength(0);

    const bad = await call(t, "POST", `/v1/clients/${client.id}/jobs`, {
      token: org.secretKey,
      body: { kind: "create_events", events: [{ calendarId: TEAM, event: { ...event(1), end: event(1).start, start: event(1).end } }] },
    });
    expect(bad.status).toBe(400);
    const refused = expectProblem(
      await call(t, "POST", `/v1/clients/${client.id}/jobs`, {
        token: org.secretKey,
        body: {
          kind: "create_events",
          events: [
            { calendarId: TEAM, event: event(2) },
            { calendarId: TEAM, event: { ...event(1), recurrence: ["RRULE:FREQ=SOMETIMES"] } },
          ],
        },
      }),
      400,
      "validation_failed",
    );
    expect(refused.errors?.[0]?.path).toBe("body.events.1.event.recurrence.0");
    const jobs = expectStatus<{ data: CalendarJob[] }>(
      await call(t, "GET", `/v1/clients/${client.id}/jobs`, { token: org.secretKey }),
      200,
    );
    expect(jobs.data).toHaveLength(2); // the refused ones were never stored
  });
});
