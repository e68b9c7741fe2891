import { requestLog } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg } from "../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { flushRequestLog, type LoggedRequest, recordRequest } from "./request-log.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { REQUEST_LOG_SIZE: "5" } });
});
afterAll(() => t.close());

const entry = (orgId: string, n: number): LoggedRequest => ({
  orgId,
  requestId: `req_flush${String(n).padStart(4, "0")}`,
  method: n % 2 ? "POST" : "GET",
  path: `/v1/things/${n}`,
  status: n % 3 ? 200 : 404,
  code: n % 3 ? null : "not_found",
  callerKind: "secret_key",
  durationMs: n,
});

describe("one flush of the request log", () => {
  it("writes several organizations' entries, more than the ring holds, as if one after the other", async () => {
    const a = await newOrg(t);
    const b = await newOrg(t);
    await flushRequestLog(t.deps);
    const rows = (orgId: string) => t.deps.db.select().from(requestLog).where(eq(requestLog.orgId, orgId)).orderBy(asc(requestLog.seq));
    const lastSeq = async (orgId: string) => (await rows(orgId)).at(-1)?.seq ?? 0;
    const [aSeq, bSeq] = [await lastSeq(a.org.id), await lastSeq(b.org.id)];
    // 12 entries of A (the ring holds 5) and 3 of B, interleaved, all waiting for the same flush.
    const writes: Promise<void>[] = [];
    for (let n = 1; n <= 12; n++) {
      writes.push(recordRequest(t.deps, entry(a.org.id, n)));
      if (n % 4 === 0) writes.push(recordRequest(t.deps, entry(b.org.id, 100 + n)));
    }
    await flushRequestLog(t.deps);
    await Promise.all(writes);
    const aRows = await rows(a.org.id);
    expect(aRows.map((r) => [r.seq, r.slot, r.requestId, r.method, r.path, r.status, r.code, r.durationMs])).toEqual(
      [8, 9, 10, 11, 12].map((n) => {
        const e = entry(a.org.id, n);
        return [aSeq + n, (aSeq + n) % 5, e.requestId, e.method, e.path, e.status, e.code, e.durationMs];
      }),
    );
    const bRows = await rows(b.org.id);
    expect(bRows.slice(-3).map((r) => [r.seq, r.requestId])).toEqual([
      [bSeq + 1, "req_flush0104"],
      [bSeq + 2, "req_flush0108"],
      [bSeq + 3, "req_flush0112"],
    ]);
    expect(bRows.length).toBeLessThanOrEqual(5);
  });
});
