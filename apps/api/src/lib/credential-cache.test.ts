import { publishableKeys, secretKeys } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { expectProblem, newOrg, TEST_ORIGIN } from "../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../test/harness.js";

/**
 * Verified API keys are remembered for CREDENTIAL_CACHE_SECONDS. A change made by another
 * process or isolate (here: written straight to the database, as another instance would) takes
 * effect within that bound; one made through this API takes effect at once.
 */
let t: TestApp | undefined;
afterEach(() => t?.close());

/** An app on a clock the test moves. */
async function appAt(env: Record<string, string> = {}) {
  let now = Date.parse("2030-01-01T00:00:00Z");
  const app = await createTestApp({ env, now: () => now });
  return { app, advance: (ms: number) => (now += ms) };
}

const revokeElsewhere = (app: TestApp, keyId: string) =>
  app.deps.db.update(secretKeys).set({ revokedAt: Date.now() }).where(eq(secretKeys.id, keyId));

describe("the verified-key cache", () => {
  it("lets a key revoked by another instance work for at most CREDENTIAL_CACHE_SECONDS", async () => {
    const { app, advance } = await appAt({ CREDENTIAL_CACHE_SECONDS: "5" });
    t = app;
    const a = await newOrg(app);
    expect((await call(app, "GET", "/v1/organization", { token: a.secretKey })).status).toBe(200);
    await revokeElsewhere(app, a.secretKeyId);
    advance(4_900);
    expect((await call(app, "GET", "/v1/organization", { token: a.secretKey })).status).toBe(200);
    advance(200); // 5.1 s after the key was verified
    expectProblem(await call(app, "GET", "/v1/organization", { token: a.secretKey }), 401, "key_revoked");
  });

  it("is off with CREDENTIAL_CACHE_SECONDS=0: a revocation elsewhere takes effect at once (control)", async () => {
    const { app } = await appAt({ CREDENTIAL_CACHE_SECONDS: "0" });
    t = app;
    const a = await newOrg(app);
    expect((await call(app, "GET", "/v1/organization", { token: a.secretKey })).status).toBe(200);
    await revokeElsewhere(app, a.secretKeyId);
    expectProblem(await call(app, "GET", "/v1/organization", { token: a.secretKey }), 401, "key_revoked");
  });

  it("forgets at once what this API revokes or changes", async () => {
    const { app } = await appAt({ CREDENTIAL_CACHE_SECONDS: "3600" });
    t = app;
    const a = await newOrg(app);
    const other = await call(app, "POST", "/v1/secret-keys", { token: a.ownerToken, body: { name: "To revoke" } });
    expect((await call(app, "GET", "/v1/organization", { token: other.body.secret })).status).toBe(200);
    expect((await call(app, "DELETE", `/v1/secret-keys/${other.body.id}`, { token: a.ownerToken })).status).toBe(200);
    expectProblem(await call(app, "GET", "/v1/organization", { token: other.body.secret }), 401, "key_revoked");

    // A publishable key's origins: the page's origin is refused as soon as it is removed.
    const fromPage = () => call(app, "GET", "/v1/health", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } });
    expect((await fromPage()).status).toBe(200);
    const patched = await call(app, "PATCH", `/v1/publishable-keys/${a.publishableKeyId}`, {
      token: a.secretKey,
      body: { allowedOrigins: ["https://elsewhere.example"] },
    });
    expect(patched.status).toBe(200);
    expectProblem(await fromPage(), 403, "origin_not_allowed");
    // …and a change made elsewhere waits for the bound, as for secret keys.
    await app.deps.db
      .update(publishableKeys)
      .set({ allowedOrigins: [TEST_ORIGIN] })
      .where(eq(publishableKeys.id, a.publishableKeyId));
    expectProblem(await fromPage(), 403, "origin_not_allowed");
  });
});
