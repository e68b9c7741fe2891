import type { Client, InStatement, InValue } from "@libsql/client";
import type { TestApp } from "./harness.js";

export interface DbSnapshot {
  /** Puts every table back as it was when the snapshot was taken (one write batch). */
  restore(): Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every row of the test database, kept in memory and restorable in place, so each part of a long
 * test starts from the same data: the contract fuzz restores it before each operation, so one
 * operation cancelling a plan or revoking a key cannot change what the next one meets, and a
 * failure replays the same way when that operation runs alone.
 *
 * Rows are deleted children first and inserted parents first (from the tables' foreign keys),
 * in one batch, so the restore works on whichever pooled connection runs it.
 */
export async function snapshotDb(t: TestApp): Promise<DbSnapshot> {
  const client = (t.deps.db as unknown as { $client: Client }).$client;
  const names = (
    await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
  ).rows.map((r) => String(r.name));

  // Parents before children.
  const parents = new Map<string, Set<string>>();
  for (const name of names) {
    const fks = await client.execute(`PRAGMA foreign_key_list(${quote(name)})`);
    parents.set(name, new Set(fks.rows.map((r) => String(r.table)).filter((p) => p !== name && names.includes(p))));
  }
  const order: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (order.includes(name) || path.has(name)) return;
    path.add(name);
    for (const p of parents.get(name) ?? []) visit(p, path);
    order.push(name);
  };
  for (const name of names) visit(name, new Set());

  const inserts: InStatement[] = [];
  for (const name of order) {
    const rs = await client
      .execute(`SELECT * FROM ${quote(name)} ORDER BY rowid`)
      .catch(() => client.execute(`SELECT * FROM ${quote(name)}`));
    const columns = rs.columns.map(quote).join(", ");
    const marks = rs.columns.map(() => "?").join(", ");
    for (const row of rs.rows) {
      // OR REPLACE: a trigger may already have written the row (an outbox row's queued delivery log entry).
      inserts.push({
        sql: `INSERT OR REPLACE INTO ${quote(name)} (${columns}) VALUES (${marks})`,
        args: rs.columns.map((_, i) => row[i] as InValue),
      });
    }
  }
  const deletes = [...order].reverse().map((name) => `DELETE FROM ${quote(name)}`);

  return {
    async restore() {
      await client.batch(["PRAGMA defer_foreign_keys = ON", ...deletes, ...inserts], "write");
    },
  };
}
