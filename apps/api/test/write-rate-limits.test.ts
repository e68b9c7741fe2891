import type { ChatMessage, Plan, Proposal } from "@gatherkit/core";
import { chatMessages, proposals } from "@gatherkit/db";
import type { Client, InStatement } from "@libsql/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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

describe("chat messages: the count in the message's own batch", () => {
  /** The SQL of every statement the database ran during `run`, one list per transaction (a batch, or a statement alone). */
  async function transactionsOf(run: () => Promise<unknown>): Promise<string[][]> {
    const client = (t.deps.db as unknown as { $client: Client }).$client;
    const seen: string[][] = [];
    const text = (s: Parameters<Client["batch"]>[0][number]) => (typeof s === "string" ? s : Array.isArray(s) ? s[0] : s.sql);
    const batch = client.batch.bind(client);
    const execute = client.execute.bind(client) as (stmt: InStatement) => ReturnType<Client["execute"]>;
    const spies = [
      vi.spyOn(client, "batch").mockImplementation((stmts, mode) => {
        seen.push(stmts.map(text));
        return batch(stmts, mode);
      }),
      vi.spyOn(client, "execute").mockImplementation(((stmt: InStatement) => {
        seen.push([text(stmt)]);
        return execute(stmt);
      }) as Client["execute"]),
    ];
    try {
      await run();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return seen;
  }

  it("counts the message, writes it and its outbox row in one transaction (one commit, not two)", async () => {
    clock.now += WINDOW_MS;
    const counts = (sql: string) => /\binsert into "rate_limits"/i.test(sql);
    const transactions = await transactionsOf(() => post(bob, "one commit"));
    const withMessage = transactions.filter((tx) => tx.some((sql) => /\binsert into "chat_messages"/i.test(sql)));
    expect(withMessage).toHaveLength(1);
    expect(withMessage[0]?.some((sql) => /\binsert into "outbox"/i.test(sql))).toBe(true);
    expect(withMessage[0]?.some(counts)).toBe(true);
    // …and the counter is written nowhere else.
    expect(transactions.filter((tx) => tx !== withMessage[0] && tx.some(counts))).toEqual([]);
  });

  it("gives exactly the limit's successes to concurrent posts, with and without Idempotency-Keys, and none to a refused one", async () => {
    clock.now += WINDOW_MS;
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        call(t, "POST", `/v1/plans/${plan.id}/messages`, {
          token: ada.token,
          body: { body: `race ${i}` },
          headers: i % 2 ? { "idempotency-key": `race-${clock.now}-${i}` } : {},
        }),
      ),
    );
    const ok = answers.filter((r) => r.status === 201);
    expect(ok).toHaveLength(5);
    for (const r of answers.filter((r) => r.status !== 201)) expectRateLimited(r);
    const bodies = new Set((await t.deps.db.select().from(chatMessages).where(eq(chatMessages.planId, plan.id))).map((m) => m.body));
    for (let i = 0; i < 16; i++) expect(bodies.has(`race ${i}`)).toBe(answers[i]?.status === 201);
    // The control: Bob, same plan, same window.
    expectStatus<ChatMessage>(await post(bob, "still here"), 201);
  });

  it("still counts a post refused before its write, and answers 429 first once over", async () => {
    clock.now += WINDOW_MS;
    // Organization staff cannot post (403 not_a_participant), but each attempt spends the key's budget.
    const asKey = () => call(t, "POST", `/v1/plans/${plan.id}/messages`, { token: org.secretKey, body: { body: "staff" } });
    for (let i = 0; i < 5; i++) expectProblem(await asKey(), 403, "not_a_participant");
    expectRateLimited(await asKey());
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
