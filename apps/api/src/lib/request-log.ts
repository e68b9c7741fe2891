import { requestLog } from "@gatherkit/db";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppBindings, Deps } from "./types.js";

/** What the request log keeps of one call. */
export interface LoggedRequest {
  orgId: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  code: string | null;
  callerKind: string;
  durationMs: number;
}

/** The request log's own listing is not logged: watching the log would otherwise fill it. */
export const REQUEST_LOG_PATH = "/v1/request-log";

/** Route parameters whose values are secrets (guest tokens, unsubscribe tokens): logged by name only. */
const SECRET_PARAM = /token|secret|key/i;

/**
 * The path to keep: the route's pattern with each parameter's value, except parameters that carry
 * a secret (`/v1/unsubscribe/:token` stays as is). No query string (it may carry a cursor or a
 * token). A path that matched no route keeps only its short, id-like segments.
 */
export function loggablePath(c: Context<AppBindings>): string {
  const actual = c.req.path.split("/");
  const pattern = c.req.routePath.split("/");
  if (pattern.length === actual.length && !c.req.routePath.includes("*")) {
    return pattern.map((seg, i) => (seg.startsWith(":") && !SECRET_PARAM.test(seg) ? (actual[i] ?? seg) : seg)).join("/");
  }
  return actual.map((seg) => (seg.length <= 40 && /^[a-z0-9_.-]*$/i.test(seg) && !seg.startsWith("gk_") ? seg : "…")).join("/");
}

/** The problem's `code` of an error answer (problem+json), without consuming the response. */
export async function problemCode(res: Response): Promise<string | null> {
  if (res.status < 400 || !res.headers.get("content-type")?.includes("json")) return null;
  try {
    const body: unknown = await res.clone().json();
    const code = body && typeof body === "object" ? (body as { code?: unknown }).code : undefined;
    return typeof code === "string" ? code.slice(0, 64) : null;
  } catch {
    return null;
  }
}

/**
 * Records one call in its organization's ring: row `seq % size`, where `seq` is one more than
 * the organization's last (one statement, so concurrent calls each get their own `seq`; the
 * ring's slot is overwritten in place, so an organization never has more than `size` rows).
 */
export async function recordRequest(deps: Pick<Deps, "db" | "now" | "config">, entry: LoggedRequest): Promise<void> {
  const size = deps.config.requestLogSize;
  if (size <= 0) return;
  const now = deps.now();
  await deps.db.run(sql`INSERT INTO ${requestLog} (org_id, slot, seq, request_id, method, path, status, code, caller_kind, duration_ms, created_at)
    SELECT ${entry.orgId}, next.seq % ${size}, next.seq, ${entry.requestId}, ${entry.method}, ${entry.path.slice(0, 300)}, ${entry.status},
      ${entry.code}, ${entry.callerKind}, ${entry.durationMs}, ${now}
    FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM ${requestLog} WHERE org_id = ${entry.orgId}) AS next WHERE true
    ON CONFLICT (org_id, slot) DO UPDATE SET seq = excluded.seq, request_id = excluded.request_id, method = excluded.method,
      path = excluded.path, status = excluded.status, code = excluded.code, caller_kind = excluded.caller_kind,
      duration_ms = excluded.duration_ms, created_at = excluded.created_at`);
}
