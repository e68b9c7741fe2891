import type { Client, Plan, Proposal, SyncRule } from "@gatherkit/core";
import { calendarSyncedItems, calendarSyncRules, outbox } from "@gatherkit/db";
import { and, eq, isNull, ne } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CalendarApp, calendarApp } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import type { GoogleStandIn } from "../../../../test/google-standin.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { newPlan } from "../../../../test/plan-fixtures.js";
import { deliverOutbox, PARKED } from "../../../lib/outbox.js";
import { syncRule } from "../sync.js";

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
beforeEach(() => {
  g.script = () => undefined;
});

/** Delivers the outbox until nothing is waiting (realtime rows, and the tasks they cause). */
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

const teamEvents = () => g.eventsOf(TEAM).filter((e) => e.status !== "cancelled");
const writes = () => g.received.filter((r) => r.path.includes("/events") && r.method !== "GET").length;

async function planWithItinerary(): Promise<{ plan: Plan; proposals: Proposal[] }> {
  const plan = await newPlan(t, org, { title: "Offsite" });
  const bodies = [
    { title: "Boat tour", startsAt: "2030-07-02T09:00:00Z", endsAt: "2030-07-02T12:00:00Z", description: "Meet at the pier" },
    { title: "Dinner", startsAt: "2030-07-02T19:00:00Z", endsAt: "2030-07-02T21:30:00Z" },
    { title: "Free time (no time set)" },
  ];
  const proposals: Proposal[] = [];
  for (const body of bodies) {
    proposals.push(expectStatus<Proposal>(await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body }), 201));
  }
  return { plan, proposals };
}

describe("sync rules", () => {
  it("pushes a finalized plan to the calendar, its change, and deletes it on cancel — once each, without duplicates", async () => {
    const { plan, proposals } = await planWithItinerary();
    const rule = expectStatus<SyncRule>(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: TEAM, source: { type: "plan", id: plan.id } },
      }),
      201,
    );
    // The same link again is the same rule.
    const again = expectStatus<SyncRule>(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: TEAM, source: { type: "plan", id: plan.id } },
      }),
      200,
    );
    expect(again.id).toBe(rule.id);
    await settle();
    expect(teamEvents()).toHaveLength(0); // still planning

    expectStatus(
      await call(t, "POST", `/v1/plans/${plan.id}/finalize`, {
        token: org.secretKey,
        body: { mode: "select", proposalIds: proposals.map((p) => p.id) },
      }),
      200,
    );
    await settle();
    const pushed = teamEvents();
    expect(pushed.map((e) => e.summary).sort()).toEqual(["Boat tour", "Dinner"]);
    const boat = pushed.find((e) => e.summary === "Boat tour");
    expect(boat).toMatchObject({
      start: { dateTime: "2030-07-02T09:00:00.000Z", timeZone: "Europe/Lisbon" },
      end: { dateTime: "2030-07-02T12:00:00.000Z", timeZone: "Europe/Lisbon" },
    });
    expect(String(boat?.description)).toContain("Meet at the pier");
    expect(String(boat?.id)).toMatch(/^gk[a-v0-9]+$/);

    // Running it again (a duplicate task) sends nothing: nothing changed.
    let before = writes();
    await syncRule(t.deps, rule.id);
    expect(writes()).toBe(before);

    // A lost answer: the event was made at Google but not remembered here. The retry finds it
    // by its id (Google answers 409) and updates it instead of making a second one.
    await t.deps.db.delete(calendarSyncedItems).where(eq(calendarSyncedItems.ruleId, rule.id));
    await syncRule(t.deps, rule.id);
    expect(teamEvents()).toHaveLength(2);

    // The plan changes: the same events are updated.
    expectStatus(await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: org.secretKey, body: { title: "Offsite 2030" } }), 200);
    before = writes();
    await settle();
    expect(writes() - before).toBe(2);
    expect(teamEvents()).toHaveLength(2);
    for (const e of teamEvents()) expect(String(e.description)).toContain("Plan: Offsite 2030");

    // Cancelled: both events are deleted at Google and forgotten here.
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: org.secretKey }), 200);
    await settle();
    expect(teamEvents()).toHaveLength(0);
    expect(
      g
        .eventsOf(TEAM)
        .filter((e) => e.status === "cancelled")
        .map((e) => e.summary)
        .sort(),
    ).toEqual(["Boat tour", "Dinner"]);
    expect(await t.deps.db.select().from(calendarSyncedItems).where(eq(calendarSyncedItems.ruleId, rule.id))).toHaveLength(0);
    // The plan's tasks all went through: none parked.
    const parked = await t.deps.db.select({ lastError: outbox.lastError }).from(outbox).where(eq(outbox.nextAttemptAt, PARKED));
    expect(parked).toEqual([]);
  });

  it("retries a push Google could not take, then makes the event once", async () => {
    const { plan, proposals } = await planWithItinerary();
    const rule = expectStatus<SyncRule>(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: "primary", source: { type: "plan", id: plan.id } },
      }),
      201,
    );
    let failures = 0;
    g.script = (r) => (r.method === "POST" && r.path.endsWith("/events") && failures++ < 4 ? { status: 503, body: {} } : undefined);
    expectStatus(
      await call(t, "POST", `/v1/plans/${plan.id}/finalize`, {
        token: org.secretKey,
        body: { mode: "select", proposalIds: [proposals[0]?.id] },
      }),
      200,
    );
    // The first task fails at Google (four attempts) and is retried later by the outbox.
    await deliverOutbox(t.deps);
    await t.deps.db
      .update(outbox)
      .set({ nextAttemptAt: 0 })
      .where(and(isNull(outbox.sentAt), ne(outbox.nextAttemptAt, PARKED)));
    await settle();
    const primary = g.eventsOf("primary").filter((e) => e.summary === "Boat tour" && e.status !== "cancelled");
    expect(primary).toHaveLength(1);
    expect(await t.deps.db.select().from(calendarSyncedItems).where(eq(calendarSyncedItems.ruleId, rule.id))).toHaveLength(1);
  });

  it("refuses a plan of another organization, an unknown plan and a calendar the connection only reads, writing no rule", async () => {
    const theirs = await newPlan(t, other);
    const { plan } = await planWithItinerary();
    const post = (body: unknown, token = org.secretKey) => call(t, "POST", `/v1/clients/${client.id}/sync-rules`, { token, body });
    expectProblem(await post({ calendarId: TEAM, source: { type: "plan", id: theirs.id } }), 404, "not_found");
    expectProblem(await post({ calendarId: TEAM, source: { type: "plan", id: "plan_0123456789abcdefghjk" } }), 404, "not_found");
    expectProblem(
      await post({ calendarId: "holidays@group.calendar.google.com", source: { type: "plan", id: plan.id } }),
      403,
      "calendar_not_writable",
    );
    expectProblem(await post({ calendarId: TEAM, source: { type: "event", id: plan.id } }), 400, "validation_failed");
    expectProblem(await post({ calendarId: TEAM, source: { type: "plan", id: plan.id } }, other.secretKey), 404, "not_found");
    expect(await t.deps.db.select().from(calendarSyncRules).where(eq(calendarSyncRules.sourceId, plan.id))).toHaveLength(0);
  });

  it("lists and deletes rules", async () => {
    const { plan } = await planWithItinerary();
    const rule = expectStatus<SyncRule>(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: TEAM, source: { type: "plan", id: plan.id } },
      }),
      201,
    );
    const list = expectStatus<{ data: SyncRule[] }>(
      await call(t, "GET", `/v1/clients/${client.id}/sync-rules`, { token: org.secretKey }),
      200,
    );
    expect(list.data.map((r) => r.id)).toContain(rule.id);
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}/sync-rules/${rule.id}`, { token: other.secretKey }), 404, "not_found");
    expect((await call(t, "DELETE", `/v1/clients/${client.id}/sync-rules/${rule.id}`, { token: org.secretKey })).status).toBe(204);
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}/sync-rules/${rule.id}`, { token: org.secretKey }), 404, "not_found");
  });
});
