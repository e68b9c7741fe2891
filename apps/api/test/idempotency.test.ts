import type { PublishableKey, SecretKey } from "@gatherkit/core";
import { secretKeys } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedSecretKey } from "./fixtures.js";
import { addMember, expectProblem, expectStatus, TEST_ORIGIN, TEST_PASSWORD, type TestOrg, twoOrgs } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";
import { joinPlan, newPlan, PLAN_DEFAULTS } from "./plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

const createKey = (token: string, name: string, key: string) =>
  call(t, "POST", "/v1/secret-keys", { token, body: { name }, headers: { "idempotency-key": key } });

async function keysNamed(orgId: string, name: string) {
  return t.deps.db
    .select()
    .from(secretKeys)
    .where(and(eq(secretKeys.orgId, orgId), eq(secretKeys.name, name)));
}

describe("Idempotency-Key", () => {
  it("does not keep a refused request: the corrected retry with the same key does the work", async () => {
    const bad = await createKey(a.ownerToken, "", "fix-and-retry");
    expectProblem(bad, 400, "validation_failed");
    const again = await createKey(a.ownerToken, "", "fix-and-retry");
    expectProblem(again, 400, "validation_failed");
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    // The problem answered is this request's own, with its own request id.
    expect(again.body.requestId).toBe(again.headers.get("x-request-id"));
    const fixed = await createKey(a.ownerToken, "fixed", "fix-and-retry");
    expect(fixed.status).toBe(201);
    expect(await keysNamed(a.org.id, "fixed")).toHaveLength(1);
  });

  it("replays the first response for the same key and body, creating one object", async () => {
    const first = await createKey(a.ownerToken, "replayed", "create-key-1");
    const created = expectStatus<CreatedSecretKey>(first, 201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    const again = await createKey(a.ownerToken, "replayed", "create-key-1");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toMatch(/application\/json/);
    expect(again.body).toEqual(created); // same id, same (once-shown) secret
    expect(await keysNamed(a.org.id, "replayed")).toHaveLength(1);
  });

  it("refuses the same key with a different body (422) and does not create anything for it", async () => {
    expectStatus(await createKey(a.ownerToken, "first body", "create-key-2"), 201);
    expectProblem(await createKey(a.ownerToken, "second body", "create-key-2"), 422, "idempotency_key_reused");
    expect(await keysNamed(a.org.id, "second body")).toHaveLength(0);
  });

  it("creates exactly one object when 20 identical requests with one key race", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => createKey(a.ownerToken, "raced", "create-key-3")));
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      const p = expectProblem(r, 409, "idempotency_key_in_flight");
      expect(p.detail).toMatch(/retry/i);
      expect(r.headers.get("retry-after")).toBe("1");
    }
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    expect(await keysNamed(a.org.id, "raced")).toHaveLength(1);
    // After the race, a retry is a replay of the one created.
    const retry = await createKey(a.ownerToken, "raced", "create-key-3");
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.id).toBe(ok[0]?.body.id);
  });

  it("scopes keys to the caller: the same key from another caller is a new request", async () => {
    const mine = expectStatus<CreatedSecretKey>(await createKey(a.ownerToken, "scoped", "shared-key"), 201);
    const theirs = expectStatus<CreatedSecretKey>(await createKey(b.ownerToken, "scoped", "shared-key"), 201);
    expect(theirs.id).not.toBe(mine.id);
    const list = expectStatus<{ data: SecretKey[] }>(await call(t, "GET", "/v1/secret-keys?limit=100", { token: b.ownerToken }), 200);
    expect(list.data.map((k) => k.id)).toContain(theirs.id);
    expect(list.data.map((k) => k.id)).not.toContain(mine.id);
  });

  it("scopes keys to the organization: one person sending the same key and body in two organizations creates one plan in each", async () => {
    // One person, a member of org A, who also owns their own organization C.
    const person = await addMember(t, a, "admin");
    const me = expectStatus<{ organization: { id: string } }>(await call(t, "GET", "/v1/auth/me", { token: person.accessToken }), 200);
    expect(me.organization.id).toBe(a.org.id);
    const sessions = [person.accessToken];
    // Signing in without naming an organization opens their first one: their own.
    const own = await call(t, "POST", "/v1/auth/sign-in", { body: { email: person.email, password: TEST_PASSWORD } });
    const ownSession = expectStatus<{ accessToken: string; organization: { id: string } }>(own, 200);
    expect(ownSession.organization.id).not.toBe(a.org.id);
    sessions.push(ownSession.accessToken);

    const headers = { "idempotency-key": "same-key-two-orgs" };
    const body = { ...PLAN_DEFAULTS, title: "Same key, two orgs" };
    const planA = expectStatus<{ id: string }>(await call(t, "POST", "/v1/plans", { token: sessions[0], body, headers }), 201);
    const rC = await call(t, "POST", "/v1/plans", { token: sessions[1], body, headers });
    const planC = expectStatus<{ id: string }>(rC, 201);
    expect(rC.headers.get("idempotent-replayed")).toBeNull();
    expect(planC.id).not.toBe(planA.id);
    // Each plan lives in its own organization; C's member cannot see A's plan there.
    expectStatus(await call(t, "GET", `/v1/plans/${planC.id}`, { token: sessions[1] }), 200);
    expectProblem(await call(t, "GET", `/v1/plans/${planA.id}`, { token: sessions[1] }), 404, "not_found");
    // A retry in either organization replays that organization's own plan.
    const againA = await call(t, "POST", "/v1/plans", { token: sessions[0], body, headers });
    expect(againA.headers.get("idempotent-replayed")).toBe("true");
    expect(againA.body.id).toBe(planA.id);
    const againC = await call(t, "POST", "/v1/plans", { token: sessions[1], body, headers });
    expect(againC.headers.get("idempotent-replayed")).toBe("true");
    expect(againC.body.id).toBe(planC.id);
  });

  it("creating a plan, a chat message or a payment seals exactly its response into its write (a retry after a crash gets it)", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    const bob = await joinPlan(t, a, plan, "Bob");
    const sends = [
      () =>
        call(t, "POST", "/v1/plans", {
          token: a.secretKey,
          body: { ...PLAN_DEFAULTS, title: "Sealed" },
          headers: { "idempotency-key": "sealed-plan" },
        }),
      () =>
        call(t, "POST", `/v1/plans/${plan.id}/messages`, {
          token: ada.token,
          body: { body: "Sealed" },
          headers: { "idempotency-key": "sealed-msg" },
        }),
      () =>
        call(t, "POST", `/v1/plans/${plan.id}/payments`, {
          token: ada.token,
          body: { amount: 1200, currency: "EUR", toParticipantId: bob.participantId },
          headers: { "idempotency-key": "sealed-pay" },
        }),
    ];
    for (const send of sends) {
      const first = await send();
      expect(first.status).toBe(201);
      const again = await send();
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(first.body);
    }
    // The middleware compares the answer sealed with the write to the response and logs when they differ.
    expect(t.logs.filter((l) => String(l.msg).includes("differs from the response"))).toEqual([]);
  });

  it("works for secret-key callers too", async () => {
    const body = { name: "Via key", allowedOrigins: [TEST_ORIGIN] };
    const headers = { "idempotency-key": "pk-1" };
    const first = expectStatus<PublishableKey>(await call(t, "POST", "/v1/publishable-keys", { token: a.secretKey, body, headers }), 201);
    const again = await call(t, "POST", "/v1/publishable-keys", { token: a.secretKey, body, headers });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.id);
  });

  it("refuses a malformed key", async () => {
    expectProblem(await createKey(a.ownerToken, "bad key", "has space"), 400, "invalid_idempotency_key");
    expectProblem(await createKey(a.ownerToken, "bad key", "x".repeat(256)), 400, "invalid_idempotency_key");
    expect(await keysNamed(a.org.id, "bad key")).toHaveLength(0);
  });
});
