import { requestLog } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
/** The log is written after each answer (in the background): waits for what was written. */
const pending: Promise<unknown>[] = [];
beforeAll(async () => {
  t = await createTestApp({ env: { REQUEST_LOG_SIZE: "5" } });
  t.deps.waitUntil = (p) => void pending.push(p);
});
afterAll(() => t.close());

async function settled() {
  while (pending.length) await Promise.all(pending.splice(0));
}

interface Entry {
  requestId: string;
  method: string;
  path: string;
  status: number;
  code: string | null;
  callerKind: string;
}

async function log(org: TestOrg, query = ""): Promise<{ data: Entry[]; nextCursor: string | null }> {
  await settled();
  return expectStatus(await call(t, "GET", `/v1/request-log${query}`, { token: org.ownerToken }), 200);
}

describe("the request log", () => {
  it("lists the organization's recent calls newest first, with request ids, statuses and problem codes", async () => {
    const a = await newOrg(t);
    const ok = await call(t, "GET", "/v1/organization", { token: a.secretKey });
    const bad = await call(t, "POST", "/v1/secret-keys", { token: a.ownerToken, body: { name: "" } });
    const missing = await call(t, "GET", "/v1/events/evt_00000000000000000000", { token: a.secretKey });
    const fromPage = await call(t, "GET", "/v1/realtime/nope", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } });
    const { data } = await log(a, "?limit=4");
    expect(data.map((e) => [e.requestId, e.method, e.path, e.status, e.code, e.callerKind])).toEqual([
      [fromPage.headers.get("x-request-id"), "GET", "/v1/realtime/nope", 404, "route_not_found", "publishable_key"],
      [missing.headers.get("x-request-id"), "GET", "/v1/events/evt_00000000000000000000", 404, "not_found", "secret_key"],
      [bad.headers.get("x-request-id"), "POST", "/v1/secret-keys", 400, "validation_failed", "user"],
      [ok.headers.get("x-request-id"), "GET", "/v1/organization", 200, null, "secret_key"],
    ]);
    // Only failures, or only successes.
    expect((await log(a, "?failed=true")).data.every((e) => e.status >= 400)).toBe(true);
    expect((await log(a, "?failed=false")).data.every((e) => e.status < 400)).toBe(true);
  });

  it("keeps at most REQUEST_LOG_SIZE calls per organization (a ring), paginated by cursor", async () => {
    const a = await newOrg(t);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await call(t, "GET", "/v1/organization", { token: a.secretKey });
      ids.push(r.headers.get("x-request-id") ?? "");
      await settled();
    }
    const rows = await t.deps.db.select().from(requestLog).where(eq(requestLog.orgId, a.org.id));
    expect(rows).toHaveLength(5);
    const first = await log(a, "?limit=3");
    expect(first.nextCursor).not.toBeNull();
    const second = await log(a, `?limit=3&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    expect([...first.data, ...second.data].map((e) => e.requestId)).toEqual(ids.slice(-5).reverse());
  });

  it("records every one of many concurrent calls in its own slot", async () => {
    const a = await newOrg(t);
    const wide = await createTestApp({ env: { REQUEST_LOG_SIZE: "100" } });
    const waits: Promise<unknown>[] = [];
    wide.deps.waitUntil = (p) => void waits.push(p);
    try {
      const org = await newOrg(wide);
      await Promise.all(waits.splice(0));
      const before = (await wide.deps.db.select().from(requestLog).where(eq(requestLog.orgId, org.org.id))).length;
      const calls = await Promise.all(Array.from({ length: 30 }, () => call(wide, "GET", "/v1/organization", { token: org.secretKey })));
      await Promise.all(waits.splice(0));
      const rows = await wide.deps.db.select().from(requestLog).where(eq(requestLog.orgId, org.org.id));
      expect(rows).toHaveLength(before + 30);
      const logged = new Set(rows.map((r) => r.requestId));
      for (const c of calls) expect(logged.has(c.headers.get("x-request-id") ?? "")).toBe(true);
      expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
    } finally {
      wide.close();
    }
    expect(a.org.id).toMatch(/^org_/);
  });

  it("is each organization's own, for owners and admins; secret path segments are not kept", async () => {
    const a = await newOrg(t);
    const b = await newOrg(t);
    await call(t, "GET", "/v1/organization", { token: b.secretKey });
    await call(t, "GET", "/v1/unsubscribe/gk_uns_secretsecretsecret", { token: a.secretKey });
    const seen = (await log(a)).data;
    expect(seen.some((e) => e.path.includes("secretsecret"))).toBe(false);
    expect(seen.some((e) => e.path === "/v1/unsubscribe/:token")).toBe(true);
    const bIds = new Set((await log(b)).data.map((e) => e.requestId));
    expect(seen.some((e) => bIds.has(e.requestId))).toBe(false);
    // Listing it is not itself logged.
    expect(seen.some((e) => e.path === "/v1/request-log")).toBe(false);
    expectProblem(await call(t, "GET", "/v1/request-log", { token: a.participantToken }), 403, "permission_denied");
    expectProblem(
      await call(t, "GET", "/v1/request-log", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
  });
});
