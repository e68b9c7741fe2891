import type { SecretKey } from "@gatherkit/core";
import { secretKeys } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createSecretKey,
  expectProblem,
  expectPublished,
  expectStatus,
  newOrg,
  TEST_ORIGIN,
  type TestOrg,
  twoOrgs,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

describe("creating secret keys", () => {
  it("shows the secret once and stores only its hash and a display prefix", async () => {
    const r = await call(t, "POST", "/v1/secret-keys", { token: a.ownerToken, body: { name: " Production " } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Production", lastUsedAt: null, revokedAt: null });
    expect(r.body.id).toMatch(/^sk_/);
    expect(r.body.secret).toMatch(/^gk_sk_[0-9a-z]{32}$/);
    expect(r.body.prefix).toBe(r.body.secret.slice(0, 10));

    const [row] = await t.deps.db.select().from(secretKeys).where(eq(secretKeys.id, r.body.id));
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(r.body.secret);

    const shown = await call(t, "GET", `/v1/secret-keys/${r.body.id}`, { token: a.ownerToken });
    expect(shown.status).toBe(200);
    expect(shown.body.secret).toBeUndefined();
    expect(shown.body).toMatchObject({ id: r.body.id, prefix: r.body.prefix });
    await expectPublished(t, `org:${a.org.id}`, { type: "key.changed", data: { id: r.body.id } });
  });

  it("works as a credential for its organization and records when it was last used", async () => {
    const key = await createSecretKey(t, a.ownerToken);
    const org = await call(t, "GET", "/v1/organization", { token: key.secret });
    expect(org.body.id).toBe(a.org.id);
    const shown = expectStatus<SecretKey>(await call(t, "GET", `/v1/secret-keys/${key.id}`, { token: a.ownerToken }), 200);
    expect(shown.lastUsedAt).not.toBeNull();
  });

  it("is for signed-in owners and admins only: not staff, not keys", async () => {
    const admin = await addMember(t, a, "admin");
    const staff = await addMember(t, a, "staff");
    expect((await call(t, "POST", "/v1/secret-keys", { token: admin.accessToken, body: { name: "By admin" } })).status).toBe(201);
    for (const token of [staff.accessToken, a.secretKey, a.participantToken]) {
      expectProblem(await call(t, "POST", "/v1/secret-keys", { token, body: { name: "No" } }), 403, "permission_denied");
      expectProblem(await call(t, "GET", "/v1/secret-keys", { token }), 403, "permission_denied");
    }
    expectProblem(
      await call(t, "POST", "/v1/secret-keys", { token: a.publishableKey, headers: { origin: TEST_ORIGIN }, body: { name: "No" } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "POST", "/v1/secret-keys", { body: { name: "No" } }), 401, "authentication_required");
  });

  it("refuses a missing or too long name", async () => {
    expectProblem(await call(t, "POST", "/v1/secret-keys", { token: a.ownerToken, body: {} }), 400, "validation_failed");
    const long = expectProblem(
      await call(t, "POST", "/v1/secret-keys", { token: a.ownerToken, body: { name: "x".repeat(81) } }),
      400,
      "validation_failed",
    );
    expect(long.errors?.[0]?.path).toBe("body.name");
  });
});

describe("listing secret keys", () => {
  it("pages through the organization's keys newest first, without secrets", async () => {
    const org = await newOrg(t);
    for (let i = 0; i < 4; i++) await createSecretKey(t, org.ownerToken, `k${i}`);
    const first = expectStatus<{ data: SecretKey[]; nextCursor: string | null }>(
      await call(t, "GET", "/v1/secret-keys?limit=3", { token: org.ownerToken }),
      200,
    );
    expect(first.data.map((k) => k.name)).toEqual(["k3", "k2", "k1"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectStatus<{ data: SecretKey[]; nextCursor: string | null }>(
      await call(t, "GET", `/v1/secret-keys?limit=3&cursor=${first.nextCursor}`, { token: org.ownerToken }),
      200,
    );
    expect(second.data.map((k) => k.name)).toEqual(["k0", "Test server"]);
    expect(second.nextCursor).toBeNull();
    expect(JSON.stringify([first, second])).not.toMatch(/gk_sk_[0-9a-z]{32}/);
  });

  it("pages correctly through keys created in the same millisecond (ties broken by id)", async () => {
    const frozenAt = Date.now();
    const frozen = await createTestApp({ now: () => frozenAt });
    try {
      const org = await newOrg(frozen);
      for (let i = 0; i < 6; i++) await createSecretKey(frozen, org.ownerToken, `same-ms-${i}`);
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: SecretKey[]; nextCursor: string | null } = expectStatus(
          await call(frozen, "GET", `/v1/secret-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: org.ownerToken }),
          200,
        );
        ids.push(...page.data.map((k) => k.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toHaveLength(7);
      expect(new Set(ids).size).toBe(7);
      expect(ids).toEqual([...ids].sort().reverse());
    } finally {
      frozen.close();
    }
  });

  it("keeps organizations apart: another organization's key id is 404", async () => {
    const list = expectStatus<{ data: SecretKey[] }>(await call(t, "GET", "/v1/secret-keys?limit=100", { token: b.ownerToken }), 200);
    expect(list.data.map((k) => k.id)).toEqual([b.secretKeyId]);
    expectProblem(await call(t, "GET", `/v1/secret-keys/${a.secretKeyId}`, { token: b.ownerToken }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/secret-keys/${a.secretKeyId}`, { token: b.ownerToken }), 404, "not_found");
    expect((await call(t, "GET", "/v1/organization", { token: a.secretKey })).status).toBe(200);
  });
});

describe("revoking secret keys", () => {
  it("revokes at once: the key is refused with key_revoked, and revoking again is harmless", async () => {
    const key = await createSecretKey(t, a.ownerToken);
    expect((await call(t, "GET", "/v1/organization", { token: key.secret })).status).toBe(200);
    const r = await call(t, "DELETE", `/v1/secret-keys/${key.id}`, { token: a.ownerToken });
    expect(r.status).toBe(200);
    expect(r.body.revokedAt).toEqual(expect.any(String));
    expectProblem(await call(t, "GET", "/v1/organization", { token: key.secret }), 401, "key_revoked");
    expectProblem(
      await call(t, "POST", "/v1/participant-tokens", { token: key.secret, body: { externalId: "u1", name: "U" } }),
      401,
      "key_revoked",
    );
    const again = await call(t, "DELETE", `/v1/secret-keys/${key.id}`, { token: a.ownerToken });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(r.body.revokedAt);
  });

  it("answers 404 for an unknown key and 400 for a malformed id", async () => {
    expectProblem(await call(t, "DELETE", "/v1/secret-keys/sk_0123456789abcdefghjk", { token: a.ownerToken }), 404, "not_found");
    expectProblem(await call(t, "GET", "/v1/secret-keys/pk_0123456789abcdefghjk", { token: a.ownerToken }), 400, "validation_failed");
  });

  it("refuses an unknown secret key outright", async () => {
    expectProblem(await call(t, "GET", "/v1/organization", { token: "gk_sk_doesnotexist" }), 401, "invalid_token");
  });
});
