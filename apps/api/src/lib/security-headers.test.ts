import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretKey, newOrg, TEST_ORIGIN, type TestOrg } from "../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../test/harness.js";

/**
 * Security headers per kind of response: nosniff on everything, a "load nothing, never framed"
 * Content-Security-Policy on API answers and the reference page's own policy on /docs, HSTS
 * only over https, and no-store on every /v1 answer (tokens and keys among them).
 */

let t: TestApp;
let https: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  https = await createTestApp({ env: { PUBLIC_URL: "https://api.example" } });
  org = await newOrg(t);
});
afterAll(() => {
  t.close();
  https.close();
});

type Answer = { status: number; headers: Headers; body: unknown };

function expectApiHeaders(r: Answer) {
  expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  expect(r.headers.get("x-frame-options")).toBe("DENY");
  expect(r.headers.get("referrer-policy")).toBe("no-referrer");
  expect(r.headers.get("strict-transport-security")).toBeNull();
}

describe("security headers by kind of response", () => {
  it("JSON answers", async () => {
    const r = await call(t, "GET", "/v1/organization", { token: org.ownerToken });
    expect(r.status).toBe(200);
    expectApiHeaders(r);
    expect(r.headers.get("cache-control")).toBe("no-store");
  });

  it("problem+json answers (a route's refusal, an unknown route, a CORS preflight)", async () => {
    const refused = await call(t, "GET", "/v1/organization");
    expect(refused.status).toBe(401);
    expectApiHeaders(refused);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const unknown = await call(t, "GET", "/v1/nothing-here");
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expectApiHeaders(unknown);
    const preflight = await call(t, "OPTIONS", "/v1/plans", {
      headers: { origin: TEST_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("/v1/openapi.json", async () => {
    const r = await call(t, "GET", "/v1/openapi.json");
    expect(r.status).toBe(200);
    expectApiHeaders(r);
  });

  it("/docs: its own policy allows exactly its inline script (by hash), never framed", async () => {
    const res = await t.fetch("http://api.test/docs");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    const inline = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "").filter((s) => s.trim());
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) {
      expect(directives["script-src"]).toContain(`'sha256-${createHash("sha256").update(script).digest("base64")}'`);
    }
    expect(directives["script-src"]).not.toContain("'unsafe-inline'");
    // Without a local copy of the page's script (Workers), it comes from the CDN, which is allowed.
    expect(directives["script-src"]).toContain("https://cdn.jsdelivr.net");
  });

  it("HSTS only when PUBLIC_URL is https", async () => {
    for (const path of ["/v1/openapi.json", "/docs", "/v1/nothing-here"]) {
      const r = await call(https, "GET", path);
      expect(r.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
      expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect((await call(t, "GET", path)).headers.get("strict-transport-security"), path).toBeNull();
    }
  });
});

describe("no-store on every answer that carries a token or a key", () => {
  it("sign-up, sign-in, refresh, secret key create, publishable key create, participant token mint", async () => {
    const email = `nostore-${Date.now()}@example.com`;
    const password = "correct horse battery staple";
    const signUp = await call(t, "POST", "/v1/auth/sign-up", { body: { email, password, name: "N", organizationName: "N" } });
    const signIn = await call(t, "POST", "/v1/auth/sign-in", { body: { email, password } });
    const refresh = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: signIn.body.refreshToken } });
    const key = await call(t, "POST", "/v1/secret-keys", { token: signIn.body.accessToken, body: { name: "K" } });
    const pk = await call(t, "POST", "/v1/publishable-keys", {
      token: signIn.body.accessToken,
      body: { name: "P", allowedOrigins: [TEST_ORIGIN] },
    });
    const participant = await call(t, "POST", "/v1/participant-tokens", {
      token: (await createSecretKey(t, signIn.body.accessToken)).secret,
      body: { externalId: "nostore", name: "N" },
    });
    const answers = { signUp, signIn, refresh, key, pk, participant };
    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]))).toEqual({
      signUp: 201,
      signIn: 200,
      refresh: 200,
      key: 201,
      pk: 201,
      participant: 201,
    });
    for (const [name, r] of Object.entries(answers)) {
      expect(r.headers.get("cache-control"), name).toBe("no-store");
      expect(r.headers.get("x-content-type-options"), name).toBe("nosniff");
    }
  });
});
