import type { AcceptedInvitation, Member, MemberInvitation } from "@gatherkit/core";
import { memberInvitations } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createSecretKey,
  expectProblem,
  expectPublished,
  expectStatus,
  invitationToken,
  invite,
  newOrg,
  outboxEmails,
  signUp,
  type TestOrg,
  uniqueEmail,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

const accept = (app: TestApp, accessToken: string, token: string) =>
  call(app, "POST", "/v1/member-invitations/accept", { token: accessToken, body: { token } });
const memberEmails = async (org: TestOrg) =>
  expectStatus<{ data: Member[] }>(await call(t, "GET", "/v1/organization/members?limit=100", { token: org.ownerToken }), 200).data.map(
    (m) => m.email,
  );

describe("inviting a member", () => {
  it("answers the same whether or not the address has an account, and emails the invitation through the outbox", async () => {
    const person = await signUp(t);
    const stranger = uniqueEmail("stranger");
    const answers: { status: number; body: MemberInvitation }[] = [];
    for (const email of [person.email, stranger]) {
      const r = await call(t, "POST", "/v1/organization/members", { token: a.ownerToken, body: { email, role: "staff" } });
      answers.push({ status: r.status, body: r.body });
      const [mail, ...more] = await outboxEmails(t, email, "member_invitation");
      expect(more).toEqual([]);
      expect(mail?.text).toContain(String(mail?.data.token));
      expect(mail?.data.token).toMatch(/^gk_inv_[0-9a-z]{32}$/);
      // The answer never carries the token: only the invited person's inbox does.
      expect(JSON.stringify(r.body)).not.toContain(String(mail?.data.token));
    }
    const shape = (x: { status: number; body: MemberInvitation }) => ({
      status: x.status,
      keys: Object.keys(x.body).sort(),
      role: x.body.role,
      statusField: x.body.status,
      ttl: Date.parse(x.body.expiresAt) - Date.parse(x.body.createdAt),
    });
    expect(shape(answers[0]!)).toEqual(shape(answers[1]!));
    expect(answers[0]).toMatchObject({ status: 202, body: { email: person.email, role: "staff", status: "pending" } });
    expect(answers[0]?.body.id).toMatch(/^minv_/);
  });

  it("makes nobody a member until they accept", async () => {
    const org = await newOrg(t);
    const person = await signUp(t);
    const { token } = await invite(t, org.ownerToken, person.email, "admin");
    expect(await memberEmails(org)).not.toContain(person.email);
    expectProblem(
      await call(t, "POST", "/v1/auth/sign-in", { body: { email: person.email, password: person.password, organizationId: org.org.id } }),
      404,
      "not_found",
    );
    const accepted = expectStatus<AcceptedInvitation>(await accept(t, person.accessToken, token), 201);
    expect(accepted).toMatchObject({
      organization: { id: org.org.id },
      member: { userId: person.user.id, email: person.email, role: "admin" },
    });
    await expectPublished(t, `org:${org.org.id}`, { type: "member.changed", data: { id: accepted.member.id } });
    expect(await memberEmails(org)).toContain(person.email);
    const session = await call(t, "POST", "/v1/auth/sign-in", {
      body: { email: person.email, password: person.password, organizationId: org.org.id },
    });
    expect(session.body).toMatchObject({ organization: { id: org.org.id }, role: "admin" });
  });

  it("accepts only for the invited email, once", async () => {
    const org = await newOrg(t);
    const person = await signUp(t);
    const other = await signUp(t);
    const { token } = await invite(t, org.ownerToken, person.email, "staff");
    expectProblem(await accept(t, other.accessToken, token), 403, "invitation_email_mismatch");
    expectProblem(await accept(t, person.accessToken, "gk_inv_unknown"), 404, "not_found");
    expect((await accept(t, person.accessToken, token)).status).toBe(201);
    expectProblem(await accept(t, person.accessToken, token), 409, "already_member");
    // Removed later, the spent token does not bring them back.
    const member = (await call(t, "GET", "/v1/organization/members?limit=100", { token: org.ownerToken })).body.data.find(
      (m: Member) => m.email === person.email,
    ) as Member;
    expect((await call(t, "DELETE", `/v1/organization/members/${member.id}`, { token: org.ownerToken })).status).toBe(204);
    expectProblem(await accept(t, person.accessToken, token), 409, "invitation_used");
  });

  it("lets exactly one of 10 concurrent accepts of one token through", async () => {
    const org = await newOrg(t);
    const person = await signUp(t);
    const { token } = await invite(t, org.ownerToken, person.email, "staff");
    const results = await Promise.all(Array.from({ length: 10 }, () => accept(t, person.accessToken, token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, "already_member");
    expect((await memberEmails(org)).filter((e) => e === person.email)).toHaveLength(1);
  });

  it("expires", async () => {
    let now = Date.now();
    const clock = await createTestApp({ now: () => now++ });
    try {
      const org = await newOrg(clock);
      const person = await signUp(clock);
      const { token } = await invite(clock, org.ownerToken, person.email, "staff");
      now += clock.deps.config.memberInvitationTtlSeconds * 1000 + 1;
      expectProblem(await accept(clock, person.accessToken, token), 409, "invitation_expired");
      const pending = expectStatus<{ data: MemberInvitation[] }>(
        await call(clock, "GET", "/v1/organization/invitations", { token: org.ownerToken }),
        200,
      );
      expect(pending.data).toEqual([]);
    } finally {
      clock.close();
    }
  });

  it("replaces a pending invitation to the same address: only the newest token works", async () => {
    const org = await newOrg(t);
    const person = await signUp(t);
    const first = await invite(t, org.ownerToken, person.email, "admin");
    const second = await invite(t, org.ownerToken, person.email, "staff");
    expect(second.token).not.toBe(first.token);
    expectProblem(await accept(t, person.accessToken, first.token), 409, "invitation_revoked");
    expect(expectStatus<AcceptedInvitation>(await accept(t, person.accessToken, second.token), 201).member.role).toBe("staff");
  });

  it("stores only the token's hash", async () => {
    const person = uniqueEmail();
    const { invitation, token } = await invite(t, a.ownerToken, person, "staff");
    const [row] = await t.deps.db.select().from(memberInvitations).where(eq(memberInvitations.id, invitation.id));
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });
});

describe("pending invitations", () => {
  it("are listed and revoked by owners and admins (in person or by key), not staff", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    const staff = await addMember(t, org, "staff");
    const person = await signUp(t);
    const { invitation, token } = await invite(t, admin.accessToken, person.email, "staff");
    for (const caller of [org.ownerToken, admin.accessToken, org.secretKey]) {
      const page = expectStatus<{ data: MemberInvitation[] }>(await call(t, "GET", "/v1/organization/invitations", { token: caller }), 200);
      expect(page.data.map((i) => i.id)).toEqual([invitation.id]);
    }
    expectProblem(await call(t, "GET", "/v1/organization/invitations", { token: staff.accessToken }), 403, "permission_denied");
    expectProblem(
      await call(t, "DELETE", `/v1/organization/invitations/${invitation.id}`, { token: staff.accessToken }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "DELETE", `/v1/organization/invitations/${invitation.id}`, { token: a.ownerToken }), 404, "not_found");

    const revoked = expectStatus<MemberInvitation>(
      await call(t, "DELETE", `/v1/organization/invitations/${invitation.id}`, { token: admin.accessToken }),
      200,
    );
    expect(revoked.status).toBe("revoked");
    expect((await call(t, "DELETE", `/v1/organization/invitations/${invitation.id}`, { token: org.ownerToken })).body.status).toBe(
      "revoked",
    );
    expectProblem(await accept(t, person.accessToken, token), 409, "invitation_revoked");
    expect(
      expectStatus<{ data: unknown[] }>(await call(t, "GET", "/v1/organization/invitations", { token: org.ownerToken }), 200).data,
    ).toEqual([]);
  });

  it("an accepted invitation cannot be revoked", async () => {
    const org = await newOrg(t);
    const person = await signUp(t);
    const { invitation, token } = await invite(t, org.ownerToken, person.email, "staff");
    expect((await accept(t, person.accessToken, token)).status).toBe(201);
    expectProblem(
      await call(t, "DELETE", `/v1/organization/invitations/${invitation.id}`, { token: org.ownerToken }),
      409,
      "invitation_used",
    );
  });
});

describe("invitation rate limits", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({
      env: { MEMBER_INVITES_PER_CALLER: "3", MEMBER_INVITES_PER_ORG: "5", MEMBER_INVITE_WINDOW_SECONDS: "3600" },
    });
  });
  afterAll(() => limited.close());

  const inviteAs = (token: string) =>
    call(limited, "POST", "/v1/organization/members", { token, body: { email: uniqueEmail("spam"), role: "staff" } });

  it("limits invitations per caller and per organization, with Retry-After", async () => {
    const org = await newOrg(limited);
    const key = await createSecretKey(limited, org.ownerToken, "Inviter");
    const results = await Promise.all(Array.from({ length: 5 }, () => inviteAs(org.ownerToken)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 202)) {
      expectProblem(r, 429, "rate_limited");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Another caller of the organization has its own allowance, up to the organization's.
    expect((await inviteAs(key.secret)).status).toBe(202);
    expect((await inviteAs(key.secret)).status).toBe(202);
    expectProblem(await inviteAs(key.secret), 429, "rate_limited");
    // Another organization is not affected.
    const other = await newOrg(limited);
    expect((await inviteAs(other.ownerToken)).status).toBe(202);
    // Only the 5 accepted invitations of the first organization were written and emailed.
    const rows = await limited.deps.db.select().from(memberInvitations).where(eq(memberInvitations.orgId, org.org.id));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(await invitationToken(limited, row.email)).toMatch(/^gk_inv_/);
  });
});
