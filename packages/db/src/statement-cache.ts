import Database from "libsql";

/**
 * Prepared statements kept per connection, so the same SQL is compiled once, not on every call.
 *
 * `@libsql/client`'s local-file driver calls `prepare(sql)` for every statement it runs (a
 * `BEGIN` and `COMMIT` of each batch included) and throws the statement away. The API runs the
 * same few hundred statements over and over (drizzle builds identical text for identical
 * queries), and under load compiling them was the largest single cost of a write: 15% of a
 * checkout's CPU in a profile of the holds bench. Reusing them is safe because the driver runs
 * each statement to completion synchronously (`all` or `run`), so a cached statement is never
 * half-stepped when it is next used, and SQLite recompiles a statement by itself when the schema
 * changed under it (a migration).
 *
 * Installed on libsql's `Database.prototype` (the driver gives no other way in), once per process,
 * for every connection of every local client; each connection keeps at most `MAX_PER_CONNECTION`
 * statements, least recently used dropped first. Remote (`libsql://`, HTTP) and D1 clients do not
 * use this class and are not affected.
 */
export const MAX_PER_CONNECTION = 256;

type Prepare = (this: Database.Database, sql: string) => Database.Statement;
const INSTALLED = Symbol.for("gatherkit.statementCache");

interface Patched {
  [INSTALLED]?: { uncached: Prepare };
}

const caches = new WeakMap<object, Map<string, Database.Statement>>();

const DDL = /^\s*(create|alter|drop)\b/i;
/** `SELECT *`, `t.*`, `RETURNING *`: a statement whose columns a schema change can alter. */
const WILDCARD = /(^|[\s,.(])\*\s*(,|from\b|$)/i;

/**
 * Answers the driver's per-call questions about a cached statement from memory.
 *
 * For every statement it runs, `@libsql/client` asks `raw(true)` (which throws, building an
 * error, for a statement that returns no rows), `safeIntegers(true)` and, for a read, `columns()`
 * twice; each is a call into the native module, together about a tenth of a checkout's CPU in a
 * profile of the holds bench. For one compiled statement that names its columns the answers
 * never change; a wildcard's columns (`SELECT *`, also in a subquery) are asked each time.
 */
function remember(stmt: Database.Statement, fixedColumns: boolean): Database.Statement {
  const native = Object.getPrototypeOf(stmt) as Database.Statement;
  let columns: ReturnType<Database.Statement["columns"]> | undefined;
  let raw: boolean | undefined;
  let notReader: unknown;
  let safe: boolean | undefined;
  if (fixedColumns) {
    stmt.columns = function columnsOnce(this: Database.Statement) {
      columns ??= native.columns.call(this);
      return columns;
    };
  }
  stmt.raw = function rawOnce(this: Database.Statement, on = true) {
    if (notReader !== undefined) throw notReader;
    if (raw === on) return this;
    try {
      native.raw.call(this, on);
    } catch (error) {
      notReader = error;
      throw error;
    }
    raw = on;
    return this;
  };
  stmt.safeIntegers = function safeIntegersOnce(this: Database.Statement, on = true) {
    if (safe === on) return this;
    native.safeIntegers.call(this, on);
    safe = on;
    return this;
  };
  return stmt;
}

/** Turns the cache on (idempotent). Returns the handle on the uncached `prepare` (tests swap it to count compilations). */
export function cacheStatements(): { uncached: Prepare } {
  const proto = Database.prototype as unknown as Database.Database & Patched;
  const installed = proto[INSTALLED];
  if (installed) return installed;
  // The uncached `prepare` is looked up through `handle` on each miss, so a test can count misses.
  const handle = { uncached: proto.prepare as unknown as Prepare };
  const cached = function prepare(this: Database.Database, sql: string): Database.Statement {
    let cache = caches.get(this);
    if (!cache) {
      cache = new Map();
      caches.set(this, cache);
    }
    const hit = cache.get(sql);
    if (hit) {
      // Most recently used goes last, so the first key is the one to drop.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    if (DDL.test(sql)) {
      // A schema change on this connection: drop what was compiled before it.
      cache.clear();
      return handle.uncached.call(this, sql);
    }
    // A wildcard's columns change with the schema, and a compiled statement reports its new
    // columns only once it has stepped: those are asked of it on every call, never remembered.
    const stmt = remember(handle.uncached.call(this, sql), !WILDCARD.test(sql));
    if (cache.size >= MAX_PER_CONNECTION) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(sql, stmt);
    return stmt;
  };
  Object.defineProperty(proto, "prepare", { value: cached, writable: true, configurable: true });
  Object.defineProperty(proto, INSTALLED, { value: handle });
  return handle;
}
