import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invitationToken } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type Fetch,
  Gatherkit,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "../src/index.js";

// The SDK against the real API in process: real SQL, auth and idempotency, no sockets.
const BASE = "http://api.test";
let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A new organizer (fresh email) signed in on a key-less client. */
async function signUp(fetch: Fetch = t.fetch) {
  const gk = new Gatherkit({ baseUrl: BASE, fetch });
  n += 1;
  const session = await gk.auth.signUp({
    email: `Owner${n}@Example.com`,
    password: "correct horse battery",
    name: `Owner ${n}`,
    organizationName: `Org ${n}`,
  });
  return { gk, session };
}

describe("the SDK against the API", () => {
  it("sign-up → secret key → use it → list with for await → revoke → key_revoked", async () => {
    const { gk, session } = await signUp();
    expect(session.user.email).toBe(`owner${n}@example.com`);
    expect(session.role).toBe("owner");
    const me = await gk.auth.me();
    expect(me).toMatchObject({ user: { id: session.user.id }, organization: { id: session.organization.id }, role: "owner" });

    const created = await gk.secretKeys.create({ name: "Server 0" });
    expect(created.secret).toMatch(/^gk_sk_/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);

    // Use it: the key acts as the organization.
    const server = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: created.secret });
    expect(await server.organization.retrieve()).toMatchObject({ id: session.organization.id, name: session.organization.name });
    const pk = await server.publishableKeys.create({ name: "Site", allowedOrigins: ["https://example.com"] });
    expect(pk.key).toMatch(/^gk_pk_/);
    expect((await gk.secretKeys.retrieve(created.id)).lastUsedAt).not.toBeNull();

    for (let i = 1; i < 5; i++) await gk.secretKeys.create({ name: `Server ${i}` });
    const listed: string[] = [];
    for await (const key of gk.secretKeys.list({ limit: 2 })) {
      expect(key).not.toHaveProperty("secret");
      listed.push(key.name);
    }
    expect(listed.sort()).toEqual(["Server 0", "Server 1", "Server 2", "Server 3", "Server 4"]);
    const first = await gk.secretKeys.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.hasNextPage()).toBe(true);

    const revoked = await gk.secretKeys.del(created.id);
    expect(revoked.id).toBe(created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await gk.secretKeys.del(created.id)).revokedAt).toBe(revoked.revokedAt); // idempotent

    const err = await server.organization.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "key_revoked" });
    expect((err as AuthenticationError).requestId).toMatch(/^req_/);
  });

  it("a retried POST whose first answer was lost creates one key, not two", async () => {
    let dropped = 0;
    const lossy: Fetch = async (url, init) => {
      const res = await t.fetch(url, init);
      if (init.method === "POST" && url.endsWith("/v1/secret-keys") && dropped === 0) {
        dropped += 1;
        throw new TypeError("socket hang up"); // the API did the work; the client never heard
      }
      return res;
    };
    const { gk } = await signUp(lossy);
    const key = await gk.secretKeys.create({ name: "Once" });
    expect(dropped).toBe(1);
    expect(key.secret).toMatch(/^gk_sk_/);
    const all = [];
    for await (const k of gk.secretKeys.list()) all.push(k);
    expect(all.map((k) => k.id)).toEqual([key.id]);
    // The replayed secret is the one that works.
    const server = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: key.secret });
    await expect(server.organization.retrieve()).resolves.toBeDefined();
  });

  it("maps the API's problems to typed errors", async () => {
    const { gk, session } = await signUp();
    const bad = await gk.secretKeys.create({ name: "" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).errors.map((e) => e.path)).toContain("body.name");

    await expect(gk.secretKeys.retrieve("sk_00000000000000000000")).rejects.toBeInstanceOf(NotFoundError);

    const anon = new Gatherkit({ baseUrl: BASE, fetch: t.fetch });
    await expect(anon.auth.signIn({ email: session.user.email, password: "wrong password" })).rejects.toMatchObject({
      status: 401,
      code: "invalid_credentials",
    });
    const taken = await anon.auth
      .signUp({ email: session.user.email, password: "correct horse battery", name: "X", organizationName: "Y" })
      .catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ code: "email_taken" });
  });

  it("organization, members, publishable keys and participant tokens", async () => {
    const { gk, session } = await signUp();
    expect(await gk.organization.update({ name: "Renamed" })).toMatchObject({ id: session.organization.id, name: "Renamed" });

    const { gk: asOther, session: other } = await signUp();
    const invitation = await gk.organization.members.create({ email: other.user.email, role: "staff" });
    expect(invitation).toMatchObject({ email: other.user.email, role: "staff", status: "pending" });
    expect((await gk.organization.invitations.list()).data.map((i) => i.id)).toEqual([invitation.id]);
    const { member } = await asOther.organization.invitations.accept({ token: await invitationToken(t, other.user.email) });
    expect(member).toMatchObject({ userId: other.user.id, role: "staff" });
    expect((await gk.organization.members.update(member.id, { role: "admin" })).role).toBe("admin");
    const members = [];
    for await (const m of gk.organization.members.list({ limit: 1 })) members.push(m.userId);
    expect(members.sort()).toEqual([session.user.id, other.user.id].sort());
    await gk.organization.members.del(member.id);
    expect((await gk.organization.members.list()).data).toHaveLength(1);

    const pk = await gk.publishableKeys.create({ name: "Site", allowedOrigins: ["https://a.example"] });
    const updated = await gk.publishableKeys.update(pk.id, { allowedOrigins: ["https://a.example", "https://b.example"] });
    expect(updated.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect((await gk.publishableKeys.retrieve(pk.id)).name).toBe("Site");
    expect((await gk.publishableKeys.del(pk.id)).revokedAt).not.toBeNull();

    const sk = await gk.secretKeys.create({ name: "Server" });
    const server = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: sk.secret });
    const pt = await server.participantTokens.create({ externalId: "user_42", name: "Grace Hopper" });
    expect(pt.token).toMatch(/^gk_pt_/);
    expect(pt.participant).toMatchObject({ externalId: "user_42", name: "Grace Hopper" });
    const participant = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: pt.token });
    await expect(participant.organization.retrieve()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it("refreshes and signs out a session", async () => {
    const { gk, session } = await signUp();
    const refreshed = await gk.auth.refresh();
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    expect((await gk.auth.me()).user.id).toBe(session.user.id);
    await gk.auth.signOut();
    const anon = new Gatherkit({ baseUrl: BASE, fetch: t.fetch });
    await expect(anon.auth.refresh({ refreshToken: refreshed.refreshToken })).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("answers health without a credential", async () => {
    await expect(new Gatherkit({ baseUrl: BASE, fetch: t.fetch }).health()).resolves.toMatchObject({ status: "ok" });
  });
});

describe("limits and origins", () => {
  it("does not wait out a long Retry-After from the sign-in rate limit", async () => {
    // An hour-long window that has just begun: the API asks to come back in 3600 s.
    const limited = await createTestApp({
      env: { AUTH_RATE_LIMIT_MAX: "1", AUTH_RATE_LIMIT_WINDOW_SECONDS: "3600" },
      now: () => Date.UTC(2026, 0, 1),
    });
    try {
      let calls = 0;
      const counting: Fetch = (url, init) => {
        calls += 1;
        return limited.fetch(url, init);
      };
      const gk = new Gatherkit({ baseUrl: BASE, fetch: counting });
      const creds = { email: "nobody@example.com", password: "wrong password" };
      await expect(gk.auth.signIn(creds)).rejects.toMatchObject({ code: "invalid_credentials" });
      const err = await gk.auth.signIn(creds).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as RateLimitError).headers.get("retry-after")).toBe("3600");
      expect(calls).toBe(2);
    } finally {
      limited.close();
    }
  });

  it("reports a publishable key used from another origin as origin_not_allowed", async () => {
    const { gk } = await signUp();
    const pk = await gk.publishableKeys.create({ name: "Site", allowedOrigins: ["https://shop.example"] });
    const page = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, publishableKey: pk.key });
    const err = await page.organization.retrieve({ headers: { origin: "https://evil.example" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: "origin_not_allowed" });
    expect(err).not.toBeInstanceOf(APIConnectionError);
  });
});
