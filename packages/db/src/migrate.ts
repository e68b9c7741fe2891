import { migrations } from "./migrations.gen.js";

/** The least a database driver must offer for migrations: read rows, run statements atomically. */
export interface MigrationDriver {
  all(sql: string): Promise<Record<string, unknown>[]>;
  batch(statements: string[]): Promise<void>;
}

/**
 * Applies the bundled drizzle-kit migrations that have not run yet, each in one atomic batch
 * together with its bookkeeping row, so a crash or a concurrent start never half-applies one.
 * Returns the ids it applied.
 */
export async function applyMigrations(driver: MigrationDriver): Promise<string[]> {
  await driver.batch(["CREATE TABLE IF NOT EXISTS __gk_migrations (id TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)"]);
  const done = new Set((await driver.all("SELECT id FROM __gk_migrations")).map((r) => String(r.id)));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    try {
      await driver.batch([
        `INSERT INTO __gk_migrations (id, applied_at) VALUES ('${m.id.replace(/'/g, "''")}', ${Date.now()})`,
        ...m.statements,
      ]);
      applied.push(m.id);
    } catch (err) {
      // Another instance applied it first: the primary key lost us the race, nothing ran.
      const again = await driver.all(`SELECT id FROM __gk_migrations WHERE id = '${m.id.replace(/'/g, "''")}'`);
      if (again.length === 0) throw err;
    }
  }
  return applied;
}
