import { newId, type PlanActivityReport } from "@gatherkit/core";
import { chatMessages, plans, proposals, votes } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan } from "../../../../test/plan-fixtures.js";

let clock = Date.parse("2031-03-15T03:30:00Z");
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
const ZONE = "America/New_York";
/** Every row's createdAt, per kind, for the expected figures (computed here with Intl, not SQL). */
const made = { plans: [] as number[], proposals: [] as number[], votes: [] as number[], messages: [] as number[] };
const N = 130;

const dayIn = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
const activity = (org: TestOrg, query = "") => call(t, "GET", `/v1/plan-activity${query}`, { token: org.secretKey });

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
  expectStatus(await call(t, "PATCH", "/v1/organization", { token: a.secretKey, body: { timeZone: ZONE } }), 200);
  // One of each through the API (at 03:30 UTC: the evening before in New York)…
  const plan = await newPlan(t, a);
  const joined = await joinPlan(t, a, plan, "Ana");
  const proposal = expectStatus<{ id: string }>(
    await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: joined.token, body: { title: "Tram 28" } }),
    201,
  );
  expectStatus(
    await call(t, "PUT", `/v1/plans/${plan.id}/proposals/${proposal.id}/vote`, { token: joined.token, body: { value: "yes" } }),
    200,
  );
  expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/messages`, { token: joined.token, body: { body: "Hi!" } }), 201);
  for (const k of ["plans", "proposals", "votes", "messages"] as const) made[k].push(clock);
  // Beta's plan at the same moment: never counted for Alpha.
  await newPlan(t, b);
  // …then N more of each, copied in the database every 4 h 37 min from 1 March (across New
  // York's change to summer time on 9 March 2031), far more than one page of anything.
  const db = t.deps.db;
  const [planRow] = await db.select().from(plans).where(eq(plans.id, plan.id));
  const [proposalRow] = await db.select().from(proposals).where(eq(proposals.id, proposal.id));
  const [voteRow] = await db.select().from(votes).where(eq(votes.proposalId, proposal.id));
  const [messageRow] = await db.select().from(chatMessages).where(eq(chatMessages.planId, plan.id));
  if (!planRow || !proposalRow || !voteRow || !messageRow) throw new Error("the API-made rows are missing");
  const start = Date.parse("2031-03-01T00:00:00Z");
  for (let i = 0; i < N; i++) {
    const at = start + i * (4 * 60 + 37) * 60_000;
    const proposalId = newId("proposal");
    await db.batch([
      db.insert(plans).values({ ...planRow, id: newId("plan"), createdAt: at }),
      db.insert(proposals).values({ ...proposalRow, id: proposalId, createdAt: at }),
      db.insert(votes).values({ ...voteRow, id: newId("vote"), proposalId, value: "no", yesLock: null, createdAt: at }),
      db.insert(chatMessages).values({ ...messageRow, id: newId("message"), createdAt: at }),
    ]);
    for (const k of ["plans", "proposals", "votes", "messages"] as const) made[k].push(at);
  }
});
afterAll(() => t.close());

describe("GET /v1/plan-activity", () => {
  it("counts every plan, proposal, vote and message per day in the organization's time zone, beyond any page", async () => {
    const r = expectStatus<PlanActivityReport>(await activity(a, "?from=2031-02-28&to=2031-03-31"), 200);
    expect(r).toMatchObject({ timeZone: ZONE, from: "2031-02-28", to: "2031-03-31" });
    expect(r.byDay.map((d) => d.date)).toHaveLength(32);
    const expected = (k: keyof typeof made, date: string) => made[k].filter((at) => dayIn.format(at) === date).length;
    for (const d of r.byDay) {
      expect(d, d.date).toEqual({
        date: d.date,
        plans: expected("plans", d.date),
        proposals: expected("proposals", d.date),
        votes: expected("votes", d.date),
        messages: expected("messages", d.date),
      });
    }
    expect(r.totals).toEqual({ plans: N + 1, proposals: N + 1, votes: N + 1, messages: N + 1 });
    // 1 March 00:00 UTC is 28 February in New York: the first copies land on the day before.
    expect(r.byDay[0]).toMatchObject({ date: "2031-02-28", plans: 2 });
  });

  it("cuts at the range's local midnights and answers zeros for an empty range", async () => {
    const one = expectStatus<PlanActivityReport>(await activity(a, "?from=2031-03-14&to=2031-03-14"), 200);
    expect(one.byDay).toHaveLength(1);
    expect(one.totals.plans).toBe(made.plans.filter((at) => dayIn.format(at) === "2031-03-14").length);
    const empty = expectStatus<PlanActivityReport>(await activity(a, "?from=2032-01-01&to=2032-01-03"), 200);
    expect(empty.totals).toEqual({ plans: 0, proposals: 0, votes: 0, messages: 0 });
    expect(empty.byDay.map((d) => d.date)).toEqual(["2032-01-01", "2032-01-02", "2032-01-03"]);
  });

  it("defaults to the 30 days up to today in the organization's zone", async () => {
    clock = Date.parse("2031-04-01T02:00:00Z"); // still 31 March in New York
    const r = expectStatus<PlanActivityReport>(await activity(a), 200);
    expect({ from: r.from, to: r.to, days: r.byDay.length }).toEqual({ from: "2031-03-02", to: "2031-03-31", days: 30 });
    const fromOnly = expectStatus<PlanActivityReport>(await activity(a, "?from=2031-03-10"), 200);
    expect({ from: fromOnly.from, to: fromOnly.to }).toEqual({ from: "2031-03-10", to: "2031-04-08" });
  });

  it("is the caller's organization only: another organization sees its own figures", async () => {
    const r = expectStatus<PlanActivityReport>(await activity(b, "?from=2031-02-28&to=2031-03-31"), 200);
    expect(r.timeZone).toBe("UTC");
    expect(r.totals).toEqual({ plans: 1, proposals: 0, votes: 0, messages: 0 });
    expect(r.byDay.find((d) => d.plans)?.date).toBe("2031-03-15");
  });

  it("refuses a backwards or too long range (422 invalid_date_range) and a date that does not exist (400)", async () => {
    expectProblem(await activity(a, "?from=2031-03-10&to=2031-03-01"), 422, "invalid_date_range");
    expectProblem(await activity(a, "?from=2030-01-01&to=2031-03-01"), 422, "invalid_date_range");
    expectProblem(await activity(a, "?from=2031-02-30"), 400, "validation_failed");
    expectProblem(await activity(a, "?to=tomorrow"), 400, "validation_failed");
  });

  it("is for the organization's staff: not for visitors or participants", async () => {
    expectProblem(await call(t, "GET", "/v1/plan-activity"), 401, "authentication_required");
    expectProblem(
      await call(t, "GET", "/v1/plan-activity", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", "/v1/plan-activity", { token: a.participantToken }), 403, "permission_denied");
  });
});
