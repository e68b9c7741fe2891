/// <reference types="@cloudflare/workers-types" />
import { drizzle } from "drizzle-orm/d1";
import type { Db } from "./index.js";
import type { MigrationDriver } from "./migrate.js";
import * as schema from "./schema/index.js";

/**
 * A D1 database. drizzle's D1 and libSQL handles expose the same query builder and `batch`;
 * the shared `Db` type is libSQL's, so D1's handle is presented under it. Services only use
 * what both support (see `Db`).
 */
export function createD1Db(d1: D1Database): { db: Db; migrations: MigrationDriver } {
  const db = drizzle(d1, { schema }) as unknown as Db;
  return {
    db,
    migrations: {
      async all(sql) {
        const rs = await d1.prepare(sql).all<Record<string, unknown>>();
        return rs.results;
      },
      async batch(statements) {
        await d1.batch(statements.map((s) => d1.prepare(s)));
      },
    },
  };
}
