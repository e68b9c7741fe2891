import type { Expense, Payment, PlanBalances, Proposal } from "@gatherkit/core";
import { expenseShares, expenses } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Joined, joinPlan, newPlan } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const getBalances = async (planId: string, token: string) =>
  expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${planId}/balances`, { token }), 200);

describe("balances with selected proposals", () => {
  it("count the costs of selected proposals that have a payer, split among their takers (or everyone when nobody committed)", async () => {
    const plan = await newPlan(t, org);
    const [a, b, c, d] = [
      await joinPlan(t, org, plan, "A"),
      await joinPlan(t, org, plan, "B"),
      await joinPlan(t, org, plan, "C"),
      await joinPlan(t, org, plan, "D"),
    ];
    const propose = async (body: Record<string, unknown>) =>
      expectStatus<Proposal>(
        await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Activity", ...body } }),
        201,
      );
    const select = async (p: Proposal) =>
      expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/proposals/${p.id}/select`, { token: org.secretKey }), 200);
    const commit = async (p: Proposal, who: Joined) =>
      expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/proposals/${p.id}/commitment`, { token: who.token }), 201);

    // Everyone shares a boat nobody signed up for: 9000 / 4, A collects.
    const boat = await propose({
      title: "Boat",
      cost: { kind: "total", amount: 9000, currency: "EUR" },
      paidByParticipantId: a.participantId,
    });
    await select(boat);
    // Two places at 1500 each, B and C take them, D collects.
    const dinner = await propose({
      title: "Dinner",
      cost: { kind: "per_person", amount: 1500, currency: "EUR" },
      capacity: 2,
      paidByParticipantId: d.participantId,
    });
    await commit(dinner, b);
    await commit(dinner, c);
    await select(dinner);
    // Not counted: a selected proposal without a payer, and a proposal that was not selected.
    await select(await propose({ title: "Museum", cost: { kind: "total", amount: 4000, currency: "EUR" } }));
    await propose({ title: "Surf", cost: { kind: "total", amount: 8000, currency: "EUR" }, paidByParticipantId: b.participantId });
    // A capacity-limited proposal nobody took costs nobody anything.
    await select(
      await propose({
        title: "Spa",
        cost: { kind: "per_person", amount: 5000, currency: "EUR" },
        capacity: 3,
        paidByParticipantId: c.participantId,
      }),
    );

    const bal = await getBalances(plan.id, b.token);
    const by = Object.fromEntries(bal.balances.map((x) => [x.participantId, x]));
    expect(by[a.participantId]).toMatchObject({ paid: 9000, share: 2250, net: 6750 });
    expect(by[b.participantId]).toMatchObject({ paid: 0, share: 2250 + 1500, net: -3750 });
    expect(by[c.participantId]).toMatchObject({ paid: 0, share: 2250 + 1500, net: -3750 });
    expect(by[d.participantId]).toMatchObject({ paid: 3000, share: 2250, net: 750 });
    expect(sum(bal.balances.map((x) => x.net))).toBe(0);
    // The fewest transfers: B and C each pay 3750, split between A (6750) and D (750).
    expect(sum(bal.transfers.map((x) => x.amount))).toBe(7500);
    expect(bal.transfers.length).toBeLessThanOrEqual(3);
  });
});

describe("concurrent expenses", () => {
  it("50 simultaneous expenses from different participants: all recorded with their shares, balances add up to zero and settle", async () => {
    const plan = await newPlan(t, org);
    const people: Joined[] = [];
    for (let i = 0; i < 10; i++) people.push(await joinPlan(t, org, plan, `P${i}`));
    const ids = people.map((p) => p.participantId);
    const splits = [
      () => ({ mode: "equal" }),
      (i: number) => ({ mode: "equal", participantIds: [ids[i % 10], ids[(i + 3) % 10], ids[(i + 7) % 10]] }),
      (i: number) => ({
        mode: "shares",
        shares: [
          { participantId: ids[(i + 1) % 10], shares: 1 },
          { participantId: ids[(i + 2) % 10], shares: 2.5 },
        ],
      }),
      (i: number, amount: number) => ({
        mode: "exact",
        amounts: [
          { participantId: ids[(i + 4) % 10], amount: amount - 7 },
          { participantId: ids[(i + 5) % 10], amount: 7 },
        ],
      }),
      (i: number) => ({
        mode: "percent",
        percents: [
          { participantId: ids[i % 10], percent: 33.3333 },
          { participantId: ids[(i + 6) % 10], percent: 66.6667 },
        ],
      }),
    ];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const amount = 101 + i * 37;
        const payer = people[i % 10]!;
        return call(t, "POST", `/v1/plans/${plan.id}/expenses`, {
          token: payer.token,
          body: { description: `Expense ${i}`, amount, currency: "EUR", split: splits[i % splits.length]!(i, amount) },
        });
      }),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    const created = answers.map((r) => r.body as Expense);
    for (const e of created) expect(sum(e.shares.map((s) => s.amount))).toBe(e.amount);

    // In the database: 50 expenses, each with shares adding up to its amount.
    const rows = await t.deps.db
      .select({
        id: expenses.id,
        amount: expenses.amount,
        shares: sql<number>`coalesce(sum(${expenseShares.amount}), -1)`,
        n: sql<number>`count(${expenseShares.participantId})`,
      })
      .from(expenses)
      .leftJoin(expenseShares, eq(expenseShares.expenseId, expenses.id))
      .where(eq(expenses.planId, plan.id))
      .groupBy(expenses.id);
    expect(rows.length).toBe(50);
    for (const r of rows) {
      expect(r.n).toBeGreaterThan(0);
      expect(r.shares).toBe(r.amount);
    }

    const bal = await getBalances(plan.id, people[0]!.token);
    expect(sum(bal.balances.map((x) => x.net))).toBe(0);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(sum(created.map((e) => e.amount)));
    expect(bal.transfers.length).toBeLessThanOrEqual(9);

    // Pay every suggested transfer at once (recorded by the recipients): everyone ends settled.
    const payments = await Promise.all(
      bal.transfers.map((tr) =>
        call(t, "POST", `/v1/plans/${plan.id}/payments`, {
          token: people.find((p) => p.participantId === tr.toParticipantId)!.token,
          body: { fromParticipantId: tr.fromParticipantId, toParticipantId: tr.toParticipantId, amount: tr.amount, currency: "EUR" },
        }),
      ),
    );
    expect(payments.map((r) => (r.body as Payment).status)).toEqual(payments.map(() => "received"));
    const after = await getBalances(plan.id, people[0]!.token);
    expect(after.balances.map((x) => x.status)).toEqual(after.balances.map(() => "settled"));
    expect(after.transfers).toEqual([]);
  });
});
