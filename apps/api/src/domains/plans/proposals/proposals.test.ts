import { type Plan, PROPOSAL_VIEWER_FIELDS, type Proposal, PublishedEventSchema, type Tally, type VoteResult } from "@gatherkit/core";
import { outbox, proposals, proposalTakers, votes } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
/** Added to the real clock: tests move time past a voting deadline. */
let offset = 0;
const now = () => Date.now() + offset;

beforeAll(async () => {
  t = await createTestApp({ now });
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

type Member = Awaited<ReturnType<typeof joinPlan>>;
type Page<T> = { data: T[]; nextCursor: string | null };

const url = (plan: { id: string }, rest = "") => `/v1/plans/${plan.id}${rest}`;
const propUrl = (plan: { id: string }, p: { id: string }, rest = "") => url(plan, `/proposals/${p.id}${rest}`);

async function propose(plan: Plan, token: string, body: Record<string, unknown> = {}): Promise<Proposal> {
  return expectStatus<Proposal>(await call(t, "POST", url(plan, "/proposals"), { token, body: { title: "Sunset sail", ...body } }), 201);
}
const vote = (plan: Plan, p: { id: string }, token: string, value: "yes" | "maybe" | "no") =>
  call(t, "PUT", propUrl(plan, p, "/vote"), { token, body: { value } });
const getProposal = async (plan: Plan, p: { id: string }, token: string) =>
  expectStatus<Proposal>(await call(t, "GET", propUrl(plan, p), { token }), 200);
const tallies = async (plan: Plan, token: string) =>
  expectStatus<{ data: Tally[] }>(await call(t, "GET", url(plan, "/tallies"), { token }), 200).data;

/** A plan of `org` and `n` participants in it. */
async function planWith(org: TestOrg, n: number, overrides: Parameters<typeof newPlan>[2] = {}) {
  const plan = await newPlan(t, org, overrides);
  const people: Member[] = [];
  for (let i = 0; i < n; i++) people.push(await joinPlan(t, org, plan, `Person ${i}`));
  return { plan, people };
}

/** A participant who is the plan's organizer: they created it with their own token. */
async function organizerPlan(org: TestOrg, type: "trip" | "event" | "purchase") {
  const pt = await createParticipantToken(t, org.secretKey, { name: "Olga Organizer" });
  const plan = await newPlan(t, org, { type, as: pt.token });
  return { plan, organizer: { participantId: pt.participant.id, token: pt.token } };
}

/** Realtime rows the outbox holds for the plan's room, in delivery order. */
async function planEvents(plan: { id: string }) {
  const rows = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "realtime")).orderBy(asc(outbox.createdAt), asc(outbox.id));
  return rows
    .map((r) => r.payload as { room: string; event: unknown })
    .filter((p) => p.room === `plan:${plan.id}`)
    .map((p) => PublishedEventSchema.parse(p.event));
}

describe("proposing", () => {
  it("trips are collaborative; event and purchase plans are organizer-driven", async () => {
    for (const type of ["trip", "event", "purchase"] as const) {
      const { plan, people } = await planWith(a, 1, { type });
      const r = await call(t, "POST", url(plan, "/proposals"), { token: people[0]!.token, body: { title: "Kayaks" } });
      if (type === "trip") {
        expect(expectStatus<Proposal>(r, 201)).toMatchObject({ createdByParticipantId: people[0]!.participantId, status: "proposed" });
      } else {
        expectProblem(r, 403, "organizer_required");
      }
      // Staff always may, as organizers of every plan of their organization.
      expect((await propose(plan, a.secretKey)).createdByParticipantId).toBeNull();
      expect((await propose(plan, a.ownerToken)).createdByParticipantId).toBeNull();
      // A participant who organizes the plan may too.
      const org = await organizerPlan(a, type);
      expect((await propose(org.plan, org.organizer.token)).createdByParticipantId).toBe(org.organizer.participantId);
    }
  });

  it("keeps every amount in the plan's currency and the payer in the plan", async () => {
    const { plan, people } = await planWith(a, 1, { currency: "EUR" });
    const token = people[0]!.token;
    const mismatch = expectProblem(
      await call(t, "POST", url(plan, "/proposals"), {
        token,
        body: { title: "Dinner", cost: { kind: "per_person", amount: 2500, currency: "USD" } },
      }),
      422,
      "currency_mismatch",
    );
    expect(mismatch.detail).toContain("EUR");
    const p = await propose(plan, token, {
      title: "Dinner",
      description: "Seafood",
      url: "https://example.com/menu",
      startsAt: "2030-07-01T19:00:00.000Z",
      endsAt: "2030-07-01T22:00:00.000Z",
      cost: { kind: "per_person", amount: 2500, currency: "EUR" },
      capacity: 8,
      paidByParticipantId: people[0]!.participantId,
    });
    expect(p).toMatchObject({
      cost: { kind: "per_person", amount: 2500, currency: "EUR" },
      capacity: 8,
      takenCount: 0,
      startsAt: "2030-07-01T19:00:00.000Z",
      endsAt: "2030-07-01T22:00:00.000Z",
      tally: { proposalId: p.id, yes: 0, maybe: 0, no: 0, total: 0, hidden: false },
      myVote: null,
      committed: false,
    });
    expectProblem(
      await call(t, "PATCH", propUrl(plan, p), { token, body: { cost: { kind: "total", amount: 9000, currency: "GBP" } } }),
      422,
      "currency_mismatch",
    );
    const outsider = await createParticipantToken(t, a.secretKey);
    expectProblem(
      await call(t, "POST", url(plan, "/proposals"), { token, body: { title: "Taxi", paidByParticipantId: outsider.participant.id } }),
      422,
      "unknown_participant",
    );
    expectProblem(
      await call(t, "POST", url(plan, "/proposals"), {
        token,
        body: { title: "Taxi", startsAt: "2030-07-01T19:00:00Z", endsAt: "2030-07-01T18:00:00Z" },
      }),
      400,
      "validation_failed",
    );
    expectProblem(await call(t, "POST", url(plan, "/proposals"), { token, body: { title: "Taxi", votes: 3 } }), 400, "validation_failed");
  });

  it("lets the author or an organizer edit, checks the merged proposal, and refuses others", async () => {
    const { plan, people } = await planWith(a, 2);
    const [author, other] = people as [Member, Member];
    const p = await propose(plan, author.token, { startsAt: "2030-07-01T10:00:00Z" });
    const edited = expectStatus<Proposal>(
      await call(t, "PATCH", propUrl(plan, p), { token: author.token, body: { title: "Sail at dawn", url: null } }),
      200,
    );
    expect(edited).toMatchObject({ title: "Sail at dawn", url: null, startsAt: "2030-07-01T10:00:00.000Z" });
    expectProblem(await call(t, "PATCH", propUrl(plan, p), { token: other.token, body: { title: "Mine" } }), 403, "permission_denied");
    expect(
      expectStatus<Proposal>(await call(t, "PATCH", propUrl(plan, p), { token: a.secretKey, body: { description: "Bring a hat" } }), 200)
        .description,
    ).toBe("Bring a hat");
    // An end before the stored start is judged after merging.
    expectProblem(
      await call(t, "PATCH", propUrl(plan, p), { token: author.token, body: { endsAt: "2030-07-01T09:00:00Z" } }),
      400,
      "validation_failed",
    );
    expectProblem(await call(t, "PATCH", propUrl(plan, p), { token: author.token, body: {} }), 400, "validation_failed");
  });

  it("lists newest first with paging and a status filter; organizers select, reject and reopen", async () => {
    const { plan, people } = await planWith(a, 1);
    const token = people[0]!.token;
    const made = [];
    for (const title of ["One", "Two", "Three"]) made.push(await propose(plan, token, { title }));
    const first = expectStatus<Page<Proposal>>(await call(t, "GET", url(plan, "/proposals?limit=2"), { token }), 200);
    expect(first.data.map((p) => p.title)).toEqual(["Three", "Two"]);
    const rest = expectStatus<Page<Proposal>>(
      await call(t, "GET", url(plan, `/proposals?limit=2&cursor=${first.nextCursor}`), { token }),
      200,
    );
    expect(rest.data.map((p) => p.title)).toEqual(["One"]);
    expect(rest.nextCursor).toBeNull();

    expectProblem(await call(t, "POST", propUrl(plan, made[0]!, "/select"), { token }), 403, "organizer_required");
    expect(expectStatus<Proposal>(await call(t, "POST", propUrl(plan, made[0]!, "/select"), { token: a.secretKey }), 200).status).toBe(
      "selected",
    );
    expect(expectStatus<Proposal>(await call(t, "POST", propUrl(plan, made[1]!, "/reject"), { token: a.secretKey }), 200).status).toBe(
      "rejected",
    );
    expectProblem(await call(t, "POST", propUrl(plan, made[0]!, "/reject"), { token: a.secretKey }), 409, "proposal_not_open");
    expectProblem(await call(t, "POST", propUrl(plan, made[2]!, "/reopen"), { token: a.secretKey }), 409, "proposal_not_open");
    // Nothing happens to a rejected proposal but reopening it.
    expectProblem(await vote(plan, made[1]!, token, "yes"), 409, "proposal_not_open");
    expectProblem(await call(t, "PATCH", propUrl(plan, made[1]!), { token, body: { title: "Again" } }), 409, "proposal_not_open");
    expectProblem(await call(t, "POST", propUrl(plan, made[1]!, "/commitment"), { token }), 409, "proposal_not_open");

    const rejected = expectStatus<Page<Proposal>>(await call(t, "GET", url(plan, "/proposals?status=rejected"), { token }), 200);
    expect(rejected.data.map((p) => p.id)).toEqual([made[1]!.id]);
    expect(expectStatus<Proposal>(await call(t, "POST", propUrl(plan, made[1]!, "/reopen"), { token: a.secretKey }), 200).status).toBe(
      "proposed",
    );
    expectProblem(await call(t, "GET", url(plan, "/proposals?status=maybe"), { token }), 400, "validation_failed");
  });

  it("publishes each change to the plan's room as any reader may see it", async () => {
    const { plan, people } = await planWith(a, 1);
    const token = people[0]!.token;
    const p = await propose(plan, token, { cost: { kind: "total", amount: 12000, currency: "EUR" }, startsAt: "2030-07-02T08:30:00.250Z" });
    await vote(plan, p, token, "yes");
    await call(t, "POST", propUrl(plan, p, "/commitment"), { token });
    await call(t, "PATCH", propUrl(plan, p), { token, body: { title: "Renamed" } });
    const events = (await planEvents(plan)).filter((e) => e.type === "plan.proposal_changed" || e.type === "plan.tally_changed");
    expect(events.map((e) => e.type)).toEqual([
      "plan.proposal_changed",
      "plan.tally_changed",
      "plan.proposal_changed",
      "plan.proposal_changed",
    ]);
    // The last event is exactly what GET shows, less the caller's own fields.
    const { myVote, committed, ...shared } = await getProposal(plan, p, token);
    expect([myVote, committed]).toEqual(["yes", true]);
    expect(Object.keys(PROPOSAL_VIEWER_FIELDS).sort()).toEqual(["committed", "myVote"]);
    expect(events.at(-1)).toEqual({ type: "plan.proposal_changed", data: { proposal: shared } });
    expect(events[1]).toEqual({
      type: "plan.tally_changed",
      data: { planId: plan.id, tally: { proposalId: p.id, yes: 1, maybe: 0, no: 0, total: 1, hidden: false } },
    });
  });
});

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
    expect(events.at(-2)).toEqual({ type: "plan.updated", data: { plan: done } });
    expect(expectStatus<Plan>(await call(t, "GET", url(plan), { token }), 200)).toEqual(done);
    // The itinerary can still be signed up for.
    expectStatus(await call(t, "POST", propUrl(plan, z, "/commitment"), { token }), 201);
    expectProblem(await call(t, "POST", propUrl(plan, y, "/commitment"), { token }), 409, "proposal_not_open");
  });

  it("keeps the top-voted proposals and reveals hidden tallies", async () => {
    const deadline = new Date(now() + 60 * 60_000).toISOString();
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

describe("who may see and touch proposals", () => {
  it("refuses participants of another plan and answers another organization with 404", async () => {
    const { plan, people } = await planWith(a, 1);
    const p = await propose(plan, people[0]!.token);
    const { people: others } = await planWith(a, 1);
    const stranger = others[0]!.token;
    for (const [method, path, body] of [
      ["GET", url(plan, "/proposals")],
      ["GET", propUrl(plan, p)],
      ["GET", url(plan, "/tallies")],
      ["PUT", propUrl(plan, p, "/vote"), { value: "yes" }],
      ["POST", propUrl(plan, p, "/commitment")],
      ["POST", url(plan, "/proposals"), { title: "Mine" }],
    ] as const) {
      expectProblem(await call(t, method, path, { token: stranger, body }), 403, "not_a_participant");
      for (const token of [b.secretKey, b.ownerToken, b.participantToken]) {
        expectProblem(await call(t, method, path, { token, body }), 404, "not_found");
      }
    }
    // A publishable key alone opens no plan.
    expectProblem(
      await call(t, "GET", url(plan, "/proposals"), { token: a.publishableKey, headers: { origin: "https://host.example" } }),
      403,
      "permission_denied",
    );
    // A proposal id of another plan is 404 in this one.
    const { plan: elsewhere } = await planWith(a, 0);
    expectProblem(await call(t, "GET", propUrl(elsewhere, p), { token: a.secretKey }), 404, "not_found");
    expect(await getProposal(plan, p, people[0]!.token)).toMatchObject({ tally: { total: 0 }, takenCount: 0 });
  });
});
