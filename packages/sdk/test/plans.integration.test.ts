import type { PublishedEvent } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg, TEST_ORIGIN, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { PLAN_DEFAULTS } from "../../../apps/api/test/plan-fixtures.js";
import {
  ConflictError,
  type Fetch,
  Gatherkit,
  type Invite,
  type JoinPlanResult,
  PermissionDeniedError,
  type Plan,
  type Proposal,
} from "../src/index.js";

// The Plans part of the SDK against the real API in process, as the people of one trip:
// staff on a server (secret key), the organizer (a participant token the host minted), and
// Grace, who follows an invite link on the host's page (publishable key) and joins.
const BASE = "http://api.test";
let t: TestApp;
let org: TestOrg;
let staff: Gatherkit;
let host: Gatherkit; // the plan's organizer
let hostId: string;
let page: Gatherkit; // the host's web page: publishable key, sent from TEST_ORIGIN like a browser would
let grace: Gatherkit;
let graceId: string;
let plan: Plan;
let invite: Invite;
let sailing: Proposal;
let fado: Proposal;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  staff = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: org.secretKey });
  host = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: org.participantToken });
  hostId = org.participant.id;
  const fromPage: Fetch = (url, init) =>
    t.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), origin: TEST_ORIGIN } });
  page = new Gatherkit({ baseUrl: BASE, fetch: fromPage, publishableKey: org.publishableKey });
});
afterAll(() => t.close());

const types = (events: { room: string; event: PublishedEvent }[]) =>
  events.filter((e) => e.room === `plan:${plan.id}`).map((e) => e.event.type);

describe("a trip through the SDK", () => {
  it("staff create, edit and list a plan with an organizer", async () => {
    plan = await staff.plans.create({ ...PLAN_DEFAULTS, organizerParticipantId: hostId }); // a trip in Lisbon, EUR
    expect(plan).toMatchObject({ type: "trip", status: "planning", currency: "EUR", description: "", startDate: PLAN_DEFAULTS.startDate });
    expect(plan.calendarUrl).toMatch(new RegExp(`^${BASE}/v1/plans/${plan.id}/calendar\\.ics\\?token=`));

    expect(await host.plans.update(plan.id, { description: "Sun and fado" })).toMatchObject({ id: plan.id, description: "Sun and fado" });
    expect((await staff.plans.retrieve(plan.id)).description).toBe("Sun and fado");
    expect((await staff.plans.list({ status: "planning" })).data.map((p) => p.id)).toContain(plan.id);
    expect((await staff.plans.list({ status: "finalized" })).data).toEqual([]);
    await expect(page.plans.list()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it("invites: create, list, preview and join from a page with a publishable key", async () => {
    invite = await host.plans.invites.create(plan.id, { maxUses: 2 });
    expect(invite).toMatchObject({ planId: plan.id, status: "active", uses: 0, maxUses: 2 });
    expect((await staff.plans.invites.list(plan.id)).data.map((i) => i.id)).toEqual([invite.id]);

    const preview = await page.invites.retrieve(invite.code);
    expect(preview).toMatchObject({ code: invite.code, status: "active", plan: { id: plan.id, title: plan.title }, participantCount: 1 });

    const joined: JoinPlanResult = await page.invites.join(invite.code, { name: "Grace", email: "Grace@Example.com" });
    expect(joined.token).toMatch(/^gk_pt_/);
    expect(joined.plan.id).toBe(plan.id);
    expect(joined.participant).toMatchObject({ name: "Grace", role: "participant", email: "grace@example.com" });
    graceId = joined.participant.participantId;

    // The page hands the token to a client of its own, which now acts as Grace.
    grace = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: joined.token });
    expect((await grace.plans.retrieve(plan.id)).title).toBe(plan.title);
    expect((await grace.plans.list()).data.map((p) => p.id)).toEqual([plan.id]);
    // Joining again with her token answers her membership without using the link again.
    expect((await grace.invites.join(invite.code)).participant.participantId).toBe(graceId);
    expect((await host.plans.invites.list(plan.id)).data[0]?.uses).toBe(1);
  });

  it("participants: list, add, promote, demote, leave", async () => {
    const names = async (gk: Gatherkit) => (await gk.plans.participants.list(plan.id)).data.map((p) => [p.name, p.role, p.email]);
    expect((await names(host)).sort()).toEqual([
      ["Grace", "participant", "grace@example.com"],
      ["Test Participant", "organizer", null],
    ]);
    // Grace sees her own email only.
    expect((await names(grace)).find(([n]) => n === "Test Participant")?.[2]).toBeNull();

    const minted = await staff.participantTokens.create({ externalId: "user_ada", name: "Ada" });
    const added = await staff.plans.participants.add(plan.id, { participantId: minted.participant.id });
    expect(added).toMatchObject({ participantId: minted.participant.id, role: "participant", removedAt: null });
    expect((await staff.plans.participants.update(plan.id, minted.participant.id, { role: "organizer" })).role).toBe("organizer");
    expect((await host.plans.participants.update(plan.id, minted.participant.id, { role: "participant" })).role).toBe("participant");

    const ada = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: minted.token });
    await ada.plans.participants.remove(plan.id, minted.participant.id); // leaves
    expect((await host.plans.participants.list(plan.id)).data.map((p) => p.name).sort()).toEqual(["Grace", "Test Participant"]);
    const all = await host.plans.participants.list(plan.id, { includeRemoved: true });
    expect(all.data.find((p) => p.name === "Ada")?.removedAt).not.toBeNull();
    // The last organizer cannot be demoted.
    await expect(staff.plans.participants.update(plan.id, hostId, { role: "participant" })).rejects.toMatchObject({
      status: 409,
      code: "last_organizer",
    });
  });

  it("proposals: a participant proposes in a trip; edit, reject, reopen, list by status", async () => {
    sailing = await grace.plans.proposals.create(plan.id, {
      title: "Sunset sailing",
      startsAt: "2030-07-02T18:00:00Z",
      endsAt: "2030-07-02T20:00:00Z",
      cost: { kind: "per_person", amount: 4500, currency: "EUR" },
      capacity: 4,
      paidByParticipantId: hostId,
    });
    expect(sailing).toMatchObject({ status: "proposed", createdByParticipantId: graceId, takenCount: 0, myVote: null, committed: false });
    fado = await host.plans.proposals.create(plan.id, { title: "Fado night", startsAt: "2030-07-03T21:00:00Z" });

    expect((await grace.plans.proposals.update(plan.id, sailing.id, { description: "Two hours on the Tagus" })).description).toBe(
      "Two hours on the Tagus",
    );
    expect((await host.plans.proposals.reject(plan.id, fado.id)).status).toBe("rejected");
    expect((await grace.plans.proposals.list(plan.id, { status: "rejected" })).data.map((p) => p.id)).toEqual([fado.id]);
    expect((await host.plans.proposals.reopen(plan.id, fado.id)).status).toBe("proposed");
    expect((await grace.plans.proposals.retrieve(plan.id, fado.id)).status).toBe("proposed");
    await expect(grace.plans.proposals.reject(plan.id, sailing.id)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it("votes, commitments and tallies", async () => {
    const mine = await grace.plans.proposals.vote(plan.id, sailing.id, { value: "yes" });
    expect(mine.vote).toMatchObject({ proposalId: sailing.id, participantId: graceId, value: "yes" });
    expect(mine.tally).toMatchObject({ yes: 1, total: 1 });
    await host.plans.proposals.vote(plan.id, sailing.id, { value: "maybe" });
    await host.plans.proposals.vote(plan.id, sailing.id, { value: "yes" }); // replaces
    await grace.plans.proposals.vote(plan.id, fado.id, { value: "no" });
    await grace.plans.proposals.unvote(plan.id, fado.id);
    await host.plans.proposals.vote(plan.id, fado.id, { value: "maybe" });

    expect((await grace.plans.proposals.retrieve(plan.id, sailing.id)).myVote).toBe("yes");
    expect((await grace.plans.proposals.retrieve(plan.id, fado.id)).myVote).toBeNull();
    const { data } = await grace.plans.tallies(plan.id);
    expect(data).toEqual([
      { proposalId: sailing.id, yes: 2, maybe: 0, no: 0, total: 2, hidden: false },
      { proposalId: fado.id, yes: 0, maybe: 1, no: 0, total: 1, hidden: false },
    ]);

    expect(await grace.plans.proposals.commit(plan.id, sailing.id)).toMatchObject({ committed: true, takenCount: 1 });
    expect(await host.plans.proposals.commit(plan.id, sailing.id)).toMatchObject({ committed: true, takenCount: 2 });
    expect(await host.plans.proposals.commit(plan.id, fado.id)).toMatchObject({ takenCount: 1 });
    await host.plans.proposals.uncommit(plan.id, fado.id);
    expect((await host.plans.proposals.retrieve(plan.id, fado.id)).takenCount).toBe(0);
  });

  it("finalize keeps the top-voted proposal; voting closes; the calendar lists the itinerary", async () => {
    const finalized = await host.plans.finalize(plan.id, { mode: "top_voted", count: 1 });
    expect(finalized).toMatchObject({ id: plan.id, status: "finalized" });
    expect(finalized.finalizedAt).not.toBeNull();
    expect((await grace.plans.proposals.list(plan.id, { status: "selected" })).data.map((p) => p.id)).toEqual([sailing.id]);
    expect((await grace.plans.proposals.retrieve(plan.id, fado.id)).status).toBe("rejected");
    const closed = await grace.plans.proposals.vote(plan.id, sailing.id, { value: "no" }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(ConflictError);
    expect(closed).toMatchObject({ code: "voting_closed" });

    const ics = await t.fetch(finalized.calendarUrl!);
    expect(ics.headers.get("content-type")).toMatch(/^text\/calendar/);
    const body = await ics.text();
    expect(body).toContain("SUMMARY:Sunset sailing");
    expect(body).toContain("DTSTART:20300702T180000Z");
    expect(body).not.toContain("Fado night");
  });

  it("expenses, balances and payments settle everyone up", async () => {
    const taxi = await grace.plans.expenses.create(plan.id, {
      description: "Taxi",
      amount: 3000,
      currency: "EUR",
      split: { mode: "equal" },
    });
    expect(taxi).toMatchObject({ paidByParticipantId: graceId, recordedByParticipantId: graceId, amount: 3000 });
    expect([...taxi.shares].sort((a, b) => a.participantId.localeCompare(b.participantId))).toEqual(
      [
        { participantId: graceId, amount: 1500 },
        { participantId: hostId, amount: 1500 },
      ].sort((a, b) => a.participantId.localeCompare(b.participantId)),
    );
    const oops = await host.plans.expenses.create(plan.id, {
      description: "Typo",
      amount: 1,
      currency: "EUR",
      split: { mode: "exact", amounts: [{ participantId: hostId, amount: 1 }] },
    });
    const fixed = await host.plans.expenses.update(plan.id, oops.id, {
      description: "Typo fixed",
      amount: 2,
      currency: "EUR",
      split: { mode: "exact", amounts: [{ participantId: hostId, amount: 2 }] },
    });
    expect(fixed).toMatchObject({ id: oops.id, description: "Typo fixed", amount: 2, shares: [{ participantId: hostId, amount: 2 }] });
    await host.plans.expenses.del(plan.id, oops.id);
    expect((await grace.plans.expenses.list(plan.id)).data.map((e) => e.id)).toEqual([taxi.id]);

    // Sailing: 45.00 each for the two who committed, paid by the host; the taxi: 15.00 each, paid by Grace.
    const before = await grace.plans.balances(plan.id);
    expect(before.currency).toBe("EUR");
    expect(before.transfers).toEqual([{ fromParticipantId: graceId, toParticipantId: hostId, amount: 3000 }]);
    expect(before.balances.find((b) => b.participantId === graceId)).toMatchObject({ paid: 3000, share: 6000, net: -3000, status: "owes" });

    const sent = await grace.plans.payments.create(plan.id, {
      toParticipantId: hostId,
      amount: 3000,
      currency: "EUR",
      note: "Sailing and taxi",
    });
    expect(sent).toMatchObject({ fromParticipantId: graceId, status: "pending" });
    expect((await grace.plans.balances(plan.id)).balances.find((b) => b.participantId === graceId)?.status).toBe("paid");
    expect((await host.plans.payments.update(plan.id, sent.id, { status: "received" })).status).toBe("received");
    expect((await host.plans.payments.list(plan.id)).data.map((p) => [p.id, p.status])).toEqual([[sent.id, "received"]]);

    const after = await host.plans.balances(plan.id);
    expect(after.transfers).toEqual([]);
    expect(after.balances.map((b) => b.status)).toEqual(["settled", "settled"]);
  });

  it("chat: post, edit, delete, newest first", async () => {
    const hi = await grace.plans.messages.create(plan.id, { body: "Boat at 7?" });
    expect(hi).toMatchObject({ authorParticipantId: graceId, authorName: "Grace", body: "Boat at 7?", editedAt: null });
    const reply = await host.plans.messages.create(plan.id, { body: "Yes, pier 3" });
    expect((await grace.plans.messages.update(plan.id, hi.id, { body: "Boat at 7pm?" })).editedAt).not.toBeNull();
    await expect(host.plans.messages.update(plan.id, hi.id, { body: "hijacked" })).rejects.toBeInstanceOf(PermissionDeniedError);
    await host.plans.messages.del(plan.id, hi.id); // an organizer may delete
    await expect(grace.plans.messages.del(plan.id, hi.id)).rejects.toMatchObject({ status: 409, code: "message_deleted" });

    const spam = await grace.plans.messages.create(plan.id, { body: "spam" });
    expect((await host.plans.messages.hide(plan.id, spam.id)).hiddenAt).not.toBeNull();
    expect((await grace.plans.messages.list(plan.id)).data.map((m) => m.id)).not.toContain(spam.id);
    expect((await host.plans.messages.unhide(plan.id, spam.id)).hiddenAt).toBeNull();
    await host.plans.messages.del(plan.id, spam.id);

    const walked: (string | null)[] = [];
    for await (const m of grace.plans.messages.list(plan.id, { limit: 1 })) walked.push(m.body);
    expect(walked).toEqual([null, "Yes, pier 3", null]);
    expect((await grace.plans.messages.list(plan.id)).data.map((m) => m.id)).toEqual([spam.id, reply.id, hi.id]);
  });

  it("revoke the invite, complete the plan, cancel another", async () => {
    expect((await host.plans.invites.revoke(plan.id, invite.id)).status).toBe("revoked");
    expect((await page.invites.retrieve(invite.code)).status).toBe("revoked");
    await expect(page.invites.join(invite.code, { name: "Late" })).rejects.toMatchObject({ status: 409, code: "invite_revoked" });

    expect((await staff.plans.complete(plan.id)).status).toBe("completed");
    const other = await grace.plans.create({ type: "event", title: "Grace's party", timeZone: "Europe/Lisbon", currency: "EUR" });
    expect((await grace.plans.participants.list(other.id)).data).toMatchObject([{ participantId: graceId, role: "organizer" }]);
    expect((await grace.plans.cancel(other.id)).status).toBe("cancelled");
    await expect(grace.plans.complete(other.id)).rejects.toMatchObject({ status: 409, code: "invalid_plan_transition" });
  });

  it("every change reached the plan's room as the typed events gk.plans.subscribe dispatches", async () => {
    await expect
      .poll(() => new Set(types(t.published)), { timeout: 5_000, interval: 20 })
      .toEqual(
        new Set([
          "plan.updated",
          "plan.participant_changed",
          "plan.proposal_changed",
          "plan.tally_changed",
          "plan.finalized",
          "plan.expense_changed",
          "plan.payment_changed",
          "plan.message_changed",
        ]),
      );
  });
});
