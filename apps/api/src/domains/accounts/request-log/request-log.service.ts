import type { Page, RequestLogEntry, RequestLogQuery } from "@gatherkit/core";
import { requestLog } from "@gatherkit/db";
import { and, eq, gte, lt } from "drizzle-orm";
import { paginate } from "../../../lib/pagination.js";
import { flushRequestLog } from "../../../lib/request-log.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";

type Row = typeof requestLog.$inferSelect;

const toEntry = (r: Row): RequestLogEntry => ({
  requestId: r.requestId,
  method: r.method,
  path: r.path,
  status: r.status,
  code: r.code,
  callerKind: r.callerKind as RequestLogEntry["callerKind"],
  durationMs: r.durationMs,
  createdAt: toIso(r.createdAt),
});

/** The organization's recent calls, newest first (by their sequence number in the ring). */
export async function listRequests(deps: Deps, orgId: string, query: RequestLogQuery): Promise<Page<RequestLogEntry>> {
  // What this process gathered is written first, so the log shows every call up to now.
  await flushRequestLog(deps);
  const db = deps.db;
  const failed = query.failed === undefined ? undefined : query.failed ? gte(requestLog.status, 400) : lt(requestLog.status, 400);
  return paginate(
    // The keyset is (seq, request id): seq is unique within an organization's ring.
    { createdAt: requestLog.seq, id: requestLog.requestId },
    query,
    async (p) =>
      (
        await db
          .select()
          .from(requestLog)
          .where(and(eq(requestLog.orgId, orgId), failed, p.where))
          .orderBy(...p.orderBy)
          .limit(p.limit)
      ).map((row) => ({ row, createdAt: row.seq, id: row.requestId })),
    ({ row }) => toEntry(row),
  );
}
