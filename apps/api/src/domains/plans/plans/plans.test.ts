import { PLAN_STATUSES, type Plan, type PlanStatus, type RoomToken } from "@gatherkit/core";
import { plans, proposals, votes } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createParticipantToken,
  expectProblem,
  expectPublished,
  expectStatus,
  newOrg,
  TEST_ORIGIN,
  type TestOrg,
  twoOrgs,
} from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan, PLAN_DEFAULTS, planEvents } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

type PlanPage = { data: Plan[]; nextCursor: string | null };

/** Puts a plan in `status` directly (finalizing belongs to the proposals routes). */
async function forceStatus(planId: string, status: PlanStatus) {
  await t.deps.db.update(plans).set({ status, updatedAt: t.deps.now!() }).where(eq(plans.id, planId));
}

describe("creating plans", () => {
  it("creates a plan as staff, in planning, with a calendar URL, and tells its room", async () => {
    for (const token of [a.secretKey, a.ownerToken, (await addMember(t, a, "staff")).accessToken]) {
      const plan = expectStatus<Plan>(
        await call(t, "POST", "/v1/plans", {
          token,
          body: {
            type: "event",
            title: "  Summer party ",
            description: "Bring snacks",
            location: { name: "Lisbon", lat: 38.72, lng: -9.14 },
            startDate: "2030-07-01",
            endDate: "2030-07-01",
            timeZone: "Europe/Lisbon",
            currency: "EUR",
            votingDeadline: "2030-06-01T12:00:00Z",
            hideVotesUntilDeadline: true,
          },
        }),
        201,
      );
      expect(plan).toMatchObject({
        type: "event",
        status: "planning",
        title: "Summer party",
        description: "Bring snacks",
        location: { name: "Lisbon", lat: 38.72, lng: -9.14 },
        startDate: "2030-07-01",
        endDate: "2030-07-01",
        timeZone: "Europe/Lisbon",
        currency: "EUR",
        votingDeadline: "2030-06-01T12:00:00.000Z",
        hideVotesUntilDeadline: true,
        oneYesPerParticipant: false,
        finalizedAt: null,
        completedAt: null,
        cancelledAt: null,
      });
      expect(plan.id).toMatch(/^plan_/);
      expect(plan.calendarUrl).toMatch(new RegExp(`^http://api\\.test/v1/plans/${plan.id}/calendar\\.ics\\?token=[0-9a-z]{32}$`));
      await expectPublished(t, `plan:${plan.id}`, { type: "plan.updated", data: { plan: broadcast(plan) } });
    }
  });

  it("makes a participant creating a plan its organizer", async () => {
    const pt = await createParticipantToken(t, a.secretKey, { name: "Olga" });
    const plan = await newPlan(t, a, { as: pt.token });
    const list = expectStatus<{ data: { participantId: string; role: string }[] }>(
      await call(t, "GET", `/v1/plans/${plan.id}/participants`, { token: pt.token }),
      200,
    );
    expect(list.data).toMatchObject([{ participantId: pt.participant.id, role: "organizer", name: "Olga" }]);
    expect((await planEvents(t, plan)).map((e) => e.type)).toEqual(["plan.participant_changed", "plan.updated"]);
    // A participant cannot hand the plan to someone else.
    const other = await createParticipantToken(t, a.secretKey);
    expectProblem(
      await call(t, "POST", "/v1/plans", { token: pt.token, body: { ...PLAN_DEFAULTS, organizerParticipantId: other.participant.id } }),
      403,
      "permission_denied",
    );
  });

  it("lets staff name an organizer from the organization, and only from it", async () => {
    const pt = await createParticipantToken(t, a.secretKey, { name: "Named" });
    const plan = await newPlan(t, a, { organizerParticipantId: pt.participant.id });
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: pt.token, body: {} }), 201);
    expectProblem(
      await call(t, "POST", "/v1/plans", { token: a.secretKey, body: { ...PLAN_DEFAULTS, organizerParticipantId: b.participant.id } }),
      422,
      "unknown_participant",
    );
  });

  it("validates the body: type, dates in order, time zone, currency, voting options, no unknown fields", async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const p = expectProblem(
        await call(t, "POST", "/v1/plans", { token: a.secretKey, body: { ...PLAN_DEFAULTS, ...body } }),
        400,
        "validation_failed",
      );
      expect(p.errors?.map((e) => e.path)).toContain(path);
    };
    await bad({ type: "party" }, "body.type");
    await bad({ title: "   " }, "body.title");
    await bad({ startDate: "2030-07-05", endDate: "2030-07-01" }, "body.endDate");
    await bad({ startDate: undefined, endDate: "2030-07-01" }, "body.endDate");
    await bad({ timeZone: "Mars/Olympus" }, "body.timeZone");
    await bad({ currency: "EURO" }, "body.currency");
    await bad({ hideVotesUntilDeadline: true }, "body.hideVotesUntilDeadline");
    await bad({ status: "completed" }, "body");
    await bad({ location: { name: "X", lat: 10 } }, "body.location.lat");
  });

  it("refuses publishable keys and anonymous callers", async () => {
    expectProblem(
      await call(t, "POST", "/v1/plans", { token: a.publishableKey, headers: { origin: TEST_ORIGIN }, body: PLAN_DEFAULTS }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "POST", "/v1/plans", { body: PLAN_DEFAULTS }), 401, "authentication_required");
  });
});

describe("reading plans", () => {
  it("shows a plan to staff and its participants; 403 not_a_participant to other participants and publishable keys", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    for (const token of [a.secretKey, a.ownerToken]) {
      expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token }), 200)).toEqual(plan);
    }
    // A participant sees the same plan with their own calendar feed URL.
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200)).toEqual({
      ...plan,
      calendarUrl: ada.result.plan.calendarUrl,
    });
    expect(ada.result.plan.calendarUrl).not.toBe(plan.calendarUrl);
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.participantToken }), 403, "not_a_participant");
    expectProblem(
      await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", "/v1/plans/plan_0000000000000000000000", { token: a.secretKey }), 404, "not_found");
    expectProblem(await call(t, "GET", "/v1/plans/evt_0000000000000000000000", { token: a.secretKey }), 400, "validation_failed");
  });

  it("lists every plan of the organization to staff, and only their own plans to a participant, newest first", async () => {
    const org = await newOrg(t);
    const p1 = await newPlan(t, org, { title: "One" });
    const p2 = await newPlan(t, org, { title: "Two" });
    const p3 = await newPlan(t, org, { title: "Three" });
    const ada = await joinPlan(t, org, p1, "Ada");
    await joinPlan(t, org, p3, "Someone else");
    const first = expectStatus<PlanPage>(await call(t, "GET", "/v1/plans?limit=2", { token: org.secretKey }), 200);
    expect(first.data.map((p) => p.title)).toEqual(["Three", "Two"]);
    const second = expectStatus<PlanPage>(
      await call(t, "GET", `/v1/plans?limit=2&cursor=${first.nextCursor}`, { token: org.ownerToken }),
      200,
    );
    expect(second).toEqual({ data: [p1], nextCursor: null });
    expect(expectStatus<PlanPage>(await call(t, "GET", "/v1/plans", { token: ada.token }), 200)).toEqual({
      data: [{ ...p1, calendarUrl: ada.result.plan.calendarUrl }],
      nextCursor: null,
    });
    expect(expectStatus<PlanPage>(await call(t, "GET", "/v1/plans", { token: org.participantToken }), 200).data).toEqual([]);

    await call(t, "POST", `/v1/plans/${p2.id}/cancel`, { token: org.secretKey });
    const cancelled = expectStatus<PlanPage>(await call(t, "GET", "/v1/plans?status=cancelled", { token: org.secretKey }), 200);
    expect(cancelled.data.map((p) => p.id)).toEqual([p2.id]);
    expectProblem(await call(t, "GET", "/v1/plans?status=done", { token: org.secretKey }), 400, "validation_failed");
    expectProblem(await call(t, "GET", "/v1/plans?cursor=nonsense", { token: org.secretKey }), 400, "validation_failed");

    // A participant who left no longer lists the plan.
    await call(t, "DELETE", `/v1/plans/${p1.id}/participants/${ada.participantId}`, { token: ada.token });
    expect(expectStatus<PlanPage>(await call(t, "GET", "/v1/plans", { token: ada.token }), 200).data).toEqual([]);
  });
});

describe("editing plans", () => {
  it("lets organizers edit, merges partial updates, clears with null, and tells the room", async () => {
    const plan = await newPlan(t, a, { votingDeadline: "2030-06-01T00:00:00Z" });
    const r = expectStatus<Plan>(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, {
        token: a.secretKey,
        body: { title: "Porto instead", location: { name: "Porto" }, endDate: null, votingDeadline: null },
      }),
      200,
    );
    expect(r).toMatchObject({
      title: "Porto instead",
      location: { name: "Porto", lat: null, lng: null },
      startDate: "2030-07-01",
      endDate: null,
      votingDeadline: null,
    });
    expect(r.type).toBe(plan.type);
    expect(Date.parse(r.updatedAt)).toBeGreaterThan(Date.parse(plan.updatedAt) - 1);
    await expectPublished(t, `plan:${plan.id}`, { type: "plan.updated", data: { plan: broadcast(r) } });
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200)).toEqual(r);
  });

  it("judges the merged plan: an end before the stored start, or hidden votes without a deadline, are refused", async () => {
    const plan = await newPlan(t, a);
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { endDate: "2030-06-01" } }),
      400,
      "validation_failed",
    );
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { hideVotesUntilDeadline: true } }),
      400,
      "validation_failed",
    );
    expectProblem(await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: {} }), 400, "validation_failed");
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { currency: "USD" } }),
      400,
      "validation_failed",
    );
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200)).toEqual(plan);
  });

  it("refuses turning on one-yes-per-participant once votes were cast (voting_options_locked)", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    // Votes belong to the proposals routes; write one directly.
    const at = t.deps.now!();
    await t.deps.db
      .insert(proposals)
      .values({ id: "prop_votelock000000000001", orgId: a.org.id, planId: plan.id, title: "Sail", createdAt: at, updatedAt: at });
    await t.deps.db.insert(votes).values({
      id: "vote_votelock000000000001",
      orgId: a.org.id,
      planId: plan.id,
      proposalId: "prop_votelock000000000001",
      participantId: ada.participantId,
      value: "yes",
      createdAt: at,
      updatedAt: at,
    });
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { oneYesPerParticipant: true } }),
      409,
      "voting_options_locked",
    );
  });

  it("refuses participants (organizer_required), outsiders (not_a_participant) and closed plans (plan_not_open)", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    expectProblem(await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: ada.token, body: { title: "Mine" } }), 403, "organizer_required");
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.participantToken, body: { title: "Mine" } }),
      403,
      "not_a_participant",
    );
    await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: a.secretKey });
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { title: "Too late" } }),
      409,
      "plan_not_open",
    );
  });

  it("applies concurrent edits one after another: none is lost or half-applied", async () => {
    const plan = await newPlan(t, a);
    const titles = Array.from({ length: 12 }, (_, i) => `Title ${i}`);
    const results = await Promise.all(
      titles.map((title) => call(t, "PATCH", `/v1/plans/${plan.id}`, { token: a.secretKey, body: { title } })),
    );
    for (const r of results) expect(r.status).toBe(200);
    const final = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200);
    // One update event per edit, each with its own updatedAt; the latest is exactly the stored plan.
    const updates = (await planEvents(t, plan))
      .filter((e) => e.type === "plan.updated")
      .map((e) => (e.data as { plan: Plan }).plan)
      .filter((p) => p.updatedAt !== plan.updatedAt || p.title !== plan.title);
    expect(updates.length).toBe(12);
    expect(new Set(updates.map((p) => p.updatedAt)).size).toBe(12);
    expect(new Set(updates.map((p) => p.title))).toEqual(new Set(titles));
    const latest = updates.reduce((x, y) => (Date.parse(y.updatedAt) > Date.parse(x.updatedAt) ? y : x));
    expect(latest).toEqual(broadcast(final));
  });
});

describe("lifecycle", () => {
  const transition = (planId: string, action: "complete" | "cancel", token = a.secretKey) =>
    call(t, "POST", `/v1/plans/${planId}/${action}`, { token });

  it("completes a finalized plan and cancels a planning or finalized one, telling the room", async () => {
    const finalized = await newPlan(t, a);
    await forceStatus(finalized.id, "finalized");
    const done = expectStatus<Plan>(await transition(finalized.id, "complete"), 200);
    expect(done).toMatchObject({ status: "completed", completedAt: expect.any(String), cancelledAt: null });
    await expectPublished(t, `plan:${finalized.id}`, { type: "plan.updated", data: { plan: broadcast(done) } });

    for (const from of ["planning", "finalized"] as const) {
      const plan = await newPlan(t, a);
      await forceStatus(plan.id, from);
      const cancelled = expectStatus<Plan>(await transition(plan.id, "cancel"), 200);
      expect(cancelled).toMatchObject({ status: "cancelled", cancelledAt: expect.any(String), completedAt: null });
    }
  });

  it("refuses every illegal transition with 409 invalid_plan_transition and changes nothing", async () => {
    const legal: Record<"complete" | "cancel", PlanStatus[]> = { complete: ["finalized"], cancel: ["planning", "finalized"] };
    let illegal = 0;
    for (const action of ["complete", "cancel"] as const) {
      for (const from of PLAN_STATUSES) {
        if (legal[action].includes(from)) continue;
        const plan = await newPlan(t, a);
        await forceStatus(plan.id, from);
        const before = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200);
        const p = expectProblem(await transition(plan.id, action), 409, "invalid_plan_transition");
        expect(p.detail).toContain(from);
        expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200)).toEqual(before);
        expect((await planEvents(t, plan)).filter((e) => e.type === "plan.updated").length).toBe(1); // only the creation
        illegal++;
      }
    }
    expect(illegal).toBe(5); // complete from planning/completed/cancelled, cancel from completed/cancelled
  });

  it("lets only organizers change the status", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    expectProblem(await transition(plan.id, "cancel", ada.token), 403, "organizer_required");
    expectProblem(await transition(plan.id, "cancel", a.participantToken), 403, "not_a_participant");
    expectProblem(await transition(plan.id, "cancel", b.secretKey), 404, "not_found");
    const organizer = await createParticipantToken(t, a.secretKey);
    const own = await newPlan(t, a, { as: organizer.token });
    expect(expectStatus<Plan>(await transition(own.id, "cancel", organizer.token), 200).status).toBe("cancelled");
  });

  it("lets exactly one of many concurrent complete/cancel requests win", async () => {
    const plan = await newPlan(t, a);
    await forceStatus(plan.id, "finalized");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => transition(plan.id, i % 2 ? "complete" : "cancel")));
    const won = results.filter((r) => r.status === 200);
    expect(won.length).toBe(1);
    for (const r of results) if (r.status !== 200) expect(r.body.code).toBe("invalid_plan_transition");
    const final = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200);
    expect(final.status).toBe((won[0]!.body as Plan).status);
    expect((await planEvents(t, plan)).filter((e) => e.type === "plan.updated").length).toBe(2);
  });
});

describe("plan rooms", () => {
  const ask = (token: string, room: string, headers: Record<string, string> = {}) =>
    call(t, "POST", "/v1/realtime/tokens", { token, headers, body: { room } });

  it("lets the plan's readers join its room, and nobody else", async () => {
    const plan = await newPlan(t, a);
    const room = `plan:${plan.id}`;
    const ada = await joinPlan(t, a, plan, "Ada");
    for (const token of [ada.token, a.secretKey, a.ownerToken]) {
      expect(expectStatus<RoomToken>(await ask(token, room), 201).room).toBe(room);
    }
    expectProblem(await ask(a.participantToken, room), 403, "not_a_participant");
    expectProblem(await ask(a.publishableKey, room, { origin: TEST_ORIGIN }), 403, "permission_denied");
    expectProblem(await ask(b.secretKey, room), 404, "not_found");
    expectProblem(await ask(b.participantToken, room), 404, "not_found");
    // Removed: out of the room too.
    await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token: a.secretKey });
    expectProblem(await ask(ada.token, room), 403, "not_a_participant");
  });
});

describe("tenant isolation", () => {
  it("answers 404 for another organization's plan on every plan route", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    for (const token of [b.secretKey, b.ownerToken, b.participantToken]) {
      expectProblem(await call(t, "GET", `/v1/plans/${plan.id}`, { token }), 404, "not_found");
      expectProblem(await call(t, "PATCH", `/v1/plans/${plan.id}`, { token, body: { title: "Mine" } }), 404, "not_found");
      expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/complete`, { token }), 404, "not_found");
      expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token }), 404, "not_found");
      expectProblem(await call(t, "GET", `/v1/plans/${plan.id}/participants`, { token }), 404, "not_found");
      expectProblem(
        await call(t, "POST", `/v1/plans/${plan.id}/participants`, { token, body: { participantId: ada.participantId } }),
        404,
        "not_found",
      );
      expectProblem(
        await call(t, "PATCH", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token, body: { role: "organizer" } }),
        404,
        "not_found",
      );
      expectProblem(await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token }), 404, "not_found");
    }
    expect(expectStatus<PlanPage>(await call(t, "GET", "/v1/plans", { token: b.secretKey }), 200).data.map((p) => p.id)).not.toContain(
      plan.id,
    );
    // a's participant token cannot reach into b either, even for b's plans it could name.
    const bPlan = await newPlan(t, b);
    expectProblem(await call(t, "GET", `/v1/plans/${bPlan.id}`, { token: ada.token }), 404, "not_found");
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200).title).toBe(plan.title);
  });
});

/** A plan as its room hears it: no secret, so no calendar feed URL (readers fetch it). */
function broadcast(plan: Plan): Plan {
  return { ...plan, calendarUrl: null };
}
