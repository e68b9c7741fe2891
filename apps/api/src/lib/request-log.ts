import { type Db, requestLog } from "@gatherkit/db";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { rootDb } from "./idempotent-writes.js";
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
 * the organization's last (each statement computes it as it runs, so entries written together
 * each get their own `seq`; the ring's slot is overwritten in place, so an organization never has
 * more than `size` rows).
 *
 * Entries are gathered and written together (one batch) at most `FLUSH_MS` after the first, or
 * at once when `FLUSH_AT` are waiting: a write of its own after every request would cost the
 * hot path a transaction per call. Reading the log flushes first (`flushRequestLog`). On
 * Workers the request that queued the first entry keeps its isolate alive until the flush
 * (`waitUntil`).
 */
export function recordRequest(deps: Pick<Deps, "db" | "now" | "config" | "logger">, entry: LoggedRequest): Promise<void> {
  const size = deps.config.requestLogSize;
  if (size <= 0) return Promise.resolve();
  const db = rootDb(deps.db);
  let queue = queues.get(db);
  if (!queue) {
    queue = { entries: [], flushed: undefined };
    queues.set(db, queue);
  }
  const q = queue;
  q.entries.push({ ...entry, at: deps.now(), size });
  if (q.entries.length >= FLUSH_AT) return flushQueue(db, q, deps);
  q.flushed ??= new Promise<void>((resolve) => setTimeout(resolve, FLUSH_MS)).then(() => flushQueue(db, q, deps));
  return q.flushed;
}

/** Writes what is waiting for this database now (before the log is read). */
export function flushRequestLog(deps: Pick<Deps, "db" | "logger">): Promise<void> {
  const db = rootDb(deps.db);
  const q = queues.get(db);
  return q ? flushQueue(db, q, deps) : Promise.resolve();
}

const FLUSH_MS = 250;
const FLUSH_AT = 100;
type Queued = LoggedRequest & { at: number; size: number };
const queues = new WeakMap<Db, { entries: Queued[]; flushed: Promise<void> | undefined }>();

async function flushQueue(db: Db, q: { entries: Queued[]; flushed: Promise<void> | undefined }, deps: Pick<Deps, "logger">) {
  const entries = q.entries;
  q.entries = [];
  q.flushed = undefined;
  // One statement per organization (and ring size), whatever the number of entries: the entries
  // travel as one JSON parameter (D1 allows 100 bound parameters a statement; an INSERT of its own
  // per entry cost the hot path ~90 µs a request in drizzle's SQL building and SQLite's per-call work).
  const groups = new Map<string, Queued[]>();
  for (const e of entries) {
    const key = `${e.size} ${e.orgId}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  const [first, ...rest] = [...groups.values()].map((group) => insertEntries(db, group));
  if (!first) return;
  try {
    await db.batch([first, ...rest]);
  } catch (err) {
    deps.logger.error("request log write failed", { entries: entries.length, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Writes one organization's entries (in the order they were recorded) to its ring: entry `i` gets
 * `seq` = the organization's last + 1 + i, computed by the statement as it runs, so writers in other
 * processes or isolates never get the same `seq`; a later entry for the same slot overwrites an
 * earlier one, as if written one after the other.
 */
function insertEntries(db: Db, group: Queued[]) {
  const { orgId, size } = group[0] as Queued;
  const rows = JSON.stringify(
    group.map((e) => [e.requestId, e.method, e.path.slice(0, 300), e.status, e.code, e.callerKind, e.durationMs, e.at]),
  );
  // A query builder, not `db.run(sql)`: D1's `batch` cannot take a raw statement with parameters
  // (it failed there with "Cannot read properties of undefined (reading 'bind')", so on Workers
  // the log stayed empty). The SELECT's columns are the table's, in its order.
  return db
    .insert(requestLog)
    .select(
      sql`SELECT ${orgId}, (next.seq + e.key) % ${size}, next.seq + e.key, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]'),
        json_extract(e.value, '$[2]'), json_extract(e.value, '$[3]'), json_extract(e.value, '$[4]'), json_extract(e.value, '$[5]'),
        json_extract(e.value, '$[6]'), json_extract(e.value, '$[7]')
      FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM ${requestLog} WHERE org_id = ${orgId}) AS next, json_each(${rows}) AS e
      WHERE true ORDER BY e.key`,
    )
    .onConflictDoUpdate({
      target: [requestLog.orgId, requestLog.slot],
      set: {
        seq: sql`excluded.seq`,
        requestId: sql`excluded.request_id`,
        method: sql`excluded.method`,
        path: sql`excluded.path`,
        status: sql`excluded.status`,
        code: sql`excluded.code`,
        callerKind: sql`excluded.caller_kind`,
        durationMs: sql`excluded.duration_ms`,
        createdAt: sql`excluded.created_at`,
      },
    });
}
