import { MAX_MINOR_UNITS, MAX_PLAN_TOTAL, newId, type PlanBalances, type Proposal } from "@gatherkit/core";
import { expenseShares, expenses } from "@gatherkit/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Joined, joinPlan, joinRequest, newInvite, newPlan } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const expense = (planId: string, who: Joined, amount: number) =>
  call(t, "POST", `/v1/plans/${planId}/expenses`, {
    token: who.token,
    body: { description: "Big spend", amount, currency: "EUR", split: { mode: "equal" } },
  });

/**
 * Fills a plan with `count` expenses of the largest amount, paid by `payer` for `sharer`, as
 * `count` POSTs would (written directly: a thousand requests would only make the test slow).
 */
async function fillPlan(plan: { id: string; orgId?: string }, payer: Joined, sharer: Joined, count: number) {
  const rows = Array.from({ length: count }, () => newId("expense"));
  await t.deps.db.insert(expenses).values(
    rows.map((id) => ({
      id,
      orgId: org.org.id,
      planId: plan.id,
      description: "Seeded",
      amount: MAX_MINOR_UNITS,
      currency: "EUR",
      paidByParticipantId: payer.participantId,
      split: { mode: "exact", amounts: [{ participantId: sharer.participantId, amount: MAX_MINOR_UNITS }] },
      createdAt: t.deps.now(),
    })),
  );
  await t.deps.db.insert(expenseShares).values(
    rows.map((id) => ({
      orgId: org.org.id,
      planId: plan.id,
      expenseId: id,
      participantId: sharer.participantId,
      amount: MAX_MINOR_UNITS,
    })),
  );
}

describe("a plan's money total is bounded (MAX_PLAN_TOTAL), so its balances are always exact", () => {
  it("concurrent largest expenses: exactly those that fit are written, the rest answer 422 plan_total_exceeded; balances stay exact", async () => {
    const plan = await newPlan(t, org);
    const people = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B"), await joinPlan(t, org, plan, "C")];
    const [a, b] = people as [Joined, Joined, Joined];
    const room = 3;
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - room);

    // Twelve participants' largest expenses at once: three fit, whatever the interleaving.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => expense(plan.id, people[i % 3]!, MAX_MINOR_UNITS)));
    expect(answers.filter((r) => r.status === 201).length).toBe(room);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.length).toBe(12 - room);
    for (const r of refused) await expectProblem(r, 422, "plan_total_exceeded");

    // Full: not one more minor unit, as an expense or as a payment.
    await expectProblem(await expense(plan.id, a, 1), 422, "plan_total_exceeded");
    const pay = (amount: number) =>
      call(t, "POST", `/v1/plans/${plan.id}/payments`, {
        token: b.token,
        body: { toParticipantId: a.participantId, amount, currency: "EUR" },
      });
    await expectProblem(await pay(1), 422, "plan_total_exceeded");

    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(MAX_PLAN_TOTAL);
    expect(sum(bal.balances.map((x) => x.share))).toBe(MAX_PLAN_TOTAL);
    expect(sum(bal.balances.map((x) => x.net))).toBe(0);
    for (const x of bal.balances) expect(Number.isSafeInteger(x.net) && Number.isSafeInteger(x.outstanding)).toBe(true);
    const owed = sum(bal.balances.filter((x) => x.outstanding > 0).map((x) => x.outstanding));
    expect(sum(bal.transfers.map((x) => x.amount))).toBe(owed);

    // Deleting an expense makes room again: a payment of the largest amount now fits.
    const [one] = await t.deps.db.select({ id: expenses.id }).from(expenses).limit(1);
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/expenses/${one!.id}`, { token: org.secretKey }), 204);
    expectStatus(await pay(MAX_MINOR_UNITS), 201);
    await expectProblem(await pay(1), 422, "plan_total_exceeded");
    expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
  });

  it("counts a selected proposal's collected cost, a per-person cost once per taker", async () => {
    const plan = await newPlan(t, org);
    const people = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B"), await joinPlan(t, org, plan, "C")];
    const [a, b] = people as [Joined, Joined, Joined];
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - 5);
    // Everyone (3 people) takes a per-person cost of the largest amount: 3 of the 5 left.
    const proposal = expectStatus<Proposal>(
      await call(t, "POST", `/v1/plans/${plan.id}/proposals`, {
        token: org.secretKey,
        body: {
          title: "Yacht",
          cost: { kind: "per_person", amount: MAX_MINOR_UNITS, currency: "EUR" },
          paidByParticipantId: a.participantId,
        },
      }),
      201,
    );
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/proposals/${proposal.id}/select`, { token: org.secretKey }), 200);
    expectStatus(await expense(plan.id, b, MAX_MINOR_UNITS), 201);
    expectStatus(await expense(plan.id, b, MAX_MINOR_UNITS), 201);
    await expectProblem(await expense(plan.id, b, 1), 422, "plan_total_exceeded");
  });

  it("selecting a proposal whose cost someone collects must fit: a per-person cost counts everyone who takes it", async () => {
    const plan = await newPlan(t, org);
    const people = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B"), await joinPlan(t, org, plan, "C")];
    const [a, b] = people as [Joined, Joined, Joined];
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - 1);
    const propose = async (kind: "per_person" | "total") =>
      expectStatus<Proposal>(
        await call(t, "POST", `/v1/plans/${plan.id}/proposals`, {
          token: org.secretKey,
          body: { title: kind, cost: { kind, amount: MAX_MINOR_UNITS, currency: "EUR" }, paidByParticipantId: a.participantId },
        }),
        201,
      );
    const select = (p: Proposal) => call(t, "POST", `/v1/plans/${plan.id}/proposals/${p.id}/select`, { token: org.secretKey });
    // Everyone (3 people) would owe it: 3 × the largest amount, with room for 1.
    await expectProblem(await select(await propose("per_person")), 422, "plan_total_exceeded");
    expectStatus(await select(await propose("total")), 200);
    await expectProblem(await select(await propose("total")), 422, "plan_total_exceeded");
    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(MAX_PLAN_TOTAL);
  });

  it("a place taken in a selected proposal whose per-person cost someone collects must fit too", async () => {
    const plan = await newPlan(t, org);
    const people = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B"), await joinPlan(t, org, plan, "C")];
    const [a, b] = people as [Joined, Joined, Joined];
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - 2);
    const proposal = expectStatus<Proposal>(
      await call(t, "POST", `/v1/plans/${plan.id}/proposals`, {
        token: org.secretKey,
        body: {
          title: "Helicopter",
          capacity: 3,
          cost: { kind: "per_person", amount: MAX_MINOR_UNITS, currency: "EUR" },
          paidByParticipantId: a.participantId,
        },
      }),
      201,
    );
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/proposals/${proposal.id}/select`, { token: org.secretKey }), 200);
    // Two places fit, the third does not, however they race.
    const takes = await Promise.all(
      people.map((p) => call(t, "POST", `/v1/plans/${plan.id}/proposals/${proposal.id}/commitment`, { token: p.token })),
    );
    expect(takes.filter((r) => r.status === 201).length).toBe(2);
    await expectProblem(takes.find((r) => r.status !== 201)!, 422, "plan_total_exceeded");
    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(MAX_PLAN_TOTAL);
  });

  it("a newcomer takes a share of each selected per-person cost everyone takes: joins and adds that would pass the total are refused, however they race", async () => {
    const plan = await newPlan(t, org);
    const people = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B"), await joinPlan(t, org, plan, "C")];
    const [a, b] = people as [Joined, Joined, Joined];
    // Room for 5 of the largest amount; everyone (3) takes a per-person cost of it: 2 left, so 2 more people fit.
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - 5);
    const proposal = expectStatus<Proposal>(
      await call(t, "POST", `/v1/plans/${plan.id}/proposals`, {
        token: org.secretKey,
        body: {
          title: "Boat",
          cost: { kind: "per_person", amount: MAX_MINOR_UNITS, currency: "EUR" },
          paidByParticipantId: a.participantId,
        },
      }),
      201,
    );
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/proposals/${proposal.id}/select`, { token: org.secretKey }), 200);

    // One is added by an organizer, then eight join through invites at once: exactly one of them fits.
    const henry = await createParticipantToken(t, org.secretKey, { name: "Henry", externalId: `henry-${plan.id}` });
    const add = (participantId: string) =>
      call(t, "POST", `/v1/plans/${plan.id}/participants`, { token: org.secretKey, body: { participantId } });
    expectStatus(await add(henry.participant.id), 201);
    const invite = await newInvite(t, org, plan);
    const joins = await Promise.all(Array.from({ length: 8 }, (_, i) => joinRequest(t, org, invite.code, { name: `Late ${i}` })));
    expect(joins.filter((r) => r.status === 201).length).toBe(1);
    for (const r of joins.filter((r) => r.status !== 201)) await expectProblem(r, 422, "plan_total_exceeded");

    // Full: an organizer cannot add (or restore) anyone either, and the balances stay exact.
    const ivy = await createParticipantToken(t, org.secretKey, { name: "Ivy", externalId: `ivy-${plan.id}` });
    await expectProblem(await add(ivy.participant.id), 422, "plan_total_exceeded");
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${henry.participant.id}`, { token: org.secretKey }), 204);
    expectStatus(await add(ivy.participant.id), 201);
    await expectProblem(await add(henry.participant.id), 422, "plan_total_exceeded");
    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(MAX_PLAN_TOTAL);
    expect(sum(bal.balances.map((x) => x.net))).toBe(0);
  });

  it("finalizing selects the chosen only if their collected costs fit; otherwise 422 and nothing changes", async () => {
    const plan = await newPlan(t, org);
    const [a, b] = [await joinPlan(t, org, plan, "A"), await joinPlan(t, org, plan, "B")];
    await fillPlan(plan, a, b, MAX_PLAN_TOTAL / MAX_MINOR_UNITS - 1);
    const propose = async (title: string) =>
      expectStatus<Proposal>(
        await call(t, "POST", `/v1/plans/${plan.id}/proposals`, {
          token: org.secretKey,
          body: { title, cost: { kind: "total", amount: MAX_MINOR_UNITS, currency: "EUR" }, paidByParticipantId: a.participantId },
        }),
        201,
      );
    const [x, y] = [await propose("Hotel"), await propose("Villa")];
    const finalize = (ids: string[]) =>
      call(t, "POST", `/v1/plans/${plan.id}/finalize`, { token: org.secretKey, body: { mode: "select", proposalIds: ids } });
    await expectProblem(await finalize([x.id, y.id]), 422, "plan_total_exceeded");
    const still = expectStatus<{ status: string }>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: org.secretKey }), 200);
    expect(still.status).toBe("planning");
    const open = expectStatus<{ data: Proposal[] }>(await call(t, "GET", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey }), 200);
    expect(open.data.map((p) => p.status)).toEqual(["proposed", "proposed"]);
    expect(expectStatus<{ status: string }>(await finalize([x.id]), 200).status).toBe("finalized");
    const bal = expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${plan.id}/balances`, { token: a.token }), 200);
    expect(sum(bal.balances.map((x) => x.paid))).toBe(MAX_PLAN_TOTAL);
  });
});
