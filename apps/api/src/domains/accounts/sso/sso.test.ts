import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Me, SsoConfig } from "@gatherkit/core";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesOf, expectProblem, expectStatus, signUp, uniqueEmail } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

/**
 * Single sign-on against a local OpenID Connect stand-in that this test starts: a discovery
 * document, a JWKS, and a token endpoint that checks the client's credentials and the PKCE
 * verifier against the challenge the API sent, then answers the ID token the test chose.
 */

const CLIENT_ID = "gatherkit-dashboard";
const CLIENT_SECRET = "stand-in-secret";
type Key = Awaited<ReturnType<typeof generateKeyPair>>;

async function startProvider() {
  const key: Key = await generateKeyPair("ES256");
  const stranger: Key = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(key.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  /** Codes the "provider" issued: the PKCE challenge they are bound to and the ID token they redeem for. */
  const codes = new Map<string, { challenge: string; idToken: string }>();
  const tokenRequests: URLSearchParams[] = [];
  let base = "";
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.url === "/.well-known/openid-configuration") {
        return json(200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
        });
      }
      if (req.url === "/jwks") return json(200, { keys: [jwk] });
      if (req.url === "/token" && req.method === "POST") {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        const auth = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
        if (req.headers.authorization !== `Basic ${auth}`) return json(401, { error: "invalid_client" });
        const issued = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const challenge = createHash("sha256")
          .update(form.get("code_verifier") ?? "")
          .digest("base64url");
        if (!issued || issued.challenge !== challenge) return json(400, { error: "invalid_grant" });
        return json(200, { access_token: "at", token_type: "Bearer", expires_in: 300, id_token: issued.idToken });
      }
      json(404, { error: "not_found" });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  const sign = (claims: JWTPayload, opts: { with?: Key; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "5m")
      .sign((opts.with ?? key).privateKey);
  return {
    get base() {
      return base;
    },
    codes,
    tokenRequests,
    sign,
    stranger,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let provider: Awaited<ReturnType<typeof startProvider>>;
let t: TestApp;
let email: string;

beforeAll(async () => {
  provider = await startProvider();
  t = await createTestApp({
    env: { OIDC_ISSUER: provider.base, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_NAME: "Keycloak" },
  });
  email = uniqueEmail("sso");
  await signUp(t, { email });
});
afterAll(async () => {
  t.close();
  await provider.close();
});

/** Starts a sign-in as a browser would: the provider URL's parameters and the state cookie. */
async function begin(returnTo?: string) {
  const r = await t.fetch(`http://api.test/v1/auth/sso/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`, {
    redirect: "manual",
  });
  expect(r.status).toBe(302);
  const to = new URL(r.headers.get("location")!);
  const cookie = cookiesOf(r).gk_sso!;
  expect(cookie.attributes).toMatch(/HttpOnly/);
  expect(cookie.attributes).toMatch(/SameSite=Lax/);
  return { to, params: to.searchParams, cookie: `gk_sso=${cookie.value}` };
}

/** The provider's side: issues `code` for this sign-in's PKCE challenge, redeemable for an ID token with `claims`. */
async function issue(flow: Awaited<ReturnType<typeof begin>>, claims: JWTPayload, opts: Parameters<typeof provider.sign>[1] = {}) {
  const code = `code-${provider.codes.size}-${flow.params.get("state")}`;
  const idToken = await provider.sign(
    { iss: provider.base, aud: CLIENT_ID, sub: "kc-user-1", email, email_verified: true, nonce: flow.params.get("nonce"), ...claims },
    opts,
  );
  provider.codes.set(code, { challenge: flow.params.get("code_challenge")!, idToken });
  return code;
}

const back = (flow: { cookie: string }, query: Record<string, string>) =>
  call(t, "GET", `/v1/auth/sso/callback?${new URLSearchParams(query)}`, { headers: { cookie: flow.cookie } });

describe("single sign-on (OpenID Connect)", () => {
  it("publishes its settings, and redirects to the provider with PKCE (S256), state and nonce", async () => {
    expect(expectStatus<SsoConfig>(await call(t, "GET", "/v1/auth/sso"), 200)).toEqual({
      enabled: true,
      name: "Keycloak",
      startUrl: "/v1/auth/sso/start",
    });
    const flow = await begin();
    expect(`${flow.to.origin}${flow.to.pathname}`).toBe(`${provider.base}/authorize`);
    expect(Object.fromEntries(flow.params)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: "http://api.test/v1/auth/sso/callback",
      code_challenge_method: "S256",
    });
    expect(flow.params.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["openid", "email"]));
    for (const p of ["state", "nonce", "code_challenge"]) expect(flow.params.get(p)?.length).toBeGreaterThanOrEqual(22);
    const again = await begin();
    expect(again.params.get("state")).not.toBe(flow.params.get("state"));
    expect(again.params.get("nonce")).not.toBe(flow.params.get("nonce"));
    expectProblem(await call(t, "GET", "/v1/auth/sso/start?returnTo=https://evil.example/"), 400, "validation_failed");
    expectProblem(await call(t, "GET", "/v1/auth/sso/start?returnTo=//evil.example/"), 400, "validation_failed");
  });

  it("signs the organizer with that verified email in: session cookies, back to returnTo", async () => {
    const flow = await begin("/dashboard/#/events");
    const code = await issue(flow, { email: email.toUpperCase() });
    const r = await back(flow, { code, state: flow.params.get("state")! });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/dashboard/#/events");
    const cookies = cookiesOf(r);
    expect(cookies.gk_sso?.value).toBe("");
    const me = expectStatus<Me>(await call(t, "GET", "/v1/auth/me", { token: cookies.gk_access!.value }), 200);
    expect(me.user.email).toBe(email);
    // The token request carried the verifier and this client's credentials (the stand-in checked both).
    expect(provider.tokenRequests.at(-1)?.get("code_verifier")).toBeTruthy();
  });

  it("refuses a callback not started in this browser, a forged state, a wrong PKCE verifier and a provider error", async () => {
    const flow = await begin();
    const code = await issue(flow, {});
    expectProblem(await back({ cookie: "" }, { code, state: flow.params.get("state")! }), 400, "sso_state_invalid");
    expectProblem(await back(flow, { code, state: "forged-state-value-0123456789" }), 400, "sso_state_invalid");
    const other = await begin();
    expectProblem(await back(other, { code, state: flow.params.get("state")! }), 400, "sso_state_invalid");
    // The cookie with its signature's first character changed (to one it is not).
    const [head, body, sig = ""] = flow.cookie.split(".");
    const tampered = `${head}.${body}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expectProblem(await back({ cookie: tampered }, { code, state: flow.params.get("state")! }), 400, "sso_state_invalid");
    // The code was issued for flow's challenge; redeemed with other's verifier, the provider refuses.
    expectProblem(await back(other, { code, state: other.params.get("state")! }), 400, "sso_provider_error");
    expectProblem(await back(flow, { error: "access_denied", state: flow.params.get("state")! }), 400, "sso_provider_error");
  });

  it("refuses ID tokens with the wrong audience or issuer, expired, of another key, or with a bad nonce", async () => {
    const cases: [JWTPayload, Parameters<typeof provider.sign>[1]][] = [
      [{ aud: "someone-else" }, {}],
      [{ iss: "https://other-issuer.example" }, {}],
      [{}, { exp: Math.floor(t.deps.now() / 1000) - 3600 }],
      [{}, { with: provider.stranger }],
      [{ nonce: "not-the-nonce-we-sent" }, {}],
    ];
    for (const [claims, opts] of cases) {
      const flow = await begin();
      const code = await issue(flow, claims, opts);
      expectProblem(await back(flow, { code, state: flow.params.get("state")! }), 401, "sso_token_invalid");
    }
  });

  it("links accounts by verified email only, and never makes one", async () => {
    let flow = await begin();
    let code = await issue(flow, { email_verified: false });
    expectProblem(await back(flow, { code, state: flow.params.get("state")! }), 403, "sso_email_unverified");
    flow = await begin();
    code = await issue(flow, { email: uniqueEmail("stranger") });
    const r = await back(flow, { code, state: flow.params.get("state")! });
    expectProblem(r, 403, "sso_no_account");
    expect(cookiesOf(r).gk_access).toBeUndefined();
  });

  it("is off without OIDC_* settings", async () => {
    const plain = await createTestApp();
    try {
      expect(expectStatus<SsoConfig>(await call(plain, "GET", "/v1/auth/sso"), 200)).toEqual({
        enabled: false,
        name: null,
        startUrl: null,
      });
      expectProblem(await call(plain, "GET", "/v1/auth/sso/start"), 404, "sso_not_configured");
    } finally {
      plain.close();
    }
  });
});
