import type { Db } from "@gatherkit/db";
import { fillPlaceholders, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { rootDb } from "./idempotent-writes.js";

/**
 * Writes built once, then reused with each call's values. drizzle builds a statement's SQL from
 * its query builder on every call, and for a long guarded write (a ticket hold's order insert with
 * its stock checks, the counters, the stock message) building costs more than SQLite takes to run
 * it. Here the statements are built once per database handle and shape, with
 * `sql.placeholder(name)` wherever a value goes, by the same code that builds them with values
 * (so the SQL is the same by construction); each call then gets batch items that carry that
 * call's values, filled in as drizzle fills a prepared query's placeholders (through each
 * column's encoder).
 *
 * An item is what `db.batch` takes: on libSQL and D1 alike the session asks each item for its
 * prepared query (`_prepare()`) and reads only its query (`getQuery()`), its statement (D1) and
 * its result mapping — the same bits the idempotent-writes wrapper reads, so a request with an
 * Idempotency-Key still seals its answer into the batch.
 */
export function prebuilt<Values extends Record<string, unknown>>(
  build: (db: Db, p: Placeholders<Values>, shape: string) => readonly BatchItem<"sqlite">[],
) {
  const byDb = new WeakMap<Db, Map<string, Prepared[]>>();
  const p = new Proxy({}, { get: (_, name) => sql.placeholder(String(name)) }) as Placeholders<Values>;
  /** The batch items of shape `shape` (any key that tells apart what `build` builds differently) with `values`. */
  return (db: Db, shape: string, values: Values): BatchItem<"sqlite">[] => {
    // Built on the root handle: a request's handle (with its Idempotency-Key) lives for one request.
    const root = rootDb(db);
    let shapes = byDb.get(root);
    if (!shapes) {
      shapes = new Map();
      byDb.set(root, shapes);
    }
    let prepared = shapes.get(shape);
    if (!prepared) {
      prepared = build(root, p, shape).map((item) => (item as unknown as Preparable)._prepare());
      shapes.set(shape, prepared);
    }
    return prepared.map((q) => {
      const filled: Prepared = Object.create(q, {
        query: { value: { sql: q.query.sql, params: fillPlaceholders(q.query.params, values) } },
      });
      return { _prepare: () => filled } as unknown as BatchItem<"sqlite">;
    });
  };
}

/** Stand-ins for the values, typed as the values so the building code takes them as is. */
export type Placeholders<Values> = { readonly [K in keyof Values]: Values[K] };

interface Prepared {
  query: { sql: string; params: unknown[] };
}
interface Preparable {
  _prepare(): Prepared;
}
