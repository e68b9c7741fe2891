import { PROPOSAL_VIEWER_FIELDS, type Proposal } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Member, type Page, proposalHelpers, propUrl, url } from "./proposals.fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const { propose, vote, getProposal, planWith, organizerPlan, planEvents } = proposalHelpers(() => t);

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
