import type { Plan } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { joinPlan, joinRequest, newInvite, newPlan, planEvents } from "../../../test/plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

describe("smoke", () => {
  it("creates, reads, invites and joins", async () => {
    const plan = await newPlan(t, a);
    expect(plan.calendarUrl).toMatch(/calendar\.ics\?token=/);
    const got = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200);
    expect(got).toEqual(plan);
    const ada = await joinPlan(t, a, plan, "Ada");
    expect(ada.participantId).toMatch(/^ptc_/);
    const mine = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    expect(mine.id).toBe(plan.id);
    const invite = await newInvite(t, a, plan, { maxUses: 1 });
    expectStatus(await joinRequest(t, a, invite.code, { name: "Bob" }), 201);
    expectProblem(await joinRequest(t, a, invite.code, { name: "Carl" }), 409, "invite_exhausted");
    const pt = await createParticipantToken(t, a.secretKey, { name: "Host user" });
    const inv2 = await newInvite(t, a, plan, { maxUses: 1 });
    const r1 = await call(t, "POST", `/v1/invites/${inv2.code}/join`, { token: pt.token, body: {} });
    expect(r1.status).toBe(201);
    const r2 = await call(t, "POST", `/v1/invites/${inv2.code}/join`, { token: pt.token, body: {} });
    expect(r2.status).toBe(201);
    console.log((await planEvents(t, plan)).map((e) => e.type));
  });
});
