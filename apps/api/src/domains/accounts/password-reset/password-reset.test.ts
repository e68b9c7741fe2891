import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, outboxEmails, signIn, signUp, TEST_PASSWORD, uniqueEmail } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let clock = Date.now();
beforeAll(async () => {
  // A clock the tests move on (links expire); never the same millisecond twice.
  t = await createTestApp({
    now: () => ++clock,
    env: { PASSWORD_RESET_TTL_SECONDS: "600", PASSWORD_RESETS_PER_EMAIL: "3" },
  });
});
afterAll(() => t.close());

const NEW_PASSWORD = "a brand new passphrase";
let ip = 0;
/** Each test from its own client address, so the per-address limit of one does not touch another. */
const from = () => ({ "x-test-ip": `10.0.0.${++ip}` });

async function requestReset(email: string, headers = from()) {
  return call(t, "POST", "/v1/auth/password-reset", { body: { email }, headers });
}

async function emailedToken(email: string): Promise<string> {
  const mail = (await outboxEmails(t, email, "password_reset")).at(-1);
  expect(mail, `a reset email to ${email}`).toBeDefined();
  const token = mail?.data.token;
  if (typeof token !== "string") throw new Error("no token in the reset email");
  expect(mail?.text).toContain(`http://api.test/dashboard/reset-password#token=${token}`);
  return token;
}

describe("forgotten password", () => {
  it("answers the same for an unknown email and a known one; only the account's owner is emailed", async () => {
    const ada = await signUp(t);
    const stranger = uniqueEmail("nobody");
    const known = await requestReset(ada.email.toUpperCase());
    const unknown = await requestReset(stranger);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(await outboxEmails(t, stranger)).toEqual([]);
    const token = await emailedToken(ada.email);
    expect(token).toMatch(/^gk_pwr_/);
  });

  it("sets the new password once, signs out every session, and the old password stops working", async () => {
    const ada = await signUp(t);
    const other = await signIn(t, ada.email);
    expectStatus(await requestReset(ada.email), 202);
    const token = await emailedToken(ada.email);

    const done = await call(t, "POST", "/v1/auth/password-reset/confirm", { body: { token, password: NEW_PASSWORD }, headers: from() });
    expect(done.status).toBe(204);
    // Every session (both sign-ins) is signed out: their refresh tokens no longer work.
    for (const refreshToken of [ada.refreshToken, other.refreshToken]) {
      expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken } }), 401, "invalid_token");
    }
    expectProblem(
      await call(t, "POST", "/v1/auth/sign-in", { body: { email: ada.email, password: TEST_PASSWORD } }),
      401,
      "invalid_credentials",
    );
    await signIn(t, ada.email, NEW_PASSWORD);

    // The link worked once.
    const again = await call(t, "POST", "/v1/auth/password-reset/confirm", {
      body: { token, password: "yet another passphrase" },
      headers: from(),
    });
    expectProblem(again, 422, "reset_link_used");
    await signIn(t, ada.email, NEW_PASSWORD);
  });

  it("of many concurrent uses of one link exactly one sets its password", async () => {
    const ada = await signUp(t);
    expectStatus(await requestReset(ada.email), 202);
    const token = await emailedToken(ada.email);
    const passwords = Array.from({ length: 8 }, (_, i) => `concurrent passphrase ${i}`);
    const results = await Promise.all(
      passwords.map((password) => call(t, "POST", "/v1/auth/password-reset/confirm", { body: { token, password }, headers: from() })),
    );
    const won = results.flatMap((r, i) => (r.status === 204 ? [passwords[i]] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status !== 204) expectProblem(r, 422, "reset_link_used");
    // The winner's password is the one that works; the losers' do not.
    await signIn(t, ada.email, won[0]);
    const loser = passwords.find((p) => p !== won[0]) ?? "";
    expectProblem(await call(t, "POST", "/v1/auth/sign-in", { body: { email: ada.email, password: loser } }), 401, "invalid_credentials");
  });

  it("refuses an expired link, an unknown one, and an older link once a newer one was sent", async () => {
    const ada = await signUp(t);
    expectStatus(await requestReset(ada.email), 202);
    const first = await emailedToken(ada.email);
    expectStatus(await requestReset(ada.email), 202);
    const second = await emailedToken(ada.email);
    expect(second).not.toBe(first);
    const confirm = (token: string) =>
      call(t, "POST", "/v1/auth/password-reset/confirm", { body: { token, password: NEW_PASSWORD }, headers: from() });
    expectProblem(await confirm(first), 422, "reset_link_used");
    expectProblem(await confirm("gk_pwr_not-a-real-token"), 422, "reset_link_invalid");
    clock += 601_000;
    expectProblem(await confirm(second), 422, "reset_link_expired");
    // Nothing changed: the old password still works.
    await signIn(t, ada.email);
  });

  it("sends at most PASSWORD_RESETS_PER_EMAIL links per window to one address, still answering 202", async () => {
    const ada = await signUp(t);
    for (let i = 0; i < 5; i++) expectStatus(await requestReset(ada.email), 202);
    expect(await outboxEmails(t, ada.email, "password_reset")).toHaveLength(3);
  });

  it("limits requests per client address (429 with Retry-After) and checks the new password like sign-up", async () => {
    const limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "2" } });
    try {
      const headers = { "x-test-ip": "10.9.9.9" };
      const ask = () => call(limited, "POST", "/v1/auth/password-reset", { body: { email: uniqueEmail() }, headers });
      expect((await ask()).status).toBe(202);
      expect((await ask()).status).toBe(202);
      const refused = expectProblem(await ask(), 429, "rate_limited");
      expect(refused.detail).toMatch(/Try again/);
    } finally {
      limited.close();
    }
    const short = await call(t, "POST", "/v1/auth/password-reset/confirm", {
      body: { token: "gk_pwr_x", password: "short" },
      headers: from(),
    });
    const problem = expectProblem(short, 400, "validation_failed");
    expect(problem.errors?.[0]?.path).toBe("body.password");
  });
});
