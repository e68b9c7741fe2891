import type { Invite, InvitePreview, JoinPlanResult, Plan, PlanParticipant } from "@gatherkit/core";
import { localMessages, outbox, planInvites, planParticipants, plans } from "@gatherkit/db";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createParticipantToken,
  createPublishableKey,
  expectProblem,
  expectPublished,
  expectStatus,
  newOrg,
  TEST_ORIGIN,
  type TestOrg,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { joinPlan, joinRequest, newInvite, newPlan, planEvents } from "../../../../test/plan-fixtures.js";
import { deliverOutbox } from "../../../lib/outbox.js";
import { INVITE_EMAIL_SUBJECT } from "./invites.email.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
/** The API's clock: tests move it to expire invites. Stays near real time so tokens keep verifying. */
let clock = Date.now();
beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const HOUR = 60 * 60 * 1000;
const createPublishableKeyFor = (org: TestOrg, origin: string) => createPublishableKey(t, org.secretKey, [origin]);
const uses = async (inviteId: string) =>
  (await t.deps.db.select({ uses: planInvites.uses }).from(planInvites).where(eq(planInvites.id, inviteId)))[0]?.uses;
const activeMembers = async (planId: string) =>
  t.deps.db
    .select()
    .from(planParticipants)
    .where(and(eq(planParticipants.planId, planId), isNull(planParticipants.removedAt)));

describe("creating and listing invites", () => {
  it("creates shareable links for organizers, with optional expiry and max uses, listed newest first", async () => {
    const plan = await newPlan(t, a);
    const open = await newInvite(t, a, plan);
    expect(open).toMatchObject({
      planId: plan.id,
      email: null,
      expiresAt: null,
      maxUses: null,
      uses: 0,
      revokedAt: null,
      status: "active",
    });
    expect(open.id).toMatch(/^inv_/);
    expect(open.code).toMatch(/^[0-9a-z]{22}$/);
    // The test clock stands still: move it so "newest first" has a newest (ties order by random id).
    clock += 1;
    const expiresAt = new Date(clock + HOUR).toISOString();
    const limited = await newInvite(t, a, plan, { expiresAt, maxUses: 3 });
    expect(limited).toMatchObject({ expiresAt, maxUses: 3, status: "active" });

    const page = expectStatus<{ data: Invite[]; nextCursor: string | null }>(
      await call(t, "GET", `/v1/plans/${plan.id}/invites?limit=1`, { token: a.ownerToken }),
      200,
    );
    expect(page.data.map((i) => i.id)).toEqual([limited.id]);
    const rest = expectStatus<{ data: Invite[]; nextCursor: string | null }>(
      await call(t, "GET", `/v1/plans/${plan.id}/invites?limit=1&cursor=${page.nextCursor}`, { token: a.ownerToken }),
      200,
    );
    expect(rest).toEqual({ data: [open], nextCursor: null });
  });

  it("lets an organizer participant invite, refuses plain participants, outsiders and publishable keys", async () => {
    const host = await createParticipantToken(t, a.secretKey, { name: "Olga" });
    const plan = await newPlan(t, a, { as: host.token });
    expect(expectStatus<Invite>(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: host.token, body: {} }), 201).status).toBe(
      "active",
    );
    const ada = await joinPlan(t, a, plan, "Ada");
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: ada.token, body: {} }), 403, "organizer_required");
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}/invites`, { token: ada.token }), 403, "organizer_required");
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: a.participantToken, body: {} }), 403, "not_a_participant");
    expectProblem(
      await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: a.publishableKey, headers: { origin: TEST_ORIGIN }, body: {} }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { body: {} }), 401, "authentication_required");
  });

  it("validates: max uses in range, expiry in the future, personal invites single-use, no unknown fields", async () => {
    const plan = await newPlan(t, a);
    const bad = async (body: unknown, path: string) => {
      const p = expectProblem(
        await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: a.secretKey, body }),
        400,
        "validation_failed",
      );
      expect(p.errors?.map((e) => e.path)).toContain(path);
    };
    await bad({ maxUses: 0 }, "body.maxUses");
    await bad({ maxUses: 10_001 }, "body.maxUses");
    await bad({ expiresAt: "tomorrow" }, "body.expiresAt");
    await bad({ expiresAt: new Date(clock - 1000).toISOString() }, "body.expiresAt");
    await bad({ email: "ada@example.com", maxUses: 2 }, "body.maxUses");
    await bad({ joinUrl: "https://host.example/join" }, "body.joinUrl");
    await bad({ code: "mine" }, "body");
  });

  it("emails a personal, single-use invite through the outbox, sent once by the email provider", async () => {
    const plan = await newPlan(t, a, { title: "Grace's birthday" });
    const invite = await newInvite(t, a, plan, { email: "Grace@Example.com", joinUrl: "https://host.example/join?ref=mail" });
    expect(invite).toMatchObject({ email: "grace@example.com", maxUses: 1, status: "active" });
    const rows = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"));
    const mail = rows
      .map((r) => r.payload as { to: string; subject: string; text: string; data: { code: string; link: string } })
      .find((p) => p.data.code === invite.code);
    expect(mail).toMatchObject({ to: "grace@example.com", subject: INVITE_EMAIL_SUBJECT });
    expect(mail?.text).toContain(`"Grace's birthday"`);
    expect(mail?.data.link).toBe(`https://host.example/join?ref=mail&invite=${invite.code}`);
    expect(mail?.text).toContain(mail?.data.link);
    // The outbox sends it once through the email provider (here the local one, as in `pnpm dev`).
    const row = rows.find((r) => (r.payload as { data: { code: string } }).data.code === invite.code)!;
    expect(row).toMatchObject({ orgId: a.org.id });
    await deliverOutbox(t.deps);
    await deliverOutbox(t.deps);
    const [sent] = await t.deps.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect(sent?.sentAt).not.toBeNull();
    const delivered = await t.deps.db.select().from(localMessages).where(eq(localMessages.idempotencyKey, row.id));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ channel: "email", to: "grace@example.com", subject: INVITE_EMAIL_SUBJECT });
    expect(delivered[0]?.text).toContain(mail?.data.link);

    // The invitee joins with their name; the invite's address becomes theirs, and the link is used up.
    const joined = expectStatus<JoinPlanResult>(await joinRequest(t, a, invite.code, { name: "Grace" }), 201);
    expect(joined.participant).toMatchObject({ name: "Grace", email: "grace@example.com", role: "participant" });
    expectProblem(await joinRequest(t, a, invite.code, { name: "Mallory" }), 409, "invite_exhausted");
  });
});

describe("joining", () => {
  it("joins a new participant by name through a publishable key, with a 30-day participant token", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    const r = expectStatus<JoinPlanResult>(
      await joinRequest(t, a, invite.code, { name: "  Ada Lovelace ", email: "ADA@example.com" }),
      201,
    );
    expect(r.token).toMatch(/^gk_pt_/);
    expect(Date.parse(r.expiresAt) - clock).toBeGreaterThan(29 * 24 * HOUR);
    expect(r.plan).toEqual({
      ...expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200),
      calendarUrl: r.plan.calendarUrl, // their own feed URL
    });
    expect(r.plan.calendarUrl).toBe(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: r.token }), 200).calendarUrl);
    expect(r.participant).toMatchObject({
      planId: plan.id,
      name: "Ada Lovelace",
      email: "ada@example.com",
      role: "participant",
      removedAt: null,
    });
    // The token works: the participant reads the plan and sees themself in it.
    const list = expectStatus<{ data: PlanParticipant[] }>(
      await call(t, "GET", `/v1/plans/${plan.id}/participants`, { token: r.token }),
      200,
    );
    expect(list.data).toEqual([r.participant]);
    expect(await uses(invite.id)).toBe(1);
    await expectPublished(t, `plan:${plan.id}`, {
      type: "plan.participant_changed",
      data: { planId: plan.id, participantId: r.participant.participantId, name: "Ada Lovelace", role: "participant", removed: false },
    });
  });

  it("needs a name without a participant token, and a caller of the organization", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    const p = expectProblem(await joinRequest(t, a, invite.code, {}), 400, "validation_failed");
    expect(p.errors?.[0]?.path).toBe("body.name");
    expectProblem(await joinRequest(t, a, invite.code, { name: "" }), 400, "validation_failed");
    expectProblem(await joinRequest(t, a, invite.code, { name: "Ada", plusOnes: 2 } as { name: string }), 400, "validation_failed");
    expectProblem(await call(t, "POST", `/v1/invites/${invite.code}/join`, { body: { name: "Ada" } }), 401, "authentication_required");
    expectProblem(await joinRequest(t, a, "not-a-code", { name: "Ada" }), 400, "validation_failed");
    expectProblem(await joinRequest(t, a, "0000000000000000000000", { name: "Ada" }), 404, "not_found");
    expect(await uses(invite.id)).toBe(0);
  });

  it("joins the host site's own user with its participant token, idempotently and without using the invite twice", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan, { maxUses: 2 });
    const user = await createParticipantToken(t, a.secretKey, { externalId: "host-user-7", name: "Henry", email: "henry@example.com" });
    const first = expectStatus<JoinPlanResult>(
      await call(t, "POST", `/v1/invites/${invite.code}/join`, { token: user.token, body: {} }),
      201,
    );
    expect(first.token).toBe(user.token);
    expect(first.expiresAt).toBe(user.expiresAt);
    expect(first.participant).toMatchObject({ participantId: user.participant.id, name: "Henry", email: "henry@example.com" });
    const again = await Promise.all(
      Array.from({ length: 5 }, () => call(t, "POST", `/v1/invites/${invite.code}/join`, { token: user.token, body: { name: "Ignored" } })),
    );
    for (const r of again) expect(expectStatus<JoinPlanResult>(r, 201).participant).toEqual(first.participant);
    expect(await uses(invite.id)).toBe(1);
    expect((await activeMembers(plan.id)).length).toBe(1);
    // Someone already in the plan stays in it even once the link is used up or revoked.
    expectStatus(await joinRequest(t, a, invite.code, { name: "Second" }), 201);
    await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${invite.id}`, { token: a.secretKey });
    expect(
      expectStatus<JoinPlanResult>(await call(t, "POST", `/v1/invites/${invite.code}/join`, { token: user.token, body: {} }), 201)
        .participant.id,
    ).toBe(first.participant.id);
    expect(await uses(invite.id)).toBe(2);
  });

  it("refuses a removed participant (participant_removed) without using the invite", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    expect((await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token: a.secretKey })).status).toBe(204);
    const invite = await newInvite(t, a, plan, { maxUses: 5 });
    expectProblem(await call(t, "POST", `/v1/invites/${invite.code}/join`, { token: ada.token, body: {} }), 403, "participant_removed");
    expect(await uses(invite.id)).toBe(0);
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 403, "not_a_participant");
  });

  it("refuses expired invites with invite_expired (at the expiry instant too)", async () => {
    const plan = await newPlan(t, a);
    const start = clock;
    const invite = await newInvite(t, a, plan, { expiresAt: new Date(start + HOUR).toISOString() });
    expectStatus(await joinRequest(t, a, invite.code, { name: "Early" }), 201);
    try {
      clock = start + HOUR - 1;
      expectStatus(await joinRequest(t, a, invite.code, { name: "Just in time" }), 201);
      clock = start + HOUR;
      expectProblem(await joinRequest(t, a, invite.code, { name: "Late" }), 409, "invite_expired");
      clock = start + 2 * HOUR;
      expectProblem(await joinRequest(t, a, invite.code, { name: "Later" }), 409, "invite_expired");
      const listed = expectStatus<{ data: Invite[] }>(await call(t, "GET", `/v1/plans/${plan.id}/invites`, { token: a.secretKey }), 200);
      expect(listed.data.find((i) => i.id === invite.id)?.status).toBe("expired");
      expect(expectStatus<InvitePreview>(await call(t, "GET", `/v1/invites/${invite.code}`, { token: a.secretKey }), 200).status).toBe(
        "expired",
      );
    } finally {
      clock = Date.now();
    }
    expect(await uses(invite.id)).toBe(2);
  });

  it("refuses used-up invites with invite_exhausted", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan, { maxUses: 2 });
    expectStatus(await joinRequest(t, a, invite.code, { name: "One" }), 201);
    expectStatus(await joinRequest(t, a, invite.code, { name: "Two" }), 201);
    const p = expectProblem(await joinRequest(t, a, invite.code, { name: "Three" }), 409, "invite_exhausted");
    expect(p.detail).toContain("2");
    expect(await uses(invite.id)).toBe(2);
  });

  it("refuses revoked invites with invite_revoked; revoking is for organizers and harmless twice", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    const ada = await joinPlan(t, a, plan, "Ada");
    expectProblem(await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${invite.id}`, { token: ada.token }), 403, "organizer_required");
    const revoked = expectStatus<Invite>(
      await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${invite.id}`, { token: a.ownerToken }),
      200,
    );
    expect(revoked).toMatchObject({ id: invite.id, status: "revoked", revokedAt: expect.any(String) });
    const again = expectStatus<Invite>(await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${invite.id}`, { token: a.secretKey }), 200);
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expectProblem(await joinRequest(t, a, invite.code, { name: "Bob" }), 409, "invite_revoked");
    // Revoked outranks used-up in what the joiner is told.
    const single = await newInvite(t, a, plan, { maxUses: 1 });
    expectStatus(await joinRequest(t, a, single.code, { name: "Cleo" }), 201);
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${single.id}`, { token: a.secretKey }), 200);
    expectProblem(await joinRequest(t, a, single.code, { name: "Dan" }), 409, "invite_revoked");
    expectProblem(
      await call(t, "DELETE", `/v1/plans/${plan.id}/invites/inv_0000000000000000000000`, { token: a.secretKey }),
      404,
      "not_found",
    );
    const other = await newPlan(t, a);
    expectProblem(await call(t, "DELETE", `/v1/plans/${other.id}/invites/${invite.id}`, { token: a.secretKey }), 404, "not_found");
  });

  it("refuses joins and new invites once the plan is completed or cancelled (plan_not_open)", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: a.secretKey }), 200);
    expectProblem(await joinRequest(t, a, invite.code, { name: "Too late" }), 409, "plan_not_open");
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: a.secretKey, body: {} }), 409, "plan_not_open");
    expect(await uses(invite.id)).toBe(0);
  });

  it("CONCURRENCY: 200 simultaneous joins on an invite with 50 uses admit exactly 50", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan, { maxUses: 50 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => joinRequest(t, a, invite.code, { name: `Guest ${i}` })));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(ok.length).toBe(50);
    for (const r of refused) expect({ status: r.status, code: r.body?.code }).toEqual({ status: 409, code: "invite_exhausted" });
    expect(await uses(invite.id)).toBe(50);
    const members = await activeMembers(plan.id);
    expect(members.length).toBe(50);
    expect(new Set(members.map((m) => m.participantId))).toEqual(
      new Set(ok.map((r) => (r.body as JoinPlanResult).participant.participantId)),
    );
    // Exactly one membership event per admitted guest, none for the refused.
    const joinedEvents = (await planEvents(t, plan)).filter((e) => e.type === "plan.participant_changed");
    expect(joinedEvents.length).toBe(50);
  });
});

describe("invite previews", () => {
  it("shows the plan, its first organizer and the participant count to any caller of the organization", async () => {
    const host = await createParticipantToken(t, a.secretKey, { name: "Olga Organizer" });
    const plan = await newPlan(t, a, { as: host.token, type: "event", title: "Launch party", location: { name: "Lisbon" } });
    const invite = await newInvite(t, a, plan, {}, host.token);
    await joinPlan(t, a, plan, "Ada");
    for (const [token, headers] of [
      [a.publishableKey, { origin: TEST_ORIGIN }],
      [a.participantToken, {}],
      [a.secretKey, {}],
      [a.ownerToken, {}],
    ] as const) {
      const preview = expectStatus<InvitePreview>(await call(t, "GET", `/v1/invites/${invite.code}`, { token, headers }), 200);
      expect(preview).toEqual({
        code: invite.code,
        status: "active",
        expiresAt: null,
        plan: {
          id: plan.id,
          type: "event",
          status: "planning",
          title: "Launch party",
          description: "",
          startDate: plan.startDate,
          endDate: plan.endDate,
          timeZone: "Europe/Lisbon",
          location: { name: "Lisbon", lat: null, lng: null },
        },
        organizerName: "Olga Organizer",
        participantCount: 2,
      });
    }
    expectProblem(await call(t, "GET", `/v1/invites/${invite.code}`), 401, "authentication_required");
  });
});

describe("tenant isolation", () => {
  it("answers 404 for another organization's invite codes, plans and invites", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    expectProblem(await joinRequest(t, b, invite.code, { name: "Intruder" }), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/invites/${invite.code}`, { token: b.secretKey }), 404, "not_found");
    expectProblem(await call(t, "POST", `/v1/invites/${invite.code}/join`, { token: b.participantToken, body: {} }), 404, "not_found");
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: b.secretKey, body: {} }), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/plans/${plan.id}/invites`, { token: b.ownerToken }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/plans/${plan.id}/invites/${invite.id}`, { token: b.secretKey }), 404, "not_found");
    expect(await uses(invite.id)).toBe(0);
    // b's own plan is untouched by a's invite too.
    const [row] = await t.deps.db.select().from(plans).where(eq(plans.id, plan.id));
    expect(row?.orgId).toBe(a.org.id);
  });
});

describe("personal invites cannot relay email", () => {
  type Mail = { to: string; subject: string; text: string; data: { code: string; link: string } };
  const mailOf = async (code: string) =>
    (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))).map((r) => r.payload as Mail).find((p) => p.data.code === code);
  const invite = (planId: string, token: string, body: Record<string, unknown>) =>
    call(t, "POST", `/v1/plans/${planId}/invites`, { token, body });

  it("only the plan's organizers and the organization's staff send them", async () => {
    const plan = await newPlan(t, a);
    const guest = await joinPlan(t, a, plan, "Guest");
    expectProblem(await invite(plan.id, guest.token, { email: "victim@example.com" }), 403, "organizer_required");
    expect(await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))).not.toContainEqual(
      expect.objectContaining({ payload: expect.objectContaining({ to: "victim@example.com" }) }),
    );
  });

  it("the email is the template: fixed subject, the title as one plain line, no caller-chosen subject or text", async () => {
    const plan = await newPlan(t, a, { title: "Prize!\n\nYour account is locked. Call +1 555 0100\tnow" });
    const made = expectStatus<Invite>(await invite(plan.id, a.secretKey, { email: "ada@example.com" }), 201);
    const mail = await mailOf(made.code);
    expect(mail?.subject).toBe(INVITE_EMAIL_SUBJECT);
    expect(mail?.text).toContain('"Prize! Your account is locked. Call +1 555 0100 now"');
    // The only links are the join link (the API's preview by default) and the API's own one-click unsubscribe.
    const [join, ...others] = mail?.text.match(/https?:\/\/\S+/g) ?? [];
    expect(join).toBe(mail?.data.link);
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(new RegExp(`^${t.deps.config.publicUrl}/v1/unsubscribe/[\\w.-]+$`));
    expect(mail?.data.link).toBe(`${t.deps.config.publicUrl}/v1/invites/${made.code}`);
    for (const extra of [{ subject: "Urgent" }, { text: "Click here" }, { message: "hi" }]) {
      expectProblem(await invite(plan.id, a.secretKey, { email: "ada@example.com", ...extra }), 400, "validation_failed");
    }
  });

  it("links only to origins the organization allows: its publishable keys' origins or the API itself", async () => {
    const plan = await newPlan(t, a);
    for (const joinUrl of ["https://evil.example/join", "https://host.example.evil.example/", "http://host.example/join"]) {
      const p = expectProblem(await invite(plan.id, a.secretKey, { email: "ada@example.com", joinUrl }), 422, "join_url_not_allowed");
      expect(p.errors?.map((e) => e.path)).toEqual(["body.joinUrl"]);
    }
    expectStatus(await invite(plan.id, a.secretKey, { email: "ada@example.com", joinUrl: `${TEST_ORIGIN}/trips/join` }), 201);
    expectStatus(await invite(plan.id, a.secretKey, { email: "ada@example.com", joinUrl: `${t.deps.config.publicUrl}/welcome` }), 201);
    // Another organization's allowed origins are not this one's.
    const other = await createPublishableKeyFor(b, "https://b-only.example");
    expect(other.allowedOrigins).toEqual(["https://b-only.example"]);
    expectProblem(
      await invite(plan.id, a.secretKey, { email: "ada@example.com", joinUrl: "https://b-only.example/join" }),
      422,
      "join_url_not_allowed",
    );
  });

  it("a participant who creates their own plan (its organizer) is held to the same template, links and limits", async () => {
    const plan = await newPlan(t, a);
    const mallory = await joinPlan(t, a, plan, "Mallory");
    const own = expectStatus<Plan>(
      await call(t, "POST", "/v1/plans", {
        token: mallory.token,
        body: { type: "trip", title: "Free gift", timeZone: "UTC", currency: "EUR" },
      }),
      201,
    );
    expectProblem(
      await invite(own.id, mallory.token, { email: "victim@example.com", joinUrl: "https://phish.example/login" }),
      422,
      "join_url_not_allowed",
    );
  });
});

describe("personal invite limits", () => {
  let limited: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    limited = await createTestApp({ config: { inviteEmailLimit: { perPlan: 3, perOrganization: 5, windowSeconds: 3600 } } });
    org = await newOrg(limited);
  });
  afterAll(() => limited.close());
  const send = (planId: string, i: number) =>
    call(limited, "POST", `/v1/plans/${planId}/invites`, { token: org.secretKey, body: { email: `guest${i}@example.com` } });

  it("per plan and per organization, also under concurrent requests; 429 with Retry-After; invite links stay free", async () => {
    const first = await newPlan(limited, org);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(first.id, i)));
    expect(answers.filter((r) => r.status === 201).length).toBe(3);
    for (const r of answers.filter((r) => r.status !== 201)) {
      expectProblem(r, 429, "rate_limited");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Another plan of the organization: two more fit in the organization's five, then none.
    const second = await newPlan(limited, org);
    const more = await Promise.all(Array.from({ length: 6 }, (_, i) => send(second.id, 100 + i)));
    expect(more.filter((r) => r.status === 201).length).toBe(2);
    expectProblem(await send((await newPlan(limited, org)).id, 200), 429, "rate_limited");
    const mails = (await limited.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))).length;
    expect(mails).toBe(5);
    // Shareable links send no email and are not limited by this.
    expectStatus(await call(limited, "POST", `/v1/plans/${first.id}/invites`, { token: org.secretKey, body: {} }), 201);
  });
});
