import type { Expense, Plan, PlanBalances } from "@gatherkit/core";
import { expenseShares, expenses } from "@gatherkit/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Joined, joinPlan, newPlan, planEvents, promote } from "../../../../test/plan-fixtures.js";
import { applyExpenseEdit } from "./expenses.service.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let plan: Plan;
let ada: Joined;
let bob: Joined;
let cy: Joined;
let dee: Joined;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
  plan = await newPlan(t, org);
  ada = await joinPlan(t, org, plan, "Ada");
  bob = await joinPlan(t, org, plan, "Bob");
  cy = await joinPlan(t, org, plan, "Cy");
  dee = await joinPlan(t, org, plan, "Dee");
});
afterAll(() => t.close());

const expensesPath = (p: { id: string }) => `/v1/plans/${p.id}/expenses`;
const taxi = { description: "Taxi from the airport", amount: 4200, currency: "EUR" };

function record(token: string, body: Record<string, unknown>, p: { id: string } = plan) {
  return call(t, "POST", expensesPath(p), { token, body: { ...taxi, ...body } });
}

async function recorded(token: string, body: Record<string, unknown>, p: { id: string } = plan): Promise<Expense> {
  return expectStatus<Expense>(await record(token, body, p), 201);
}

const amountsOf = (e: Expense) => Object.fromEntries(e.shares.map((s) => [s.participantId, s.amount]));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function rowCounts() {
  const [e] = await t.deps.db.select({ n: count() }).from(expenses);
  const [s] = await t.deps.db.select({ n: count() }).from(expenseShares);
  return { expenses: e!.n, shares: s!.n };
}

describe("recording expenses: split modes", () => {
  it("splits equally among the listed participants; the payer defaults to the recorder", async () => {
    const e = await recorded(ada.token, {
      split: { mode: "equal", participantIds: [ada.participantId, bob.participantId, cy.participantId, dee.participantId] },
    });
    expect(e).toMatchObject({
      planId: plan.id,
      description: "Taxi from the airport",
      amount: 4200,
      currency: "EUR",
      paidByParticipantId: ada.participantId,
      recordedByParticipantId: ada.participantId,
      proposalId: null,
    });
    expect(e.id).toMatch(/^exp_/);
    expect(e.shares).toEqual([
      { participantId: ada.participantId, amount: 1050 },
      { participantId: bob.participantId, amount: 1050 },
      { participantId: cy.participantId, amount: 1050 },
      { participantId: dee.participantId, amount: 1050 },
    ]);
    const events = await planEvents(t, plan);
    expect(events).toContainEqual({ type: "plan.expense_changed", data: { planId: plan.id, expenseId: e.id, deleted: false } });
  });

  it("rounds 100 split three ways to 34/33/33 (the extra cent to the lowest participant id), summing to 100", async () => {
    const three = [bob.participantId, cy.participantId, dee.participantId];
    const e = await recorded(bob.token, { amount: 100, split: { mode: "equal", participantIds: three } });
    expect(e.shares.map((s) => s.participantId)).toEqual(three); // the order given
    const lowest = [...three].sort()[0]!;
    expect(amountsOf(e)[lowest]).toBe(34);
    expect(e.shares.map((s) => s.amount).sort()).toEqual([33, 33, 34]);
    expect(sum(e.shares.map((s) => s.amount))).toBe(100);
  });

  it("an equal split that names nobody is among everyone in the plan", async () => {
    const e = await recorded(cy.token, { amount: 1001, split: { mode: "equal" } });
    expect(e.split).toEqual({ mode: "equal" });
    expect(e.shares.map((s) => s.participantId).sort()).toEqual([ada, bob, cy, dee].map((p) => p.participantId).sort());
    expect(sum(e.shares.map((s) => s.amount))).toBe(1001);
    expect(e.shares.map((s) => s.amount).sort()).toEqual([250, 250, 250, 251]);
  });

  it("splits by shares (weights), with largest-remainder rounding", async () => {
    const e = await recorded(ada.token, {
      amount: 1000,
      split: {
        mode: "shares",
        shares: [
          { participantId: ada.participantId, shares: 2 },
          { participantId: bob.participantId, shares: 1 },
          { participantId: cy.participantId, shares: 0.5 },
        ],
      },
    });
    // 1000 · 2/3.5 = 571.43, · 1/3.5 = 285.71, · 0.5/3.5 = 142.86 → 571 + 286 + 143 = 1000
    expect(amountsOf(e)).toEqual({ [ada.participantId]: 571, [bob.participantId]: 286, [cy.participantId]: 143 });
  });

  it("splits by exact amounts that add up to the total", async () => {
    const e = await recorded(dee.token, {
      split: {
        mode: "exact",
        amounts: [
          { participantId: dee.participantId, amount: 2000 },
          { participantId: ada.participantId, amount: 2200 },
        ],
      },
    });
    expect(e.shares).toEqual([
      { participantId: dee.participantId, amount: 2000 },
      { participantId: ada.participantId, amount: 2200 },
    ]);
  });

  it("splits by percentages adding up to 100, rounding without losing a cent", async () => {
    const e = await recorded(bob.token, {
      amount: 100,
      split: {
        mode: "percent",
        percents: [
          { participantId: ada.participantId, percent: 33.3333 },
          { participantId: bob.participantId, percent: 33.3333 },
          { participantId: cy.participantId, percent: 33.3334 },
        ],
      },
    });
    expect(sum(e.shares.map((s) => s.amount))).toBe(100);
    expect(e.shares.map((s) => s.amount).sort()).toEqual([33, 33, 34]);
  });

  it("records a payer other than the recorder; staff record only when they name the payer", async () => {
    const e = await recorded(ada.token, { paidByParticipantId: bob.participantId, split: { mode: "equal" } });
    expect(e).toMatchObject({ paidByParticipantId: bob.participantId, recordedByParticipantId: ada.participantId });
    const byStaff = await recorded(org.secretKey, { paidByParticipantId: cy.participantId, split: { mode: "equal" } });
    expect(byStaff).toMatchObject({ paidByParticipantId: cy.participantId, recordedByParticipantId: null });
    expectProblem(await record(org.secretKey, { split: { mode: "equal" } }), 403, "not_a_participant");
  });
});

describe("recording expenses: refusals write nothing", () => {
  const refusals: [string, () => Record<string, unknown>, number, string][] = [
    [
      "exact amounts that do not add up",
      () => ({
        split: {
          mode: "exact",
          amounts: [
            { participantId: ada.participantId, amount: 4000 },
            { participantId: bob.participantId, amount: 100 },
          ],
        },
      }),
      422,
      "split_mismatch",
    ],
    [
      "percentages that do not add up to 100",
      () => ({
        split: {
          mode: "percent",
          percents: [
            { participantId: ada.participantId, percent: 50 },
            { participantId: bob.participantId, percent: 49 },
          ],
        },
      }),
      422,
      "split_mismatch",
    ],
    [
      "a participant listed twice",
      () => ({ split: { mode: "equal", participantIds: [ada.participantId, ada.participantId] } }),
      422,
      "split_mismatch",
    ],
    ["another currency than the plan's", () => ({ currency: "USD", split: { mode: "equal" } }), 422, "currency_mismatch"],
    [
      "a split naming someone outside the plan",
      () => ({ split: { mode: "equal", participantIds: [ada.participantId, org.participant.id] } }),
      422,
      "unknown_participant",
    ],
    ["a payer outside the plan", () => ({ paidByParticipantId: org.participant.id, split: { mode: "equal" } }), 422, "unknown_participant"],
    [
      "another organization's participant",
      () => ({ split: { mode: "shares", shares: [{ participantId: other.participant.id, shares: 1 }] } }),
      422,
      "unknown_participant",
    ],
    ["a fractional amount of cents", () => ({ amount: 42.5, split: { mode: "equal" } }), 400, "validation_failed"],
    ["a zero amount", () => ({ amount: 0, split: { mode: "equal" } }), 400, "validation_failed"],
    ["an unknown split mode", () => ({ split: { mode: "lottery" } }), 400, "validation_failed"],
    ["an unknown field", () => ({ tip: 5, split: { mode: "equal" } }), 400, "validation_failed"],
    ["a proposal of no plan of ours", () => ({ proposalId: "prop_0123456789abcdefghjk", split: { mode: "equal" } }), 404, "not_found"],
  ];
  for (const [what, body, status, code] of refusals) {
    it(`refuses ${what} with ${status} ${code}`, async () => {
      const before = await rowCounts();
      const eventsBefore = (await planEvents(t, plan)).length;
      const p = expectProblem(await record(ada.token, body()), status, code);
      if (code === "split_mismatch") expect(p.errors?.[0]?.path).toMatch(/^body\.split\./);
      expect(await rowCounts()).toEqual(before);
      expect((await planEvents(t, plan)).length).toBe(eventsBefore);
    });
  }
});

describe("who may record and read expenses", () => {
  it("refuses someone outside the plan with 403 not_a_participant and a publishable key with 403", async () => {
    expectProblem(await record(org.participantToken, { split: { mode: "equal" } }), 403, "not_a_participant");
    expectProblem(await call(t, "GET", expensesPath(plan), { token: org.participantToken }), 403, "not_a_participant");
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: org.participantToken }), 403, "not_a_participant");
    expectProblem(await record(org.publishableKey, { split: { mode: "equal" } }), 403, "permission_denied");
  });

  it("answers another organization 404 for the plan and its expenses", async () => {
    const e = await recorded(ada.token, { split: { mode: "equal" } });
    const stranger = await createParticipantToken(t, other.secretKey);
    for (const token of [other.secretKey, other.ownerToken, stranger.token]) {
      expectProblem(await record(token, { split: { mode: "equal" } }), 404, "not_found");
      expectProblem(await call(t, "GET", expensesPath(plan), { token }), 404, "not_found");
      expectProblem(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token }), 404, "not_found");
      expectProblem(await call(t, "DELETE", `${expensesPath(plan)}/${e.id}`, { token }), 404, "not_found");
    }
  });
});

describe("listing and deleting expenses", () => {
  it("lists newest first with shares, page by page", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const b = await joinPlan(t, org, p, "B");
    const made: Expense[] = [];
    for (let i = 1; i <= 5; i++)
      made.push(await recorded(a.token, { description: `Item ${i}`, amount: 100 * i, split: { mode: "equal" } }, p));
    const seen: Expense[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Expense[]; nextCursor: string | null } = expectStatus(
        await call(t, "GET", `${expensesPath(p)}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: b.token }),
        200,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.description)).toEqual(["Item 5", "Item 4", "Item 3", "Item 2", "Item 1"]);
    expect(seen).toEqual([...made].reverse());
  });

  it("lets the recorder, the payer and an organizer delete; others get 403; deleted expenses leave list and balances", async () => {
    const p = await newPlan(t, org);
    const [a, b, c, o] = [
      await joinPlan(t, org, p, "A"),
      await joinPlan(t, org, p, "B"),
      await joinPlan(t, org, p, "C"),
      await joinPlan(t, org, p, "O"),
    ];
    await promote(t, org, p, o.participantId);
    const one = () =>
      recorded(
        a.token,
        { paidByParticipantId: b.participantId, amount: 300, split: { mode: "equal", participantIds: [a.participantId, c.participantId] } },
        p,
      );
    const del = (e: Expense, token: string) => call(t, "DELETE", `${expensesPath(p)}/${e.id}`, { token });

    const e1 = await one();
    expectProblem(await del(e1, c.token), 403, "permission_denied");
    expect((await del(e1, a.token)).status).toBe(204); // recorder
    expectProblem(await del(e1, a.token), 404, "not_found"); // gone
    expect((await del(await one(), b.token)).status).toBe(204); // payer
    expect((await del(await one(), o.token)).status).toBe(204); // organizer participant
    const e4 = await one();
    expect((await del(e4, org.secretKey)).status).toBe(204); // staff
    expect(await planEvents(t, p)).toContainEqual({
      type: "plan.expense_changed",
      data: { planId: p.id, expenseId: e4.id, deleted: true },
    });

    const list = expectStatus<{ data: Expense[] }>(await call(t, "GET", expensesPath(p), { token: a.token }), 200);
    expect(list.data).toEqual([]);
    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${p.id}/balances`, { token: a.token }), 200);
    expect(bal.balances.every((x) => x.net === 0 && x.status === "settled")).toBe(true);
    expect(bal.transfers).toEqual([]);
  });

  it("keeps recording expenses in a cancelled plan (costs still have to be settled)", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    expectStatus(await call(t, "POST", `/v1/plans/${p.id}/cancel`, { token: org.secretKey }), 200);
    await recorded(a.token, { split: { mode: "equal" } }, p);
  });
});

describe("editing expenses", () => {
  async function setup() {
    const p = await newPlan(t, org);
    const [a, b, c, o] = [
      await joinPlan(t, org, p, "A"),
      await joinPlan(t, org, p, "B"),
      await joinPlan(t, org, p, "C"),
      await joinPlan(t, org, p, "O"),
    ];
    await promote(t, org, p, o.participantId);
    const e = await recorded(
      a.token,
      { amount: 300, split: { mode: "equal", participantIds: [a.participantId, b.participantId, c.participantId] } },
      p,
    );
    const patch = (token: string, body: unknown, id = e.id) => call(t, "PATCH", `${expensesPath(p)}/${id}`, { token, body });
    const balances = async () =>
      expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${p.id}/balances`, { token: a.token }), 200).balances;
    return { p, a, b, c, o, e, patch, balances };
  }

  it("changes the amount, payer and split: shares worked out again, balances follow, the room is told", async () => {
    const { p, a, b, c, e, patch, balances } = await setup();
    const edited = expectStatus<Expense>(
      await patch(a.token, {
        description: "Taxi (with tip)",
        amount: 900,
        currency: "EUR",
        paidByParticipantId: b.participantId,
        split: {
          mode: "exact",
          amounts: [
            { participantId: a.participantId, amount: 600 },
            { participantId: c.participantId, amount: 300 },
          ],
        },
      }),
      200,
    );
    expect(edited).toMatchObject({
      id: e.id,
      description: "Taxi (with tip)",
      amount: 900,
      paidByParticipantId: b.participantId,
      recordedByParticipantId: a.participantId,
      createdAt: e.createdAt,
    });
    expect(amountsOf(edited)).toEqual({ [a.participantId]: 600, [c.participantId]: 300 });
    const list = expectStatus<{ data: Expense[] }>(await call(t, "GET", expensesPath(p), { token: c.token }), 200);
    expect(list.data).toEqual([edited]);
    const net = Object.fromEntries((await balances()).map((x) => [x.participantId, x.net]));
    expect(net).toMatchObject({ [a.participantId]: -600, [b.participantId]: 900, [c.participantId]: -300 });
    const events = (await planEvents(t, p)).filter((x) => x.type === "plan.expense_changed");
    expect(events).toEqual([
      { type: "plan.expense_changed", data: { planId: p.id, expenseId: e.id, deleted: false } },
      { type: "plan.expense_changed", data: { planId: p.id, expenseId: e.id, deleted: false } },
    ]);
  });

  it("a new description keeps the shares; a new amount alone splits again the way the expense splits", async () => {
    const { a, e, patch } = await setup();
    const renamed = expectStatus<Expense>(await patch(a.token, { description: "Cab" }), 200);
    expect(renamed.shares).toEqual(e.shares);
    const more = expectStatus<Expense>(await patch(a.token, { amount: 100, currency: "EUR" }), 200);
    expect(more.shares.map((x) => x.amount).sort()).toEqual([33, 33, 34]); // the extra cent to the lowest participant id
    expect(more.description).toBe("Cab");
  });

  it("validates as on create: currency, participants, split, empty change; nothing is written", async () => {
    const { p, a, e, patch } = await setup();
    const stranger = await joinPlan(t, org, await newPlan(t, org), "Stranger");
    expectProblem(await patch(a.token, { amount: 500, currency: "USD" }), 422, "currency_mismatch");
    expectProblem(await patch(a.token, { amount: 500 }), 400, "validation_failed"); // the amount comes with its currency
    expectProblem(await patch(a.token, { paidByParticipantId: stranger.participantId }), 422, "unknown_participant");
    expectProblem(
      await patch(a.token, {
        amount: 500,
        currency: "EUR",
        split: { mode: "exact", amounts: [{ participantId: a.participantId, amount: 400 }] },
      }),
      422,
      "split_mismatch",
    );
    expectProblem(
      await patch(a.token, { split: { mode: "exact", amounts: [{ participantId: a.participantId, amount: 1 }] } }),
      422,
      "split_mismatch",
    );
    expectProblem(await patch(a.token, {}), 400, "validation_failed");
    expectProblem(await patch(a.token, { description: "" }), 400, "validation_failed");
    expectProblem(await patch(a.token, { recordedByParticipantId: a.participantId }), 400, "validation_failed");
    const list = expectStatus<{ data: Expense[] }>(await call(t, "GET", expensesPath(p), { token: a.token }), 200);
    expect(list.data).toEqual([e]);
  });

  it("who may edit: the recorder, the payer, an organizer, staff; others 403, another organization 404, a deleted expense 404", async () => {
    const { a, b, c, o, e, patch } = await setup();
    expect((await patch(a.token, { paidByParticipantId: b.participantId })).status).toBe(200); // recorder (names b the payer)
    expect((await patch(b.token, { description: "paid by B" })).status).toBe(200); // payer
    expectProblem(await patch(c.token, { description: "mine now" }), 403, "permission_denied");
    expect((await patch(o.token, { description: "organizer" })).status).toBe(200);
    expect((await patch(org.secretKey, { description: "staff" })).status).toBe(200);
    expectProblem(await patch(other.secretKey, { description: "x" }), 404, "not_found");
    expectProblem(await patch(a.token, { description: "x" }, "exp_00000000000000000000"), 404, "not_found");
    expect((await call(t, "DELETE", `/v1/plans/${e.planId}/expenses/${e.id}`, { token: a.token })).status).toBe(204);
    expectProblem(await patch(a.token, { description: "after" }), 404, "not_found");
  });

  it("an edit racing a deletion: either it lands before, or it answers 404 and writes nothing (many at once, with a control)", async () => {
    const { p, a, e, patch } = await setup();
    const results = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => patch(a.token, { amount: 1000 + i, currency: "EUR" })),
      call(t, "DELETE", `${expensesPath(p)}/${e.id}`, { token: a.token }),
    ]);
    for (const r of results.slice(0, 8)) expect([200, 404]).toContain(r.status);
    expect(results[8]?.status).toBe(204);
    const [row] = await t.deps.db.select().from(expenses).where(eq(expenses.id, e.id));
    expect(row?.deletedAt).not.toBeNull();
    const events = (await planEvents(t, p)).filter((x) => x.type === "plan.expense_changed");
    const edits = results.slice(0, 8).filter((r) => r.status === 200).length;
    // created + one per landed edit + the deletion, the deletion last.
    expect(events).toHaveLength(1 + edits + 1);
    expect(events.at(-1)).toEqual({ type: "plan.expense_changed", data: { planId: p.id, expenseId: e.id, deleted: true } });
    // Shares stay one set: those of the last landed edit (3 participants).
    const shares = await t.deps.db.select().from(expenseShares).where(eq(expenseShares.expenseId, e.id));
    expect(shares).toHaveLength(3);
    expect(sum(shares.map((x) => x.amount))).toBe(row?.amount);
  });

  it("an edit read before a deletion and written after it writes nothing and publishes nothing (404)", async () => {
    const { p, a, e } = await setup();
    const [before] = await t.deps.db.select().from(expenses).where(eq(expenses.id, e.id));
    if (!before) throw new Error("no row");
    expect((await call(t, "DELETE", `${expensesPath(p)}/${e.id}`, { token: a.token })).status).toBe(204);
    const eventsBefore = await planEvents(t, p);
    const next = { ...before, description: "sneaked in", amount: 999 };
    const reread = async () => {
      throw Object.assign(new Error("gone"), { status: 404 });
    };
    await expect(applyExpenseEdit(t.deps, before, next, [{ participantId: a.participantId, amount: 999 }], reread)).rejects.toMatchObject({
      status: 404,
    });
    const [row] = await t.deps.db.select().from(expenses).where(eq(expenses.id, e.id));
    expect(row).toMatchObject({ description: before.description, amount: 300 });
    const shares = await t.deps.db.select().from(expenseShares).where(eq(expenseShares.expenseId, e.id));
    expect(shares.map((x) => x.amount).sort()).toEqual([100, 100, 100]);
    expect(await planEvents(t, p)).toEqual(eventsBefore);
  });

  it("keeps working in a cancelled plan, as recording does", async () => {
    const { p, a, patch } = await setup();
    expectStatus(await call(t, "POST", `/v1/plans/${p.id}/cancel`, { token: org.secretKey }), 200);
    expect((await patch(a.token, { description: "still settling" })).status).toBe(200);
  });
});

describe("balances", () => {
  it("add up to zero, name who owes and who is owed, and settle-up settles them", async () => {
    const p = await newPlan(t, org);
    const [a, b, c, d] = [
      await joinPlan(t, org, p, "A"),
      await joinPlan(t, org, p, "B"),
      await joinPlan(t, org, p, "C"),
      await joinPlan(t, org, p, "D"),
    ];
    await recorded(a.token, { amount: 9000, split: { mode: "equal" } }, p); // A paid 90 for 4
    await recorded(b.token, { amount: 1000, split: { mode: "equal", participantIds: [c.participantId, d.participantId] } }, p);
    await recorded(
      c.token,
      { amount: 100, split: { mode: "equal", participantIds: [a.participantId, b.participantId, d.participantId] } },
      p,
    );
    const get = async () => expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${p.id}/balances`, { token: d.token }), 200);

    const before = await get();
    expect(before.currency).toBe("EUR");
    expect(before.balances.map((x) => x.participantId)).toEqual([a, b, c, d].map((x) => x.participantId)); // join order
    expect(sum(before.balances.map((x) => x.net))).toBe(0);
    expect(sum(before.balances.map((x) => x.outstanding))).toBe(0);
    const byId = Object.fromEntries(before.balances.map((x) => [x.participantId, x]));
    expect(byId[a.participantId]).toMatchObject({ paid: 9000, status: "owed" });
    expect(byId[d.participantId]).toMatchObject({ paid: 0, status: "owes" });
    expect(sum(before.transfers.map((x) => x.amount))).toBe(sum(before.balances.filter((x) => x.net > 0).map((x) => x.net)));

    // Each recipient records what they received: it counts at once.
    for (const tr of before.transfers) {
      const recipient = [a, b, c, d].find((x) => x.participantId === tr.toParticipantId)!;
      const paid = expectStatus<{ status: string }>(
        await call(t, "POST", `/v1/plans/${p.id}/payments`, {
          token: recipient.token,
          body: { fromParticipantId: tr.fromParticipantId, toParticipantId: tr.toParticipantId, amount: tr.amount, currency: "EUR" },
        }),
        201,
      );
      expect(paid.status).toBe("received");
    }
    const after = await get();
    expect(after.balances.map((x) => [x.net, x.outstanding, x.status])).toEqual(after.balances.map(() => [0, 0, "settled"]));
    expect(after.transfers).toEqual([]);
  });
});
