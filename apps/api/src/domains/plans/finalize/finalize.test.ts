import type { Plan, Proposal } from "@gatherkit/core";
import { proposals } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Page, proposalHelpers, propUrl, url } from "../proposals/proposals.fixtures.js";

let t: TestApp;
let a: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

const { propose, vote, getProposal, tallies, planWith, planEvents } = proposalHelpers(() => t);

describe("finalizing", () => {
  it("selects the listed proposals, rejects the other open ones and closes voting", async () => {
    const { plan, people } = await planWith(a, 2);
    const token = people[0]!.token;
    const [x, y, z] = [
      await propose(plan, token, { title: "X" }),
      await propose(plan, token, { title: "Y" }),
      await propose(plan, token, { title: "Z", capacity: 3 }),
    ];
    expectProblem(
      await call(t, "POST", url(plan, "/finalize"), { token, body: { mode: "select", proposalIds: [x.id] } }),
      403,
      "organizer_required",
    );
    expectProblem(
      await call(t, "POST", url(plan, "/finalize"), {
        token: a.secretKey,
        body: { mode: "select", proposalIds: ["prop_0123456789abcdefghjk"] },
      }),
      404,
      "not_found",
    );
    const done = expectStatus<Plan>(
      await call(t, "POST", url(plan, "/finalize"), { token: a.secretKey, body: { mode: "select", proposalIds: [x.id, z.id] } }),
      200,
    );
    expect(done).toMatchObject({ id: plan.id, status: "finalized", finalizedAt: expect.any(String) });
    const statuses = expectStatus<Page<Proposal>>(await call(t, "GET", url(plan, "/proposals"), { token }), 200).data.map((p) => [
      p.title,
      p.status,
    ]);
    expect(statuses).toEqual([
      ["Z", "selected"],
      ["Y", "rejected"],
      ["X", "selected"],
    ]);
    expectProblem(await vote(plan, x, token, "yes"), 409, "voting_closed");
    expectProblem(await call(t, "POST", url(plan, "/proposals"), { token, body: { title: "Late" } }), 409, "plan_not_open");
    expectProblem(
      await call(t, "POST", url(plan, "/finalize"), { token: a.secretKey, body: { mode: "select", proposalIds: [y.id] } }),
      409,
      "invalid_plan_transition",
    );
    const events = await planEvents(plan);
    expect(events.at(-1)).toEqual({ type: "plan.finalized", data: { planId: plan.id, selectedProposalIds: [x.id, z.id] } });
    expect(events.at(-2)).toEqual({ type: "plan.updated", data: { plan: { ...done, calendarUrl: null } } });
    // A participant reads the same plan, with their own calendar feed URL.
    expect(expectStatus<Plan>(await call(t, "GET", url(plan), { token }), 200)).toEqual({
      ...done,
      calendarUrl: expect.stringContaining(`/v1/plans/${plan.id}/calendar.ics?token=`),
    });
    // The itinerary can still be signed up for.
    expectStatus(await call(t, "POST", propUrl(plan, z, "/commitment"), { token }), 201);
    expectProblem(await call(t, "POST", propUrl(plan, y, "/commitment"), { token }), 409, "proposal_not_open");
  });

  it("keeps the top-voted proposals and reveals hidden tallies", async () => {
    const deadline = new Date(t.deps.now() + 60 * 60_000).toISOString();
    const { plan, people } = await planWith(a, 3, { votingDeadline: deadline, hideVotesUntilDeadline: true });
    const ps = [];
    for (const title of ["A", "B", "C", "D"]) ps.push(await propose(plan, a.secretKey, { title }));
    const [pa, pb, pc, pd] = ps as [Proposal, Proposal, Proposal, Proposal];
    expectProblem(await call(t, "POST", url(plan, "/finalize"), { token: a.secretKey, body: { mode: "top_voted" } }), 409, "conflict");
    const ballots: [Proposal, ("yes" | "maybe" | "no")[]][] = [
      [pa, ["yes", "no", "no"]],
      [pb, ["yes", "yes", "maybe"]],
      [pc, ["yes", "maybe", "no"]],
      [pd, ["no", "no", "no"]],
    ];
    for (const [p, vs] of ballots) for (const [i, v] of vs.entries()) expectStatus(await vote(plan, p, people[i]!.token, v), 200);
    expect((await tallies(plan, people[0]!.token)).every((t) => t.hidden)).toBe(true);
    expectStatus(await call(t, "POST", url(plan, "/finalize"), { token: a.ownerToken, body: { mode: "top_voted", count: 2 } }), 200);
    const byTitle = Object.fromEntries(
      expectStatus<Page<Proposal>>(await call(t, "GET", url(plan, "/proposals"), { token: people[0]!.token }), 200).data.map((p) => [
        p.title,
        p,
      ]),
    );
    expect(Object.fromEntries(Object.entries(byTitle).map(([k, p]) => [k, p.status]))).toEqual({
      A: "rejected",
      B: "selected",
      C: "selected",
      D: "rejected",
    });
    // Voting is over: participants see the breakdown before the deadline.
    expect(byTitle.B!.tally).toEqual({ proposalId: pb.id, yes: 2, maybe: 1, no: 0, total: 3, hidden: false });
    const events = await planEvents(plan);
    expect(events.at(-1)).toEqual({ type: "plan.finalized", data: { planId: plan.id, selectedProposalIds: [pb.id, pc.id] } });
    expect(events.at(-2)).toMatchObject({ type: "plan.updated", data: { plan: { id: plan.id, status: "finalized" } } });
    const revealed = events.slice(-6, -2);
    expect(revealed.map((e) => (e.data as { proposal: Proposal }).proposal.tally.hidden)).toEqual([false, false, false, false]);
  });

  it("finalizes once under concurrent requests", async () => {
    const { plan } = await planWith(a, 0);
    const ps = [await propose(plan, a.secretKey, { title: "A" }), await propose(plan, a.secretKey, { title: "B" })];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(t, "POST", url(plan, "/finalize"), { token: a.secretKey, body: { mode: "select", proposalIds: [ps[i % 2]!.id] } }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 200)) expectProblem(r, 409, "invalid_plan_transition");
    const rows = await t.deps.db.select().from(proposals).where(eq(proposals.planId, plan.id));
    expect(rows.map((r) => r.status).sort()).toEqual(["rejected", "selected"]);
    expect((await planEvents(plan)).filter((e) => e.type === "plan.finalized")).toHaveLength(1);
  });

  it("finalizes while the plan is being edited, keeping both changes", async () => {
    const { plan } = await planWith(a, 0);
    const p = await propose(plan, a.secretKey);
    const [done, ...edits] = await Promise.all([
      call(t, "POST", url(plan, "/finalize"), { token: a.secretKey, body: { mode: "select", proposalIds: [p.id] } }),
      ...Array.from({ length: 5 }, (_, i) => call(t, "PATCH", url(plan), { token: a.secretKey, body: { description: `edit ${i}` } })),
    ]);
    expect(expectStatus<Plan>(done!, 200).status).toBe("finalized");
    for (const r of edits) expectStatus(r, 200);
    const after = expectStatus<Plan>(await call(t, "GET", url(plan), { token: a.secretKey }), 200);
    expect(after.status).toBe("finalized");
    expect(after.description).toMatch(/^edit \d$/);
    expect((await getProposal(plan, p, a.secretKey)).status).toBe("selected");
  });
});
