import type { Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { Db } from "./index.js";
import type { MigrationDriver } from "./migrate.js";
import * as schema from "./schema/index.js";

/** A drizzle database over any libSQL client (local file, HTTP or web), with its migration driver. */
export interface LibsqlHandle {
  db: Db;
  client: Client;
  migrations: MigrationDriver;
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
