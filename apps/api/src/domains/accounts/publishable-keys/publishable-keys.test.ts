import type { PublishableKey } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createPublishableKey,
  expectProblem,
  expectStatus,
  newOrg,
  outboxEvents,
  TEST_ORIGIN,
  type TestOrg,
  twoOrgs,
} from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

/** A request a publishable key may make (any authenticated route that checks the key first). */
const useKey = (key: string, origin?: string) => call(t, "GET", "/v1/organization", { token: key, headers: origin ? { origin } : {} });

describe("creating publishable keys", () => {
  it("creates a key for owners, admins and secret keys, with its allowed origins", async () => {
    const admin = await addMember(t, a, "admin");
    for (const token of [a.ownerToken, admin.accessToken, a.secretKey]) {
      const r = await call(t, "POST", "/v1/publishable-keys", {
        token,
        body: { name: "Site", allowedOrigins: ["https://shop.example", "http://localhost:5173", "https://shop.example"] },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: "Site", allowedOrigins: ["https://shop.example", "http://localhost:5173"], revokedAt: null });
      expect(r.body.id).toMatch(/^pk_/);
      expect(r.body.key).toMatch(/^gk_pk_[0-9a-z]{32}$/);
    }
    const staff = await addMember(t, a, "staff");
    expectProblem(
      await call(t, "POST", "/v1/publishable-keys", { token: staff.accessToken, body: { name: "S", allowedOrigins: [TEST_ORIGIN] } }),
      403,
      "permission_denied",
    );
  });

  it("refuses origins that are not bare origins", async () => {
    for (const origin of ["https://shop.example/", "https://shop.example/path", "ftp://shop.example", "shop.example", "*"]) {
      const p = expectProblem(
        await call(t, "POST", "/v1/publishable-keys", { token: a.ownerToken, body: { name: "Bad", allowedOrigins: [origin] } }),
        400,
        "validation_failed",
      );
      expect(p.errors?.[0]?.path).toBe("body.allowedOrigins.0");
    }
    expectProblem(
      await call(t, "POST", "/v1/publishable-keys", { token: a.ownerToken, body: { name: "None", allowedOrigins: [] } }),
      400,
      "validation_failed",
    );
  });
});

describe("using publishable keys", () => {
  it("works from an allowed origin and is refused from any other with origin_not_allowed", async () => {
    const key = await createPublishableKey(t, a.ownerToken, ["https://shop.example"]);
    // Publishable keys are public-only: the organization route refuses them, after the origin check passed.
    expectProblem(await useKey(key.key, "https://shop.example"), 403, "permission_denied");
    const p = expectProblem(await useKey(key.key, "https://evil.example"), 403, "origin_not_allowed");
    expect(p.detail).toContain("https://evil.example");
  });

  it("follows changes to the allowed origins", async () => {
    const key = await createPublishableKey(t, a.ownerToken, ["https://one.example"]);
    const r = await call(t, "PATCH", `/v1/publishable-keys/${key.id}`, {
      token: a.secretKey,
      body: { allowedOrigins: ["https://two.example"] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: key.id, name: key.name, allowedOrigins: ["https://two.example"] });
    expectProblem(await useKey(key.key, "https://one.example"), 403, "origin_not_allowed");
    expectProblem(await useKey(key.key, "https://two.example"), 403, "permission_denied");
  });

  it("refuses a revoked key with key_revoked; revoking again is harmless; a revoked key cannot be edited", async () => {
    const key = await createPublishableKey(t, a.ownerToken);
    const r = await call(t, "DELETE", `/v1/publishable-keys/${key.id}`, { token: a.ownerToken });
    expect(r.status).toBe(200);
    expect(r.body.revokedAt).toEqual(expect.any(String));
    expectProblem(await useKey(key.key, TEST_ORIGIN), 401, "key_revoked");
    const again = await call(t, "DELETE", `/v1/publishable-keys/${key.id}`, { token: a.ownerToken });
    expect(again.body.revokedAt).toBe(r.body.revokedAt);
    expectProblem(
      await call(t, "PATCH", `/v1/publishable-keys/${key.id}`, { token: a.ownerToken, body: { name: "Back" } }),
      409,
      "conflict",
    );
  });

  it("refuses an unknown key", async () => {
    expectProblem(await useKey("gk_pk_doesnotexist", TEST_ORIGIN), 401, "invalid_token");
  });
});

describe("reading and editing publishable keys", () => {
  it("lists the organization's keys newest first for any organizer", async () => {
    const org = await newOrg(t);
    await createPublishableKey(t, org.ownerToken, [TEST_ORIGIN], "second");
    const staff = await addMember(t, org, "staff");
    const page = expectStatus<{ data: PublishableKey[]; nextCursor: string | null }>(
      await call(t, "GET", "/v1/publishable-keys?limit=1", { token: staff.accessToken }),
      200,
    );
    expect(page.data.map((k) => k.name)).toEqual(["second"]);
    const rest = expectStatus<{ data: PublishableKey[]; nextCursor: string | null }>(
      await call(t, "GET", `/v1/publishable-keys?limit=1&cursor=${page.nextCursor}`, { token: staff.accessToken }),
      200,
    );
    expect(rest.data.map((k) => k.id)).toEqual([org.publishableKeyId]);
    expect(rest.nextCursor).toBeNull();
    expect((await call(t, "GET", `/v1/publishable-keys/${org.publishableKeyId}`, { token: staff.accessToken })).body.key).toBe(
      org.publishableKey,
    );
    expectProblem(
      await call(t, "PATCH", `/v1/publishable-keys/${org.publishableKeyId}`, { token: staff.accessToken, body: { name: "x" } }),
      403,
      "permission_denied",
    );
  });

  it("renames a key, and refuses an empty or unknown change", async () => {
    const r = await call(t, "PATCH", `/v1/publishable-keys/${a.publishableKeyId}`, { token: a.ownerToken, body: { name: "Renamed" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "Renamed", allowedOrigins: [TEST_ORIGIN] });
    const changes = async () =>
      (await outboxEvents(t, `org:${a.org.id}`)).filter((e) => e.type === "key.changed" && e.data.id === a.publishableKeyId).length;
    expect(await changes()).toBe(2); // created, renamed
    expectProblem(
      await call(t, "PATCH", `/v1/publishable-keys/${a.publishableKeyId}`, { token: a.ownerToken, body: {} }),
      400,
      "validation_failed",
    );
    expectProblem(
      await call(t, "PATCH", `/v1/publishable-keys/${a.publishableKeyId}`, { token: a.ownerToken, body: { key: "gk_pk_mine" } }),
      400,
      "validation_failed",
    );
  });

  it("keeps organizations apart: another organization's key id is 404", async () => {
    const list = expectStatus<{ data: PublishableKey[] }>(await call(t, "GET", "/v1/publishable-keys", { token: b.secretKey }), 200);
    expect(list.data.map((k) => k.id)).toEqual([b.publishableKeyId]);
    for (const [method, body] of [["GET"], ["PATCH", { name: "Mine now" }], ["DELETE"]] as const) {
      expectProblem(await call(t, method, `/v1/publishable-keys/${a.publishableKeyId}`, { token: b.secretKey, body }), 404, "not_found");
    }
    expectProblem(await useKey(a.publishableKey, TEST_ORIGIN), 403, "permission_denied"); // still alive, not revoked by b
  });
});
