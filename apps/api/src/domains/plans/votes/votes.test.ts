import type { Proposal, Tally, VoteResult } from "@gatherkit/core";
import { votes } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Member, type Page, proposalHelpers, propUrl, url } from "../proposals/proposals.fixtures.js";

let t: TestApp;
let a: TestOrg;
/** Added to the real clock: tests move time past a voting deadline. */
let offset = 0;
const now = () => Date.now() + offset;

beforeAll(async () => {
  t = await createTestApp({ now });
  a = await newOrg(t);
});
afterAll(() => t.close());

const { propose, vote, getProposal, tallies, planWith, planEvents } = proposalHelpers(() => t);

describe("voting", () => {
  it("replaces a participant's vote instead of adding one, and withdraws it", async () => {
    const { plan, people } = await planWith(a, 2);
    const [ana, ben] = people as [Member, Member];
    const p = await propose(plan, ana.token);
    const first = expectStatus<VoteResult>(await vote(plan, p, ana.token, "yes"), 200);
    expect(first.vote).toMatchObject({ proposalId: p.id, participantId: ana.participantId, value: "yes" });
    const second = expectStatus<VoteResult>(await vote(plan, p, ana.token, "no"), 200);
    expect(second.vote.id).toBe(first.vote.id);
    expect(second.tally).toEqual({ proposalId: p.id, yes: 0, maybe: 0, no: 1, total: 1, hidden: false });
    await vote(plan, p, ben.token, "maybe");
    expect(await getProposal(plan, p, ana.token)).toMatchObject({ myVote: "no", tally: { yes: 0, maybe: 1, no: 1, total: 2 } });
    expect((await getProposal(plan, p, ben.token)).myVote).toBe("maybe");
    expect((await getProposal(plan, p, a.secretKey)).myVote).toBeNull();

    expect((await call(t, "DELETE", propUrl(plan, p, "/vote"), { token: ana.token })).status).toBe(204);
    expect((await call(t, "DELETE", propUrl(plan, p, "/vote"), { token: ana.token })).status).toBe(204);
    expect(await getProposal(plan, p, ana.token)).toMatchObject({ myVote: null, tally: { maybe: 1, no: 0, total: 1 } });
    const rows = await t.deps.db.select().from(votes).where(eq(votes.proposalId, p.id));
    expect(rows.map((r) => r.participantId)).toEqual([ben.participantId]);
  });

  it("makes staff vote through a participant identity", async () => {
    const { plan } = await planWith(a, 0);
    const p = await propose(plan, a.secretKey);
    expectProblem(await vote(plan, p, a.secretKey, "yes"), 403, "not_a_participant");
    expectProblem(await vote(plan, p, a.ownerToken, "yes"), 403, "not_a_participant");
    expectProblem(await call(t, "POST", propUrl(plan, p, "/commitment"), { token: a.secretKey }), 403, "not_a_participant");
  });

  it("closes at the deadline", async () => {
    const deadline = new Date(now() + 10 * 60_000).toISOString();
    const { plan, people } = await planWith(a, 1, { votingDeadline: deadline });
    const token = people[0]!.token;
    const p = await propose(plan, token);
    expectStatus(await vote(plan, p, token, "maybe"), 200);
    offset += 11 * 60_000;
    try {
      expectProblem(await vote(plan, p, token, "yes"), 409, "voting_closed");
      expectProblem(await call(t, "DELETE", propUrl(plan, p, "/vote"), { token }), 409, "voting_closed");
      expect((await getProposal(plan, p, token)).myVote).toBe("maybe");
    } finally {
      offset -= 11 * 60_000;
    }
  });

  it("hides the breakdown from participants until the deadline, never from organizers", async () => {
    const deadline = new Date(now() + 10 * 60_000).toISOString();
    const { plan, people } = await planWith(a, 3, { votingDeadline: deadline, hideVotesUntilDeadline: true });
    const p = await propose(plan, a.secretKey);
    const values = ["yes", "yes", "no"] as const;
    for (const [i, person] of people.entries()) {
      const r = expectStatus<VoteResult>(await vote(plan, p, person.token, values[i]!), 200);
      expect(r.tally).toEqual({ proposalId: p.id, yes: null, maybe: null, no: null, total: i + 1, hidden: true });
    }
    const hidden = { proposalId: p.id, yes: null, maybe: null, no: null, total: 3, hidden: true };
    const shown = { proposalId: p.id, yes: 2, maybe: 0, no: 1, total: 3, hidden: false };
    expect((await getProposal(plan, p, people[0]!.token)).tally).toEqual(hidden);
    expect(await tallies(plan, people[0]!.token)).toEqual([hidden]);
    const list = expectStatus<Page<Proposal>>(await call(t, "GET", url(plan, "/proposals"), { token: people[1]!.token }), 200);
    expect(list.data[0]!.tally).toEqual(hidden);
    expect((await getProposal(plan, p, a.secretKey)).tally).toEqual(shown);
    expect(await tallies(plan, a.ownerToken)).toEqual([shown]);
    // The room is everyone's: its events hide the breakdown too.
    const tallyEvents = (await planEvents(plan)).filter((e) => e.type === "plan.tally_changed");
    expect(tallyEvents).toHaveLength(3);
    for (const e of tallyEvents) expect(e.data).toMatchObject({ tally: { yes: null, maybe: null, no: null, hidden: true } });

    offset += 11 * 60_000;
    try {
      expect((await getProposal(plan, p, people[0]!.token)).tally).toEqual(shown);
      expect(await tallies(plan, people[2]!.token)).toEqual([shown]);
    } finally {
      offset -= 11 * 60_000;
    }
  });

  it("allows one yes per participant when the plan says so", async () => {
    const { plan, people } = await planWith(a, 2, { oneYesPerParticipant: true });
    const [ana, ben] = people as [Member, Member];
    const [x, y] = [await propose(plan, ana.token, { title: "X" }), await propose(plan, ana.token, { title: "Y" })];
    expectStatus(await vote(plan, x, ana.token, "yes"), 200);
    expectStatus(await vote(plan, x, ana.token, "yes"), 200); // the same yes again
    const p = expectProblem(await vote(plan, y, ana.token, "yes"), 409, "one_yes_limit");
    expect(p.detail).toContain(x.id);
    expectStatus(await vote(plan, y, ana.token, "maybe"), 200);
    expectStatus(await vote(plan, y, ben.token, "yes"), 200); // others are not limited by ana's yes
    expectStatus(await vote(plan, x, ana.token, "no"), 200);
    expectStatus(await vote(plan, y, ana.token, "yes"), 200);
    expect((await tallies(plan, a.secretKey)).map((t) => [t.yes, t.no])).toEqual([
      [0, 1],
      [2, 0],
    ]);
  });

  it("200 concurrent votes leave one vote per participant and a tally of exactly 20", async () => {
    const { plan, people } = await planWith(a, 20);
    const p = await propose(plan, a.secretKey);
    const values = ["yes", "maybe", "no"] as const;
    const requests = people.flatMap((person, i) => Array.from({ length: 10 }, (_, k) => ({ person, value: values[(i + k) % 3]! })));
    const answers = await Promise.all(requests.map((r) => vote(plan, p, r.person.token, r.value)));
    expect(answers.map((r) => r.status)).toEqual(requests.map(() => 200));

    const rows = await t.deps.db.select().from(votes).where(eq(votes.proposalId, p.id));
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.participantId)).size).toBe(20);
    const [tally] = await tallies(plan, a.secretKey);
    expect(tally!.total).toBe(20);
    expect(tally!.yes! + tally!.maybe! + tally!.no!).toBe(20);
    expect(tally).toEqual({
      proposalId: p.id,
      yes: rows.filter((r) => r.value === "yes").length,
      maybe: rows.filter((r) => r.value === "maybe").length,
      no: rows.filter((r) => r.value === "no").length,
      total: 20,
      hidden: false,
    });
    // One event per vote, and the last one the room gets is the final tally.
    const events = (await planEvents(plan)).filter((e) => e.type === "plan.tally_changed");
    expect(events).toHaveLength(200);
    expect(events.at(-1)!.data).toEqual({ planId: plan.id, tally });
    expect(events.map((e) => (e.data as { tally: Tally }).tally.total)).toEqual(
      [...events.map((e) => (e.data as { tally: Tally }).tally.total)].sort((x, y) => x - y),
    );
  });

  it("lets one yes stand when a participant sends yes to 10 proposals at once", async () => {
    const { plan, people } = await planWith(a, 1, { oneYesPerParticipant: true });
    const token = people[0]!.token;
    const ten = [];
    for (let i = 0; i < 10; i++) ten.push(await propose(plan, token, { title: `Option ${i}` }));
    const answers = await Promise.all(ten.map((p) => vote(plan, p, token, "yes")));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 200)) expectProblem(r, 409, "one_yes_limit");
    const yes = await t.deps.db
      .select()
      .from(votes)
      .where(and(eq(votes.planId, plan.id), eq(votes.value, "yes")));
    expect(yes).toHaveLength(1);
    expect(yes[0]!.proposalId).toBe((answers.find((r) => r.status === 200)!.body as VoteResult).vote.proposalId);
  });
});
