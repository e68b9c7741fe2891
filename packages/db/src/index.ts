import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "./schema/index.js";

export { applyMigrations, type MigrationDriver } from "./migrate.js";
export * as schema from "./schema/index.js";
export * from "./schema/index.js";

/**
 * The database handle every service takes. libSQL and D1 share drizzle's async SQLite API;
 * D1's handle is presented under this one type (see d1.ts). Write code that works on both:
 * single-statement conditional updates with `.returning()` to learn what changed, and
 * `db.batch([...])` for several writes that must land together — no interactive transactions.
 */
export type Db = LibSQLDatabase<typeof schema>;
