import { idempotencyKeys, organizations, refreshTokens, users } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  cookiesOf,
  expectProblem,
  expectStatus,
  invite,
  outboxEmails,
  signIn,
  signUp,
  TEST_PASSWORD,
  uniqueEmail,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("sign-up", () => {
  it("creates the user, an organization they own and a session, with HTTP-only cookies", async () => {
    const email = uniqueEmail("ada");
    const r = await call(t, "POST", "/v1/auth/sign-up", {
      body: { email: email.toUpperCase(), password: TEST_PASSWORD, name: " Ada ", organizationName: "Ada's Events" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      user: { email, name: "Ada" },
      organization: { name: "Ada's Events" },
      role: "owner",
    });
    expect(r.body.user.id).toMatch(/^usr_/);
    expect(r.body.organization.id).toMatch(/^org_/);
    expect(r.body.refreshToken).toMatch(/^gk_rt_/);
    expect(Date.parse(r.body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());

    const cookies = cookiesOf(r);
    expect(cookies.gk_access?.value).toBe(r.body.accessToken);
    expect(cookies.gk_access?.attributes).toMatch(/HttpOnly/);
    expect(cookies.gk_access?.attributes).toMatch(/SameSite=Lax/);
    expect(cookies.gk_access?.attributes).toMatch(/Path=\/(;|$)/);
    expect(cookies.gk_access?.attributes).not.toMatch(/Secure/);
    expect(cookies.gk_refresh?.value).toBe(r.body.refreshToken);
    expect(cookies.gk_refresh?.attributes).toMatch(/SameSite=Strict/);
    expect(cookies.gk_refresh?.attributes).toMatch(/Path=\/v1\/auth/);
    expect(cookies.gk_refresh?.attributes).toMatch(/HttpOnly/);

    // The password is stored as a PBKDF2 hash, never as given.
    const [row] = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(row?.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(row?.passwordHash).not.toContain(TEST_PASSWORD);
    // Only the refresh token's hash is stored.
    const tokens = await t.deps.db.select().from(refreshTokens).where(eq(refreshTokens.userId, r.body.user.id));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(tokens)).not.toContain(r.body.refreshToken);
  });

  it("marks cookies Secure when the API is served over https", async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: "https://api.example" } });
    try {
      const r = await call(secure, "POST", "/v1/auth/sign-up", {
        body: { email: uniqueEmail(), password: TEST_PASSWORD, name: "S", organizationName: "S" },
      });
      expect(r.status).toBe(201);
      const cookies = cookiesOf(r);
      expect(cookies.gk_access?.attributes).toMatch(/Secure/);
      expect(cookies.gk_refresh?.attributes).toMatch(/Secure/);
    } finally {
      secure.close();
    }
  });

  it("refuses a taken email, whatever its case", async () => {
    const a = await signUp(t);
    const r = await call(t, "POST", "/v1/auth/sign-up", {
      body: { email: a.email.toUpperCase(), password: TEST_PASSWORD, name: "B", organizationName: "B" },
    });
    expectProblem(r, 409, "email_taken");
  });

  it("lets exactly one of 20 concurrent sign-ups with the same email through, and leaves nothing behind from the others", async () => {
    const email = uniqueEmail("race");
    const orgsBefore = (await t.deps.db.select().from(organizations)).length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(t, "POST", "/v1/auth/sign-up", {
          body: { email, password: TEST_PASSWORD, name: `Racer ${i}`, organizationName: `Race ${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, "email_taken");
    expect(await t.deps.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
    expect((await t.deps.db.select().from(organizations)).length).toBe(orgsBefore + 1);
  });

  it("names each failing field and refuses unknown fields", async () => {
    const r = await call(t, "POST", "/v1/auth/sign-up", {
      body: { email: "not-an-email", password: "short", name: "", organizationName: "X", admin: true },
    });
    const p = expectProblem(r, 400, "validation_failed");
    const paths = p.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["body.email", "body.password", "body.name", "body"]));
    expect(p.detail).toContain("admin");
  });

  it("replays a sign-up for the same Idempotency-Key, and stores neither the key nor the session in the clear", async () => {
    const body = { email: uniqueEmail(), password: TEST_PASSWORD, name: "I", organizationName: "I" };
    const headers = { "idempotency-key": "sign-up-once" };
    const first = await call(t, "POST", "/v1/auth/sign-up", { body, headers });
    expect(first.status).toBe(201);
    const again = await call(t, "POST", "/v1/auth/sign-up", { body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const stored = await t.deps.db.select().from(idempotencyKeys);
    const dump = JSON.stringify(stored);
    expect(dump).not.toContain("sign-up-once");
    expect(dump).not.toContain(first.body.refreshToken);
    expect(dump).not.toContain(first.body.accessToken);
    // The same key with another body (another password) is refused, not replayed.
    const other = await call(t, "POST", "/v1/auth/sign-up", { body: { ...body, password: "another password 123" }, headers });
    expectProblem(other, 422, "idempotency_key_reused");
  });

  it("does not store refreshes for replay (a cookie-only body would not bind the replay to the token)", async () => {
    const a = await signUp(t);
    const headers = { "idempotency-key": "refresh-once" };
    const first = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken }, headers });
    expect(first.status).toBe(200);
    const again = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken }, headers });
    // Not a replay of the stored answer: a fresh rotation (within the reuse grace window).
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(again.body.refreshToken).not.toBe(first.body.refreshToken);
  });
});

describe("sign-in", () => {
  it("signs in with the password, whatever the email's case", async () => {
    const a = await signUp(t);
    const r = await call(t, "POST", "/v1/auth/sign-in", { body: { email: a.email.toUpperCase(), password: a.password } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: { id: a.user.id }, organization: { id: a.org.id }, role: "owner" });
    expect(cookiesOf(r).gk_access?.value).toBe(r.body.accessToken);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const a = await signUp(t);
    const wrong = expectProblem(
      await call(t, "POST", "/v1/auth/sign-in", { body: { email: a.email, password: "wrong password!" } }),
      401,
      "invalid_credentials",
    );
    const unknown = expectProblem(
      await call(t, "POST", "/v1/auth/sign-in", { body: { email: uniqueEmail("nobody"), password: "wrong password!" } }),
      401,
      "invalid_credentials",
    );
    expect(unknown.detail).toBe(wrong.detail);
  });

  it("signs in to a chosen organization, and refuses one the user is not in", async () => {
    const a = await signUp(t, { organizationName: "A" });
    const b = await signUp(t, { organizationName: "B" });
    const { token } = await invite(t, b.accessToken, a.email, "staff");
    expectStatus(await call(t, "POST", "/v1/member-invitations/accept", { token: a.accessToken, body: { token } }), 201);

    const first = await signIn(t, a.email);
    expect(first.organization.id).toBe(a.org.id);
    const inB = await signIn(t, a.email, a.password, b.org.id);
    expect(inB).toMatchObject({ organization: { id: b.org.id, name: "B" }, role: "staff" });

    const other = await signUp(t);
    expectProblem(
      await call(t, "POST", "/v1/auth/sign-in", { body: { email: a.email, password: a.password, organizationId: other.org.id } }),
      404,
      "not_found",
    );
  });
});

describe("me", () => {
  it("answers who is signed in, by bearer token or cookie", async () => {
    const a = await signUp(t);
    const bearer = await call(t, "GET", "/v1/auth/me", { token: a.accessToken });
    expect(bearer.status).toBe(200);
    expect(bearer.body).toEqual({ user: a.user, organization: a.org, role: "owner" });
    const cookie = await call(t, "GET", "/v1/auth/me", { headers: { cookie: `gk_access=${a.accessToken}` } });
    expect(cookie.body).toEqual(bearer.body);
  });

  it("is for organizers only", async () => {
    expectProblem(await call(t, "GET", "/v1/auth/me"), 401, "authentication_required");
    expectProblem(await call(t, "GET", "/v1/auth/me", { token: "not-a-token" }), 401, "invalid_token");
  });

  it("ignores the session cookie on requests from another origin (CSRF guard)", async () => {
    const a = await signUp(t);
    const cookie = `gk_access=${a.accessToken}`;
    const foreign = await call(t, "GET", "/v1/auth/me", { headers: { cookie, origin: "https://evil.example" } });
    expectProblem(foreign, 401, "authentication_required");
    const same = await call(t, "GET", "/v1/auth/me", { headers: { cookie, origin: "http://api.test" } });
    expect(same.status).toBe(200);
    // A bearer token is not ambient, so it works from any origin.
    const bearer = await call(t, "GET", "/v1/auth/me", { token: a.accessToken, headers: { origin: "https://evil.example" } });
    expect(bearer.status).toBe(200);
  });

  it("treats a stale access cookie as no cookie, so a browser can still refresh", async () => {
    const a = await signUp(t);
    const stale = "gk_access=eyJhbGciOiJIUzI1NiJ9.e30.invalid";
    expectProblem(await call(t, "GET", "/v1/auth/me", { headers: { cookie: stale } }), 401, "authentication_required");
    const r = await call(t, "POST", "/v1/auth/refresh", { headers: { cookie: `${stale}; gk_refresh=${a.refreshToken}` } });
    expect(r.status).toBe(200);
  });
});

describe("refresh", () => {
  it("rotates: the new pair works, the old refresh token is spent", async () => {
    const a = await signUp(t);
    const r = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken } });
    expect(r.status).toBe(200);
    expect(r.body.refreshToken).not.toBe(a.refreshToken);
    expect(r.body).toMatchObject({ user: { id: a.user.id }, organization: { id: a.org.id }, role: "owner" });
    expect((await call(t, "GET", "/v1/auth/me", { token: r.body.accessToken })).status).toBe(200);
    const again = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: r.body.refreshToken } });
    expect(again.status).toBe(200);
  });

  /** An app whose clock the test moves (`clock.advance(ms)`), for the reuse grace window. */
  async function clockedApp() {
    let now = Date.now();
    const app = await createTestApp({ now: () => now++ });
    return Object.assign(app, { advance: (ms: number) => (now += ms) });
  }
  const refreshOn = (app: TestApp, refreshToken: string) => call(app, "POST", "/v1/auth/refresh", { body: { refreshToken } });

  it("revokes the whole family when a used token comes back after the grace window", async () => {
    const app = await clockedApp();
    try {
      const a = await signUp(app);
      const next = expectStatus<{ refreshToken: string }>(await refreshOn(app, a.refreshToken), 200);
      app.advance(app.deps.config.refreshReuseGraceSeconds * 1000 + 1);
      expectProblem(await refreshOn(app, a.refreshToken), 401, "refresh_token_reused");
      // The legitimate successor is signed out too.
      expectProblem(await refreshOn(app, next.refreshToken), 401, "invalid_token");
      // Another sign-in of the same user is a separate family and unaffected.
      const other = expectStatus<{ refreshToken: string }>(
        await call(app, "POST", "/v1/auth/sign-in", { body: { email: a.email, password: a.password } }),
        200,
      );
      expect((await refreshOn(app, other.refreshToken)).status).toBe(200);
    } finally {
      app.close();
    }
  });

  it("signs nobody out when 12 tabs refresh the same token at once; a reuse after the grace window still revokes the family", async () => {
    const app = await clockedApp();
    try {
      const a = await signUp(app);
      const results = await Promise.all(Array.from({ length: 12 }, () => refreshOn(app, a.refreshToken)));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
      const sessions = results.map((r) => r.body as { refreshToken: string; accessToken: string });
      // Each tab holds a working session of the same family: its access token works and its refresh token rotates.
      const rows = await app.deps.db.select().from(refreshTokens).where(eq(refreshTokens.userId, a.user.id));
      expect(new Set(rows.map((r) => r.familyId)).size).toBe(1);
      expect(rows).toHaveLength(13);
      for (const s of sessions) expect((await call(app, "GET", "/v1/auth/me", { token: s.accessToken })).status).toBe(200);
      const rotated = await Promise.all(sessions.map((s) => refreshOn(app, s.refreshToken)));
      expect(rotated.map((r) => r.status)).toEqual(Array(12).fill(200));

      // Control: the same token presented once the grace window is over is a copy: the family is revoked.
      app.advance(app.deps.config.refreshReuseGraceSeconds * 1000 + 1);
      expectProblem(await refreshOn(app, a.refreshToken), 401, "refresh_token_reused");
      for (const r of rotated) expectProblem(await refreshOn(app, r.body.refreshToken), 401, "invalid_token");
    } finally {
      app.close();
    }
  });

  it("within the grace window, a token reused after a sign-out gets nothing", async () => {
    const app = await clockedApp();
    try {
      const a = await signUp(app);
      const next = expectStatus<{ refreshToken: string }>(await refreshOn(app, a.refreshToken), 200);
      expect((await call(app, "POST", "/v1/auth/sign-out", { body: { refreshToken: next.refreshToken } })).status).toBe(204);
      expectProblem(await refreshOn(app, a.refreshToken), 401, "refresh_token_reused");
    } finally {
      app.close();
    }
  });

  it("uses the gk_refresh cookie when the body is empty, and sets the new cookies", async () => {
    const a = await signUp(t);
    const r = await call(t, "POST", "/v1/auth/refresh", { headers: { cookie: `gk_refresh=${a.refreshToken}` } });
    expect(r.status).toBe(200);
    const cookies = cookiesOf(r);
    expect(cookies.gk_refresh?.value).toBe(r.body.refreshToken);
    expect(cookies.gk_access?.value).toBe(r.body.accessToken);
    // The same cookie from another origin is ignored.
    const foreign = await call(t, "POST", "/v1/auth/refresh", {
      headers: { cookie: `gk_refresh=${r.body.refreshToken}`, origin: "https://evil.example" },
    });
    expectProblem(foreign, 401, "authentication_required");
  });

  it("answers an unknown token, a missing token and an expired token", async () => {
    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: "gk_rt_nope" } }), 401, "invalid_token");
    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: {} }), 401, "authentication_required");
    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: "x", extra: 1 } }), 400, "validation_failed");

    let now = Date.now();
    const timed = await createTestApp({ now: () => now });
    try {
      const a = await signUp(timed);
      now += (timed.deps.config.refreshTokenTtlSeconds + 1) * 1000;
      expectProblem(await call(timed, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken } }), 401, "token_expired");
    } finally {
      timed.close();
    }
  });
});

describe("sign-out", () => {
  it("revokes the session's family, clears the cookies and leaves other sessions alone", async () => {
    const a = await signUp(t);
    const rotated = expectStatus<{ refreshToken: string }>(
      await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken } }),
      200,
    );
    const other = await signIn(t, a.email);

    const r = await call(t, "POST", "/v1/auth/sign-out", { body: { refreshToken: rotated.refreshToken } });
    expect(r.status).toBe(204);
    const cookies = cookiesOf(r);
    expect(cookies.gk_access?.value).toBe("");
    expect(cookies.gk_access?.attributes).toMatch(/Max-Age=0/);
    expect(cookies.gk_refresh?.attributes).toMatch(/Path=\/v1\/auth/);
    expect(cookies.gk_refresh?.attributes).toMatch(/Max-Age=0/);

    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: rotated.refreshToken } }), 401, "invalid_token");
    expect((await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: other.refreshToken } })).status).toBe(200);
  });

  it("signs out a browser by its cookie, and is a no-op without a session", async () => {
    const a = await signUp(t);
    const r = await call(t, "POST", "/v1/auth/sign-out", { headers: { cookie: `gk_refresh=${a.refreshToken}` } });
    expect(r.status).toBe(204);
    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken } }), 401, "invalid_token");
    expect((await call(t, "POST", "/v1/auth/sign-out")).status).toBe(204);
  });
});

describe("rate limits", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "3", AUTH_RATE_LIMIT_WINDOW_SECONDS: "60" } });
  });
  afterAll(() => limited.close());

  const attempt = (email: string, ip: string) =>
    call(limited, "POST", "/v1/auth/sign-in", { body: { email, password: "wrong password!" }, headers: { "x-test-ip": ip } });

  it("limits sign-in attempts per client address, with Retry-After", async () => {
    for (let i = 0; i < 3; i++) expectProblem(await attempt(uniqueEmail(), "10.0.0.1"), 401, "invalid_credentials");
    const over = await attempt(uniqueEmail(), "10.0.0.1");
    expectProblem(over, 429, "rate_limited");
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address is not limited.
    expectProblem(await attempt(uniqueEmail(), "10.0.0.3"), 401, "invalid_credentials");
  });

  it("limits sign-ups per client address, counting concurrent attempts exactly", async () => {
    const signUpFrom = (ip: string) =>
      call(limited, "POST", "/v1/auth/sign-up", {
        body: { email: uniqueEmail(), password: TEST_PASSWORD, name: "R", organizationName: "R" },
        headers: { "x-test-ip": ip },
      });
    const results = await Promise.all(Array.from({ length: 8 }, () => signUpFrom("10.0.1.1")));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 429, "rate_limited");
    expect((await signUpFrom("10.0.1.2")).status).toBe(201);
  });
});

describe("sign-in failures: nobody can lock anyone out", () => {
  let app: TestApp;
  beforeAll(async () => {
    // The per-address limit of all attempts is out of the way (the harness's 1000); these are the defaults.
    app = await createTestApp({ env: { SIGN_IN_FAILURES_PER_ADDRESS: "5", SIGN_IN_ALERT_AFTER_FAILURES: "10" } });
  });
  afterAll(() => app.close());

  const from = (ip: string, email: string, password: string) =>
    call(app, "POST", "/v1/auth/sign-in", { body: { email, password }, headers: { "x-test-ip": ip } });

  it("ten wrong passwords from address A: A gets 429 with Retry-After, the right password from address B signs in", async () => {
    const victim = await signUp(app);
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await from("10.9.0.1", victim.email, "wrong password!"));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const refused = await from("10.9.0.1", victim.email, victim.password);
    expectProblem(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // A fresh address with the right password gets in, at once.
    expect((await from("10.9.0.2", victim.email, victim.password)).status).toBe(200);
  });

  it("a person who mistypes a few times and then gets it right loses nothing", async () => {
    const person = await signUp(app);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expectProblem(await from("10.9.1.1", person.email, "wrong password!"), 401, "invalid_credentials");
      expect((await from("10.9.1.1", person.email, person.password)).status).toBe(200);
    }
  });

  it("keeps its counts when the rate-limit table is pruned (pruning forgets only windows older than a day)", async () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0); // prune on every request
    try {
      const victim = await signUp(app);
      for (let i = 0; i < 6; i++) await from("10.9.8.1", victim.email, "wrong password!");
      expectProblem(await from("10.9.8.1", victim.email, "wrong password!"), 429, "rate_limited");
    } finally {
      random.mockRestore();
    }
  });

  it("counts concurrent guesses from one address exactly", async () => {
    const victim = await signUp(app);
    const results = await Promise.all(Array.from({ length: 12 }, () => from("10.9.2.1", victim.email, "wrong password!")));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("an account under attack from many addresses: each address gets 2 tries, the owner is emailed once, the right password still works", async () => {
    const victim = await signUp(app);
    for (let i = 0; i < 10; i++) expectProblem(await from(`10.9.3.${i}`, victim.email, "wrong password!"), 401, "invalid_credentials");
    // Now under attack: a fresh address gets two tries instead of five.
    expectProblem(await from("10.9.4.1", victim.email, "wrong password!"), 401, "invalid_credentials");
    expectProblem(await from("10.9.4.1", victim.email, "wrong password!"), 401, "invalid_credentials");
    expectProblem(await from("10.9.4.1", victim.email, "wrong password!"), 429, "rate_limited");
    for (let i = 0; i < 10; i++) await from(`10.9.5.${i}`, victim.email, "wrong password!");
    expect((await from("10.9.6.1", victim.email, victim.password)).status).toBe(200);

    const alerts = await outboxEmails(app, victim.email, "sign_in_failures");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toMatch(/failed sign-ins/i);
    // An unknown email is counted the same way, and nobody is emailed.
    const nobody = uniqueEmail("nobody");
    for (let i = 0; i < 12; i++) await from(`10.9.7.${i}`, nobody, "wrong password!");
    expect(await outboxEmails(app, nobody)).toEqual([]);
  });
});
