import type { Payment, Plan, PlanBalances } from "@gatherkit/core";
import { payments } from "@gatherkit/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Joined, joinPlan, newPlan, planEvents, promote } from "../../../../test/plan-fixtures.js";
import { settlePayment } from "./payments.service.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let plan: Plan;
let ada: Joined;
let bob: Joined;
let cy: Joined;
let org1: Joined;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
  plan = await newPlan(t, org);
  ada = await joinPlan(t, org, plan, "Ada");
  bob = await joinPlan(t, org, plan, "Bob");
  cy = await joinPlan(t, org, plan, "Cy");
  org1 = await joinPlan(t, org, plan, "Olga");
  await promote(t, org, plan, org1.participantId);
});
afterAll(() => t.close());

const paymentsPath = `/v1/plans/${"{plan}"}/payments`;
const path = (p: { id: string } = plan) => paymentsPath.replace("{plan}", p.id);
const pay = (token: string, body: Record<string, unknown>, p: { id: string } = plan) =>
  call(t, "POST", path(p), { token, body: { amount: 2500, currency: "EUR", ...body } });
const paid = async (token: string, body: Record<string, unknown>) => expectStatus<Payment>(await pay(token, body), 201);
const settle = (token: string, payment: Payment, status: "received" | "cancelled") =>
  call(t, "PATCH", `${path()}/${payment.id}`, { token, body: { status } });

describe("recording payments", () => {
  it("recorded by the sender it is pending until the recipient confirms it", async () => {
    const p = await paid(ada.token, { toParticipantId: bob.participantId, note: "for the taxi" });
    expect(p).toMatchObject({
      planId: plan.id,
      fromParticipantId: ada.participantId,
      toParticipantId: bob.participantId,
      amount: 2500,
      currency: "EUR",
      status: "pending",
      note: "for the taxi",
      recordedByParticipantId: ada.participantId,
      receivedAt: null,
      cancelledAt: null,
    });
    expect(p.id).toMatch(/^pay_/);
    expectProblem(await settle(ada.token, p, "received"), 403, "permission_denied"); // the sender cannot confirm
    expectProblem(await settle(cy.token, p, "received"), 403, "permission_denied"); // nor a bystander
    const confirmed = expectStatus<Payment>(await settle(bob.token, p, "received"), 200);
    expect(confirmed).toMatchObject({ id: p.id, status: "received", cancelledAt: null });
    expect(confirmed.receivedAt).toEqual(expect.any(String));
    expectProblem(await settle(bob.token, p, "received"), 409, "payment_not_pending");
    expectProblem(await settle(ada.token, p, "cancelled"), 409, "payment_not_pending");
    const events = (await planEvents(t, plan)).filter((e) => e.type === "plan.payment_changed" && e.data.payment.id === p.id);
    expect(events.map((e) => e.type === "plan.payment_changed" && e.data.payment.status)).toEqual(["pending", "received"]);
  });

  it("recorded by the recipient, or by an organizer between two others, it is received at once", async () => {
    const byRecipient = await paid(bob.token, { fromParticipantId: cy.participantId, toParticipantId: bob.participantId });
    expect(byRecipient).toMatchObject({ status: "received", recordedByParticipantId: bob.participantId });
    const byOrganizer = await paid(org1.token, { fromParticipantId: cy.participantId, toParticipantId: ada.participantId });
    expect(byOrganizer).toMatchObject({ status: "received", recordedByParticipantId: org1.participantId });
    const byStaff = await paid(org.secretKey, { fromParticipantId: ada.participantId, toParticipantId: cy.participantId });
    expect(byStaff).toMatchObject({ status: "received", recordedByParticipantId: null });
    // An organizer paying someone themself waits for the recipient like anyone.
    expect(await paid(org1.token, { toParticipantId: ada.participantId })).toMatchObject({ status: "pending" });
  });

  it("refuses a participant recording a payment between two others, and staff without a sender", async () => {
    expectProblem(
      await pay(cy.token, { fromParticipantId: ada.participantId, toParticipantId: bob.participantId }),
      403,
      "permission_denied",
    );
    expectProblem(await pay(org.secretKey, { toParticipantId: bob.participantId }), 403, "not_a_participant");
  });

  it("lets the sender or an organizer cancel a pending payment, not the recipient", async () => {
    const p1 = await paid(ada.token, { toParticipantId: bob.participantId });
    expectProblem(await settle(bob.token, p1, "cancelled"), 403, "permission_denied");
    expect(expectStatus<Payment>(await settle(ada.token, p1, "cancelled"), 200)).toMatchObject({ status: "cancelled", receivedAt: null });
    expectProblem(await settle(bob.token, p1, "received"), 409, "payment_not_pending");
    const p2 = await paid(ada.token, { toParticipantId: bob.participantId });
    expect(expectStatus<Payment>(await settle(org1.token, p2, "cancelled"), 200).status).toBe("cancelled");
    const p3 = await paid(ada.token, { toParticipantId: bob.participantId });
    expect(expectStatus<Payment>(await settle(org.secretKey, p3, "received"), 200).status).toBe("received"); // staff confirm
  });

  it("refuses bad payments and writes nothing", async () => {
    const rows = async () => (await t.deps.db.select({ n: count() }).from(payments))[0]!.n;
    const before = await rows();
    expectProblem(await pay(ada.token, { toParticipantId: ada.participantId }), 400, "validation_failed"); // to oneself
    expectProblem(
      await pay(ada.token, { fromParticipantId: ada.participantId, toParticipantId: ada.participantId }),
      400,
      "validation_failed",
    );
    expectProblem(await pay(ada.token, { toParticipantId: bob.participantId, currency: "GBP" }), 422, "currency_mismatch");
    expectProblem(await pay(ada.token, { toParticipantId: org.participant.id }), 422, "unknown_participant");
    expectProblem(await pay(ada.token, { toParticipantId: other.participant.id }), 422, "unknown_participant");
    expectProblem(await pay(ada.token, { toParticipantId: bob.participantId, amount: 0 }), 400, "validation_failed");
    expectProblem(await pay(ada.token, { toParticipantId: bob.participantId, status: "received" }), 400, "validation_failed");
    expectProblem(await pay(org.participantToken, { toParticipantId: bob.participantId }), 403, "not_a_participant");
    expect(await rows()).toBe(before);
  });

  it("lists the plan's payments newest first, to readers only; another organization gets 404", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const b = await joinPlan(t, org, p, "B");
    const made: Payment[] = [];
    for (let i = 1; i <= 3; i++)
      made.push(expectStatus<Payment>(await pay(a.token, { toParticipantId: b.participantId, amount: i }, p), 201));
    const page1 = expectStatus<{ data: Payment[]; nextCursor: string | null }>(
      await call(t, "GET", `${path(p)}?limit=2`, { token: b.token }),
      200,
    );
    const page2 = expectStatus<{ data: Payment[]; nextCursor: string | null }>(
      await call(t, "GET", `${path(p)}?limit=2&cursor=${page1.nextCursor}`, { token: b.token }),
      200,
    );
    expect([...page1.data, ...page2.data]).toEqual([...made].reverse());
    expect(page2.nextCursor).toBeNull();
    expectProblem(await call(t, "GET", path(p), { token: org.participantToken }), 403, "not_a_participant");
    expectProblem(await call(t, "GET", path(p), { token: other.secretKey }), 404, "not_found");
    expectProblem(
      await call(t, "PATCH", `${path(p)}/${made[0]!.id}`, { token: other.secretKey, body: { status: "received" } }),
      404,
      "not_found",
    );
    expectProblem(await call(t, "PATCH", `${path()}/${made[0]!.id}`, { token: bob.token, body: { status: "received" } }), 404, "not_found"); // wrong plan
  });
});

describe("payments in the balances", () => {
  it("a pending payment shows the sender as `paid` (waiting), a confirmed one settles them", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const b = await joinPlan(t, org, p, "B");
    expectStatus(
      await call(t, "POST", `/v1/plans/${p.id}/expenses`, {
        token: a.token,
        body: { description: "Dinner", amount: 3000, currency: "EUR", split: { mode: "equal" } },
      }),
      201,
    );
    const balances = async () =>
      Object.fromEntries(
        expectStatus<PlanBalances>(await call(t, "GET", `/v1/plans/${p.id}/balances`, { token: b.token }), 200).balances.map((x) => [
          x.participantId,
          x,
        ]),
      );
    expect((await balances())[b.participantId]).toMatchObject({ net: -1500, outstanding: -1500, status: "owes" });

    const payment = expectStatus<Payment>(await pay(b.token, { toParticipantId: a.participantId, amount: 1500 }, p), 201);
    expect((await balances())[b.participantId]).toMatchObject({ net: -1500, outstanding: 0, pendingOut: 1500, status: "paid" });
    expect((await balances())[a.participantId]).toMatchObject({ net: 1500, outstanding: 0, pendingIn: 1500, status: "owed" });

    expectStatus(await call(t, "PATCH", `${path(p)}/${payment.id}`, { token: a.token, body: { status: "received" } }), 200);
    const after = await balances();
    expect(after[b.participantId]).toMatchObject({ net: 0, outstanding: 0, sent: 1500, status: "settled" });
    expect(after[a.participantId]).toMatchObject({ net: 0, outstanding: 0, received: 1500, status: "settled" });
  });
});

describe("settling a payment concurrently", () => {
  it("confirm and cancel racing: exactly one wins, the other gets 409, and only the winner's event is published", async () => {
    for (let round = 0; round < 5; round++) {
      const p = await paid(ada.token, { toParticipantId: bob.participantId });
      const [confirm, cancel] = await Promise.all([settle(bob.token, p, "received"), settle(ada.token, p, "cancelled")]);
      const statuses = [confirm.status, cancel.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = confirm.status === 200 ? "received" : "cancelled";
      for (const r of [confirm, cancel]) if (r.status === 409) expect(r.body.code).toBe("payment_not_pending");
      const events = (await planEvents(t, plan)).flatMap((e) =>
        e.type === "plan.payment_changed" && e.data.payment.id === p.id ? [e.data.payment.status] : [],
      );
      expect(events).toEqual(["pending", winner]);
    }
  });

  it("a settlement based on a stale read (the payment was settled after it was read) writes nothing and publishes nothing", async () => {
    const p = await paid(ada.token, { toParticipantId: bob.participantId });
    const [stale] = await t.deps.db.select().from(payments).where(eq(payments.id, p.id));
    expect(stale!.status).toBe("pending");
    await settlePayment(t.deps, stale!, "received");
    await expect(settlePayment(t.deps, stale!, "cancelled")).rejects.toMatchObject({ status: 409, code: "payment_not_pending" });
    const [now] = await t.deps.db.select().from(payments).where(eq(payments.id, p.id));
    expect(now).toMatchObject({ status: "received", cancelledAt: null });
    const events = (await planEvents(t, plan)).flatMap((e) =>
      e.type === "plan.payment_changed" && e.data.payment.id === p.id ? [e.data.payment.status] : [],
    );
    expect(events).toEqual(["pending", "received"]);
  });
});
