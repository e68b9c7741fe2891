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

/** A libSQL database: a local file (`file:…`), `:memory:`, or Turso over HTTP (`libsql://…`). */
export function createLibsqlDb(config: Config): LibsqlHandle {
  const client = createClient(config);
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
