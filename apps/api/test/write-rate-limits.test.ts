import type { ChatMessage, Plan, Proposal } from "@gatherkit/core";
import { chatMessages, proposals } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proposalHelpers } from "../src/domains/plans/proposals/proposals.fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { type Joined, joinPlan, newPlan, planEvents } from "./plan-fixtures.js";

// Writes that are published to a room are limited per caller: CHAT_RATE_LIMIT_MAX chat writes,
// VOTE_RATE_LIMIT_MAX votes and PROPOSAL_RATE_LIMIT_MAX proposal writes per
// WRITE_RATE_LIMIT_WINDOW_SECONDS, each for the participant (or key, or user) making them.

const WINDOW_MS = 60_000;
// 40 s into a window that began a minute or so ago (tokens are checked against the real clock).
const clock = { now: Date.now() - (Date.now() % WINDOW_MS) - WINDOW_MS + 40_000 };
let t: TestApp;
let org: TestOrg;
let plan: Plan;
let ada: Joined;
let bob: Joined;
const { propose, vote } = proposalHelpers(() => t);

beforeAll(async () => {
  t = await createTestApp({
    env: { CHAT_RATE_LIMIT_MAX: "5", VOTE_RATE_LIMIT_MAX: "4", PROPOSAL_RATE_LIMIT_MAX: "3", WRITE_RATE_LIMIT_WINDOW_SECONDS: "60" },
    now: () => clock.now,
  });
  org = await newOrg(t);
  plan = await newPlan(t, org);
  ada = await joinPlan(t, org, plan, "Ada");
  bob = await joinPlan(t, org, plan, "Bob");
});
afterAll(() => t.close());

/** A 429 `rate_limited` problem whose Retry-After is the whole seconds left in the window. */
function expectRateLimited(res: Awaited<ReturnType<typeof call>>) {
  expectProblem(res, 429, "rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
}

const post = (who: Joined, body: string) => call(t, "POST", `/v1/plans/${plan.id}/messages`, { token: who.token, body: { body } });
const chatEvents = async () => (await planEvents(t, plan)).filter((e) => e.type === "plan.message_changed").length;

describe("chat messages", () => {
  it("answers 429 with Retry-After past the limit, writes nothing for a refused one, and leaves another participant alone", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(ada, `burst ${i}`)));
    const ok = answers.filter((r) => r.status === 201);
    expect(ok).toHaveLength(5);
    for (const r of answers.filter((r) => r.status !== 201)) expectRateLimited(r);
    expect(answers.filter((r) => r.status === 429)[0]?.headers.get("retry-after")).toBe("20");

    // Only the accepted ones exist, and only they were announced.
    const stored = await t.deps.db.select().from(chatMessages).where(eq(chatMessages.planId, plan.id));
    expect(stored).toHaveLength(5);
    expect(await chatEvents()).toBe(5);

    // The control: Bob, in the same plan and the same window, is not slowed by Ada.
    expectStatus<ChatMessage>(await post(bob, "hello"), 201);
    // Editing and deleting count too.
    const mine = stored[0]!;
    expectRateLimited(await call(t, "DELETE", `/v1/plans/${plan.id}/messages/${mine.id}`, { token: ada.token }));
    expect((await t.deps.db.select().from(chatMessages).where(eq(chatMessages.id, mine.id)))[0]?.deletedAt).toBeNull();

    // The next window lets Ada write again.
    clock.now += WINDOW_MS;
    expectStatus<ChatMessage>(await post(ada, "back"), 201);
  });
});

describe("proposals and votes", () => {
  it("limits proposal writes per participant", async () => {
    clock.now += WINDOW_MS;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: ada.token, body: { title: `Idea ${i}` } }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of answers.filter((r) => r.status !== 201)) expectRateLimited(r);
    const stored = await t.deps.db.select().from(proposals).where(eq(proposals.planId, plan.id));
    expect(stored.filter((p) => p.createdByParticipantId === ada.participantId)).toHaveLength(3);
    // Bob still proposes.
    await propose(plan, bob.token, { title: "Bob's idea" });
  });

  it("limits votes per participant; a refused vote changes no tally", async () => {
    clock.now += WINDOW_MS;
    const p: Proposal = await propose(plan, bob.token, { title: "Vote on me" });
    const values = ["yes", "no", "yes", "no", "maybe", "maybe"] as const;
    const statuses: number[] = [];
    for (const v of values) {
      const r = await vote(plan, p, ada.token, v);
      statuses.push(r.status);
      if (r.status !== 200) expectRateLimited(r);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const tallies = expectStatus<{ data: { proposalId: string; no: number; maybe: number }[] }>(
      await call(t, "GET", `/v1/plans/${plan.id}/tallies`, { token: bob.token }),
      200,
    ).data;
    // Ada's last accepted vote was "no"; the refused "maybe"s changed nothing.
    expect(tallies.find((x) => x.proposalId === p.id)).toMatchObject({ no: 1, maybe: 0 });
    expect((await vote(plan, p, bob.token, "yes")).status).toBe(200);
  });
});
