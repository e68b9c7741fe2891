import { type Client, type Config, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { Db } from "./index.js";
import type { MigrationDriver } from "./migrate.js";
import * as schema from "./schema/index.js";

export interface LibsqlHandle {
  db: Db;
  client: Client;
  migrations: MigrationDriver;
}

/**
 * How long a statement on a local file waits for another connection's write to finish before
 * failing with SQLITE_BUSY. The client keeps a pool of connections, and another process (a second
 * API, a script, `pnpm db:studio`) may write to the same file: without it on EVERY connection (a
 * `PRAGMA busy_timeout` reaches only the one it ran on), a write that meets another fails at once.
 */
export const BUSY_TIMEOUT_MS = 5000;

/** A libSQL database: a local file (`file:…`), `:memory:`, or Turso over HTTP (`libsql://…`). */
export function createLibsqlDb(config: Config): LibsqlHandle {
  const client = createClient({ timeout: BUSY_TIMEOUT_MS, ...config });
  return fromLibsqlClient(client);
}

export function fromLibsqlClient(client: Client): LibsqlHandle {
  const db = drizzle(client, { schema });
  return {
    db,
    client,
    migrations: {
      async all(sql) {
        const rs = await client.execute(sql);
        return rs.rows as unknown as Record<string, unknown>[];
      },
      async batch(statements) {
        await client.batch(statements, "write");
      },
    },
  };
}
