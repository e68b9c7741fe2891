import type { Plan, PlanParticipant } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createParticipantToken,
  expectProblem,
  expectPublished,
  expectStatus,
  TEST_ORIGIN,
  type TestOrg,
  twoOrgs,
} from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan, planEvents, promote } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

type Page = { data: PlanParticipant[]; nextCursor: string | null };
const list = (plan: Plan, token: string, query = "") => call(t, "GET", `/v1/plans/${plan.id}/participants${query}`, { token });
const setRole = (plan: Plan, participantId: string, role: "organizer" | "participant", token = a.secretKey) =>
  call(t, "PATCH", `/v1/plans/${plan.id}/participants/${participantId}`, { token, body: { role } });
const remove = (plan: Plan, participantId: string, token = a.secretKey) =>
  call(t, "DELETE", `/v1/plans/${plan.id}/participants/${participantId}`, { token });

/** A plan organized by a participant (Olga), with Ada and Bob joined through links. */
async function planWithPeople() {
  const olga = await createParticipantToken(t, a.secretKey, { name: "Olga", email: "olga@example.com" });
  const plan = await newPlan(t, a, { as: olga.token });
  const ada = await joinPlan(t, a, plan, "Ada", "ada@example.com");
  const bob = await joinPlan(t, a, plan, "Bob", "bob@example.com");
  return { plan, olga: { participantId: olga.participant.id, token: olga.token }, ada, bob };
}

describe("listing participants", () => {
  it("lists the plan's people newest first; emails only to organizers and to each person for themself", async () => {
    const { plan, olga, ada, bob } = await planWithPeople();
    const asStaff = expectStatus<Page>(await list(plan, a.secretKey), 200);
    expect(asStaff.data.map((p) => [p.name, p.role, p.email])).toEqual([
      ["Bob", "participant", "bob@example.com"],
      ["Ada", "participant", "ada@example.com"],
      ["Olga", "organizer", "olga@example.com"],
    ]);
    expect(expectStatus<Page>(await list(plan, olga.token), 200).data.map((p) => p.email)).toEqual([
      "bob@example.com",
      "ada@example.com",
      "olga@example.com",
    ]);
    expect(expectStatus<Page>(await list(plan, ada.token), 200).data.map((p) => p.email)).toEqual([null, "ada@example.com", null]);

    const first = expectStatus<Page>(await list(plan, bob.token, "?limit=2"), 200);
    expect(first.data.map((p) => p.name)).toEqual(["Bob", "Ada"]);
    expect(expectStatus<Page>(await list(plan, bob.token, `?limit=2&cursor=${first.nextCursor}`), 200)).toMatchObject({
      data: [{ name: "Olga" }],
      nextCursor: null,
    });
    expectProblem(await list(plan, a.participantToken), 403, "not_a_participant");
    expectProblem(await list(plan, a.secretKey, "?includeRemoved=yes"), 400, "validation_failed");
  });

  it("leaves removed people out unless asked for them", async () => {
    const { plan, ada } = await planWithPeople();
    expect((await remove(plan, ada.participantId)).status).toBe(204);
    expect(expectStatus<Page>(await list(plan, a.secretKey), 200).data.map((p) => p.name)).toEqual(["Bob", "Olga"]);
    const all = expectStatus<Page>(await list(plan, a.secretKey, "?includeRemoved=true"), 200);
    expect(all.data.map((p) => [p.name, p.removedAt === null])).toEqual([
      ["Bob", true],
      ["Ada", false],
      ["Olga", true],
    ]);
  });
});

describe("promoting and demoting", () => {
  it("lets organizers promote a participant to co-organizer, who then has organizer powers, and tells the room", async () => {
    const { plan, olga, ada, bob } = await planWithPeople();
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: ada.token, body: {} }), 403, "organizer_required");
    const promoted = expectStatus<PlanParticipant>(await setRole(plan, ada.participantId, "organizer", olga.token), 200);
    expect(promoted).toMatchObject({ participantId: ada.participantId, role: "organizer", email: "ada@example.com" });
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: ada.token, body: {} }), 201);
    expectStatus(await setRole(plan, bob.participantId, "organizer", ada.token), 200);
    await expectPublished(t, `plan:${plan.id}`, {
      type: "plan.participant_changed",
      data: { planId: plan.id, participantId: ada.participantId, name: "Ada", role: "organizer", removed: false },
    });
  });

  it("refuses participants (organizer_required) and outsiders (not_a_participant)", async () => {
    const { plan, ada, bob } = await planWithPeople();
    expectProblem(await setRole(plan, ada.participantId, "organizer", ada.token), 403, "organizer_required");
    expectProblem(await setRole(plan, bob.participantId, "organizer", ada.token), 403, "organizer_required");
    expectProblem(await setRole(plan, bob.participantId, "organizer", a.participantToken), 403, "not_a_participant");
    expectProblem(await setRole(plan, a.participant.id, "organizer"), 404, "not_found");
    const p = expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}/participants/${bob.participantId}`, { token: a.secretKey, body: { role: "owner" } }),
      400,
      "validation_failed",
    );
    expect(p.errors?.[0]?.path).toBe("body.role");
  });

  it("never leaves the plan without an organizer (last_organizer), even when two demote each other at once", async () => {
    const { plan, olga, ada } = await planWithPeople();
    expectProblem(await setRole(plan, olga.participantId, "participant"), 409, "last_organizer");
    await promote(t, a, plan, ada.participantId);
    expect(expectStatus<PlanParticipant>(await setRole(plan, olga.participantId, "participant", ada.token), 200).role).toBe("participant");
    expectProblem(await setRole(plan, ada.participantId, "participant", ada.token), 409, "last_organizer");
    await promote(t, a, plan, olga.participantId);

    // Olga and Ada demote each other (and themselves) at the same moment: one organizer remains.
    const results = await Promise.all([
      setRole(plan, ada.participantId, "participant", olga.token),
      setRole(plan, olga.participantId, "participant", ada.token),
      setRole(plan, olga.participantId, "participant", olga.token),
      setRole(plan, ada.participantId, "participant", ada.token),
    ]);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    // The losers find the last organizer (409), or that they were demoted first (403).
    for (const r of results) if (r.status !== 200) expect(["last_organizer", "organizer_required"]).toContain(r.body.code);
    const organizers = expectStatus<Page>(await list(plan, a.secretKey), 200).data.filter((p) => p.role === "organizer");
    expect(organizers.length).toBe(1);
  });
});

describe("removing and leaving", () => {
  it("lets an organizer remove someone, who loses access and is announced as removed", async () => {
    const { plan, olga, bob } = await planWithPeople();
    expect((await remove(plan, bob.participantId, olga.token)).status).toBe(204);
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}`, { token: bob.token }), 403, "not_a_participant");
    expectProblem(await remove(plan, olga.participantId, bob.token), 403, "not_a_participant");
    await expectPublished(t, `plan:${plan.id}`, {
      type: "plan.participant_changed",
      data: { planId: plan.id, participantId: bob.participantId, name: "Bob", role: "participant", removed: true },
    });
    // Removing again changes nothing and announces nothing.
    const before = (await planEvents(t, plan)).length;
    expect((await remove(plan, bob.participantId)).status).toBe(204);
    expect((await planEvents(t, plan)).length).toBe(before);
    expectProblem(await remove(plan, a.participant.id), 404, "not_found");
  });

  it("lets a participant leave, but not remove others; the last organizer cannot leave", async () => {
    const { plan, olga, ada, bob } = await planWithPeople();
    expectProblem(await remove(plan, bob.participantId, ada.token), 403, "organizer_required");
    expect((await remove(plan, ada.participantId, ada.token)).status).toBe(204);
    expectProblem(await remove(plan, olga.participantId, olga.token), 409, "last_organizer");
    expectProblem(await remove(plan, olga.participantId), 409, "last_organizer");
    await promote(t, a, plan, bob.participantId);
    expect((await remove(plan, olga.participantId, olga.token)).status).toBe(204);
    expect(expectStatus<Page>(await list(plan, bob.token), 200).data.map((p) => [p.name, p.role])).toEqual([["Bob", "organizer"]]);
  });

  it("lets only one of two last organizers leave when both try at once", async () => {
    const { plan, olga, ada } = await planWithPeople();
    await promote(t, a, plan, ada.participantId);
    const [r1, r2] = await Promise.all([remove(plan, olga.participantId, olga.token), remove(plan, ada.participantId, ada.token)]);
    expect([r1.status, r2.status].sort()).toEqual([204, 409]);
    expect([r1, r2].find((r) => r.status === 409)?.body.code).toBe("last_organizer");
    expect(expectStatus<Page>(await list(plan, a.secretKey), 200).data.filter((p) => p.role === "organizer").length).toBe(1);
  });
});

describe("adding participants directly", () => {
  it("lets organizers add a participant of the organization by id, and restore someone removed", async () => {
    const { plan, olga, bob } = await planWithPeople();
    const henry = await createParticipantToken(t, a.secretKey, { name: "Henry", externalId: "host-henry" });
    const added = expectStatus<PlanParticipant>(
      await call(t, "POST", `/v1/plans/${plan.id}/participants`, { token: olga.token, body: { participantId: henry.participant.id } }),
      201,
    );
    expect(added).toMatchObject({ participantId: henry.participant.id, name: "Henry", role: "participant", removedAt: null });
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: henry.token }), 200).id).toBe(plan.id);
    // Adding again answers the same membership.
    const again = expectStatus<PlanParticipant>(
      await call(t, "POST", `/v1/plans/${plan.id}/participants`, {
        token: a.secretKey,
        body: { participantId: henry.participant.id, role: "organizer" },
      }),
      201,
    );
    expect(again).toEqual(added);

    await remove(plan, bob.participantId);
    const restored = expectStatus<PlanParticipant>(
      await call(t, "POST", `/v1/plans/${plan.id}/participants`, {
        token: a.secretKey,
        body: { participantId: bob.participantId, role: "organizer" },
      }),
      201,
    );
    expect(restored).toMatchObject({ participantId: bob.participantId, role: "organizer", removedAt: null });
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: bob.token }), 200).id).toBe(plan.id);
  });

  it("refuses participants, unknown ids and other organizations' participants", async () => {
    const { plan, ada } = await planWithPeople();
    const add = (participantId: string, token = a.secretKey) =>
      call(t, "POST", `/v1/plans/${plan.id}/participants`, { token, body: { participantId } });
    expectProblem(await add(a.participant.id, ada.token), 403, "organizer_required");
    expectProblem(await add("ptc_00000000000000000000"), 422, "unknown_participant");
    expectProblem(await add(b.participant.id), 422, "unknown_participant");
    expectProblem(await add("pp_00000000000000000000"), 400, "validation_failed");
  });
});

describe("who am I in a plan (GET /v1/plans/{planId}/me)", () => {
  type Viewer = { participantId: string | null; role: "organizer" | "participant" | null; staff: boolean };
  const me = (plan: Plan, token: string) => call(t, "GET", `/v1/plans/${plan.id}/me`, { token });

  it("answers staff, organizers, participants, outsiders and removed participants without an error", async () => {
    const { plan, olga, ada, bob } = await planWithPeople();
    for (const token of [a.secretKey, a.ownerToken]) {
      expect(expectStatus<Viewer>(await me(plan, token), 200)).toEqual({ participantId: null, role: "organizer", staff: true });
    }
    expect(expectStatus<Viewer>(await me(plan, olga.token), 200)).toEqual({
      participantId: olga.participantId,
      role: "organizer",
      staff: false,
    });
    expect(expectStatus<Viewer>(await me(plan, ada.token), 200)).toEqual({
      participantId: ada.participantId,
      role: "participant",
      staff: false,
    });

    const outsider = await createParticipantToken(t, a.secretKey, { name: "Otto" });
    expect(expectStatus<Viewer>(await me(plan, outsider.token), 200)).toEqual({
      participantId: outsider.participant.id,
      role: null,
      staff: false,
    });

    expectStatus(await remove(plan, bob.participantId), 204);
    expect(expectStatus<Viewer>(await me(plan, bob.token), 200)).toEqual({ participantId: bob.participantId, role: null, staff: false });
    await setRole(plan, ada.participantId, "organizer", olga.token);
    expect(expectStatus<Viewer>(await me(plan, ada.token), 200)).toMatchObject({ role: "organizer" });
  });

  it("refuses a publishable key alone and another organization's caller", async () => {
    const { plan } = await planWithPeople();
    expectProblem(
      await call(t, "GET", `/v1/plans/${plan.id}/me`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await me(plan, b.secretKey), 404, "not_found");
  });
});
