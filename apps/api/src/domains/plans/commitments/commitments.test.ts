import type { Proposal } from "@gatherkit/core";
import { proposals, proposalTakers } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Member, proposalHelpers, propUrl } from "../proposals/proposals.fixtures.js";

let t: TestApp;
let a: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

const { propose, getProposal, planWith, planEvents } = proposalHelpers(() => t);

describe("commitments", () => {
  it("takes and gives back a place, refuses beyond capacity and a capacity below the places taken", async () => {
    const { plan, people } = await planWith(a, 3);
    const [ana, ben, cy] = people as [Member, Member, Member];
    const p = await propose(plan, ana.token, { capacity: 2 });
    const took = expectStatus<Proposal>(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: ana.token }), 201);
    expect(took).toMatchObject({ takenCount: 1, committed: true });
    expect(expectStatus<Proposal>(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: ana.token }), 200).takenCount).toBe(1);
    expectStatus(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: ben.token }), 201);
    expectProblem(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: cy.token }), 409, "proposal_full");
    expectProblem(await call(t, "PATCH", propUrl(plan, p), { token: ana.token, body: { capacity: 1 } }), 409, "proposal_full");

    expect((await call(t, "DELETE", propUrl(plan, p, "/commitment"), { token: ben.token })).status).toBe(204);
    expect((await call(t, "DELETE", propUrl(plan, p, "/commitment"), { token: ben.token })).status).toBe(204);
    expect(
      expectStatus<Proposal>(await call(t, "PATCH", propUrl(plan, p), { token: ana.token, body: { capacity: 1 } }), 200),
    ).toMatchObject({
      capacity: 1,
      takenCount: 1,
    });
    expectProblem(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: cy.token }), 409, "proposal_full");
    expect(
      expectStatus<Proposal>(await call(t, "PATCH", propUrl(plan, p), { token: ana.token, body: { capacity: null } }), 200).capacity,
    ).toBeNull();
    expect(expectStatus<Proposal>(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: cy.token }), 201).takenCount).toBe(2);
    expect((await getProposal(plan, p, ben.token)).committed).toBe(false);
  });

  it("200 concurrent commitments on a capacity-5 proposal leave exactly 5 takers", async () => {
    const { plan, people } = await planWith(a, 200);
    const p = await propose(plan, a.secretKey, { capacity: 5 });
    const answers = await Promise.all(people.map((person) => call(t, "POST", propUrl(plan, p, "/commitment"), { token: person.token })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
    for (const r of answers.filter((r) => r.status !== 201)) expectProblem(r, 409, "proposal_full");
    const takers = await t.deps.db.select().from(proposalTakers).where(eq(proposalTakers.proposalId, p.id));
    expect(takers).toHaveLength(5);
    const [row] = await t.deps.db.select().from(proposals).where(eq(proposals.id, p.id));
    expect(row!.takenCount).toBe(5);
    const events = (await planEvents(plan)).filter((e) => e.type === "plan.proposal_changed");
    expect(events.at(-1)!.data).toMatchObject({ proposal: { id: p.id, takenCount: 5, capacity: 5 } });
  });
});
