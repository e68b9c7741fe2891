import type { Db } from "@gatherkit/db";
import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * `INSERT INTO <table> (…every column…) SELECT <values> WHERE <when>`: the row is written only if
 * `when` holds as the statement runs. Inside a `db.batch` (one transaction, statements in order)
 * this makes a write depend on what the statements before it did, without an interactive
 * transaction — e.g. insert a membership only while the invite still has a use left, or enqueue
 * an event only if the row it reports on was really changed. Columns left out get their
 * default, as with `.values()`; a value may be SQL, written as is. Chain `.onConflictDoNothing()` / `.returning()` as usual.
 * With `from` (`FROM <table> <alias>`), one row per row of it that satisfies `when`; values may
 * then be SQL over its columns.
 */
export function insertWhen<T extends SQLiteTable>(
  db: Db,
  table: T,
  values: { [K in keyof T["$inferInsert"]]: T["$inferInsert"][K] | SQL },
  when: SQL,
  from?: SQL,
) {
  const given = values as Record<string, unknown>;
  const exprs = Object.entries(getTableColumns(table))
    // The same columns, in the same order, as drizzle's INSERT column list (it leaves out generated ones).
    .filter(([, col]) => !(col as { shouldDisableInsert?(): boolean }).shouldDisableInsert?.())
    .map(([key, col]) => {
      let v = given[key];
      if (v === undefined) v = col.default ?? col.defaultFn?.() ?? null;
      if (v === null) return sql`NULL`;
      return is(v, SQL) ? v : sql.param(v, col);
    });
  return db.insert(table).select(sql`SELECT ${sql.join(exprs, sql`, `)} ${from ?? sql``} WHERE ${when}`);
}

/**
 * Guard for `insertWhen` / `enqueueWhen`: "the statement just before this one in the batch
 * changed at least one row" (SQLite's `changes()`, per connection; a batch runs its statements
 * in order on one connection, on libSQL and D1 alike). Put the guarded insert RIGHT AFTER the
 * conditional write it depends on.
 */
export const previousStatementChanged: SQL = sql`changes() > 0`;
