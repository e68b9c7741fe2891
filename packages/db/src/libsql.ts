import { type Config, createClient } from "@libsql/client";
import { groupCommits } from "./group-commit.js";
import { fromLibsqlClient, type LibsqlHandle } from "./libsql-handle.js";
import { cacheStatements } from "./statement-cache.js";

export { fromLibsqlClient, type LibsqlHandle } from "./libsql-handle.js";

/**
 * How long a statement on a local file waits for another connection's write to finish before
 * failing with SQLITE_BUSY. The client keeps a pool of connections, and another process (a second
 * API, a script, `pnpm db:studio`) may write to the same file: without it on EVERY connection (a
 * `PRAGMA busy_timeout` reaches only the one it ran on), a write that meets another fails at once.
 */
export const BUSY_TIMEOUT_MS = 5000;

/** A libSQL database: a local file (`file:…`), `:memory:`, or Turso over HTTP (`libsql://…`). */
export function createLibsqlDb(config: Config): LibsqlHandle {
  // Local files and `:memory:` compile each statement once per connection (see statement-cache.ts).
  cacheStatements();
  const client = createClient({ timeout: BUSY_TIMEOUT_MS, ...config });
  // Concurrent write batches on a local file share one commit (see group-commit.ts).
  const local = config.url.startsWith("file:") || config.url === ":memory:";
  return fromLibsqlClient(local ? groupCommits(client) : client);
}
