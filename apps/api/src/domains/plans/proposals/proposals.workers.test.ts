import { type Plan, type Proposal, PublishRequestSchema } from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { onWorker } from "../../../../test/runtimes.js";

/**
 * The proposal writes use SQL the in-process tests only run on libSQL: guarded INSERT … SELECT
 * upserts, `changes()` guards inside a batch, events built with json_object / strftime /
 * row_number(). This runs the same flow on the Worker under `wrangler dev` with D1, including
 * the concurrency rules, and checks the room receives what the outbox wrote.
 */

const { rooms, send, ok, signUp } = onWorker();

describe("proposals on Workers with D1", () => {
  it("votes, commits and finalizes with the same guarantees, and the room hears about it", async () => {
    const { secret } = await signUp("D1 Trips");
    const person = async (i: number) =>
      ok<{ token: string; participant: { id: string } }>(
        send("POST", "/v1/participant-tokens", secret, { externalId: `user-${i}`, name: `Person ${i}` }),
        201,
      );
    const organizer = await person(0);
    const plan = await ok<Plan>(
      send("POST", "/v1/plans", secret, {
        type: "trip",
        title: "Porto",
        timeZone: "Europe/Lisbon",
        currency: "EUR",
        oneYesPerParticipant: true,
        organizerParticipantId: organizer.participant.id,
      }),
      201,
    );
    const people = [organizer];
    for (let i = 1; i < 6; i++) {
      const p = await person(i);
      await ok(send("POST", `/v1/plans/${plan.id}/participants`, secret, { participantId: p.participant.id }), 201);
      people.push(p);
    }
    const base = `/v1/plans/${plan.id}/proposals`;
    const boat = await ok<Proposal>(
      send("POST", base, organizer.token, {
        title: "Boat",
        capacity: 2,
        cost: { kind: "per_person", amount: 3000, currency: "EUR" },
        startsAt: "2030-07-01T10:00:00.500Z",
      }),
      201,
    );
    const wine = await ok<Proposal>(send("POST", base, organizer.token, { title: "Wine cellar" }), 201);
    expect(boat).toMatchObject({ startsAt: "2030-07-01T10:00:00.500Z", tally: { total: 0 }, myVote: null, committed: false });

    // Concurrent votes: one per participant stands.
    const votes = await Promise.all(
      people.flatMap((p, i) =>
        ["yes", "no", "maybe"].map((value) => send("PUT", `${base}/${wine.id}/vote`, p.token, { value: i % 2 ? value : "no" })),
      ),
    );
    expect(votes.map((v) => v.status)).toEqual(votes.map(() => 200));
    const tally = (await ok<Proposal>(send("GET", `${base}/${wine.id}`, secret), 200)).tally;
    expect(tally.total).toBe(6);
    // One yes per participant, enforced by yes_lock even when sent at once.
    const yeses = await Promise.all([boat, wine].map((p) => send("PUT", `${base}/${p.id}/vote`, people[2]!.token, { value: "yes" })));
    expect(yeses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((yeses.find((r) => r.status === 409)!.body as { code: string }).code).toBe("one_yes_limit");

    // Concurrent commitments never exceed the capacity.
    const commits = await Promise.all(people.map((p) => send("POST", `${base}/${boat.id}/commitment`, p.token)));
    expect(commits.filter((r) => r.status === 201)).toHaveLength(2);
    expect(commits.filter((r) => r.status === 409).map((r) => (r.body as { code: string }).code)).toEqual(Array(4).fill("proposal_full"));

    const done = await ok<Plan>(send("POST", `/v1/plans/${plan.id}/finalize`, secret, { mode: "select", proposalIds: [boat.id] }), 200);
    expect(done.status).toBe("finalized");
    const late = await send<{ code: string }>("PUT", `${base}/${wine.id}/vote`, organizer.token, { value: "yes" });
    expect([late.status, late.body.code]).toEqual([409, "voting_closed"]);
    expect(await ok<Proposal>(send("GET", `${base}/${boat.id}`, organizer.token), 200)).toMatchObject({
      status: "selected",
      takenCount: 2,
    });

    // The room receives the events, in commit order, ending with the finalization.
    const forPlan = () =>
      rooms()
        .publishes.filter((p) => p.accepted)
        .map((p) => PublishRequestSchema.parse(JSON.parse(p.body)))
        .filter((p) => p.room === `plan:${plan.id}`);
    const deadline = Date.now() + 60_000;
    while (!forPlan().some((p) => p.event.type === "plan.finalized") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const events = forPlan().map((p) => p.event);
    expect(events.at(-1)).toEqual({ type: "plan.finalized", data: { planId: plan.id, selectedProposalIds: [boat.id] } });
    const tallies = events.filter((e) => e.type === "plan.tally_changed");
    expect(tallies.length).toBeGreaterThanOrEqual(18);
    const lastBoat = events.filter((e) => e.type === "plan.proposal_changed" && e.data.proposal.id === boat.id).at(-1);
    expect(lastBoat).toMatchObject({
      data: { proposal: { status: "selected", takenCount: 2, startsAt: "2030-07-01T10:00:00.500Z", cost: { amount: 3000 } } },
    });
  }, 120_000);
});
