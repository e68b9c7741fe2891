import type { Page, PageQuery } from "@gatherkit/core";
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { ApiError } from "./errors.js";

/** Where a page ends: the last row's creation time and id (ids break ties within a millisecond). */
export interface Cursor {
  createdAt: number;
  id: string;
}

/** The columns a list is ordered by: newest first, then by id. */
export interface KeysetColumns {
  createdAt: SQLiteColumn;
  id: SQLiteColumn;
}

/** What a list query adds for one page: `and(<scope>, where)`, `orderBy(...orderBy)`, `limit(limit)`. */
export interface PageSql {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
}

const ID = /^[a-z]+_[0-9a-z]{1,60}$/;

/** An opaque cursor: base64url of `[createdAt, id]`. */
export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify([c.createdAt, c.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Reads a cursor from `?cursor=`; anything this API did not hand out is a 400 naming the parameter. */
export function decodeCursor(cursor: string): Cursor {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    parsed = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [createdAt, id] = parsed as unknown[];
    if (Number.isSafeInteger(createdAt) && (createdAt as number) >= 0 && typeof id === "string" && ID.test(id)) {
      return { createdAt: createdAt as number, id };
    }
  }
  const message = "is not a cursor from this list: pass the nextCursor of the previous page unchanged";
  throw new ApiError(400, "validation_failed", `query.cursor: ${message}`, { errors: [{ path: "query.cursor", message }] });
}

/** The keyset condition, order and `limit + 1` (the extra row tells whether there is a next page). */
export function pageSql(cols: KeysetColumns, page: PageQuery): PageSql {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  return {
    where: after ? or(lt(cols.createdAt, after.createdAt), and(eq(cols.createdAt, after.createdAt), lt(cols.id, after.id))) : undefined,
    orderBy: [desc(cols.createdAt), desc(cols.id)],
    limit: page.limit + 1,
  };
}

/** Cuts the `limit + 1` rows to one page and computes `nextCursor` from its last row. */
export function toPage<R extends Cursor, T>(rows: R[], page: PageQuery, map: (row: R) => T): Page<T> {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return { data: items.map(map), nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}

/**
 * One page of a list, newest first. `run` builds the scoped query from the page's SQL:
 *
 *   paginate(secretKeys, page, (p) =>
 *     db.select().from(secretKeys).where(and(eq(secretKeys.orgId, orgId), p.where)).orderBy(...p.orderBy).limit(p.limit),
 *     toSecretKey)
 *
 * Rows must carry the `createdAt` and `id` they are ordered by (alias them in joins).
 */
export async function paginate<R extends Cursor, T>(
  cols: KeysetColumns,
  page: PageQuery,
  run: (p: PageSql) => Promise<R[]>,
  map: (row: R) => T,
): Promise<Page<T>> {
  return toPage(await run(pageSql(cols, page)), page, map);
}
