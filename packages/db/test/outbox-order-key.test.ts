// Migration 0016 gives each outbox row its order key as a column; rows still to be sent when it
// runs take the key their payload names, so their delivery order survives the upgrade.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { applyMigrations } from "../src/index.js";
import { createLibsqlDb } from "../src/libsql.js";
import { migrations } from "../src/migrations.gen.js";

const dir = mkdtempSync(join(tmpdir(), "gk-db-order-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("backfills the order key of unsent rows from their payload, per kind; sent rows keep ''", async () => {
  const h = createLibsqlDb({ url: pathToFileURL(join(dir, "upgrade.db")).href });
  const id = migrations.find((m) => m.id.includes("outbox_order_key"))?.id;
  expect(id).toBeDefined();
  const later = migrations.slice(migrations.findIndex((m) => m.id === id));
  // A database as it was before: every migration up to this one applied.
  await h.migrations.batch(["CREATE TABLE IF NOT EXISTS __gk_migrations (id TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)"]);
  await h.migrations.batch(later.map((m) => `INSERT INTO __gk_migrations (id, applied_at) VALUES ('${m.id}', 0)`));
  await applyMigrations(h.migrations);
  const row = (id: string, kind: string, payload: unknown, sentAt: number | null) =>
    h.client.execute({
      sql: "INSERT INTO outbox (id, org_id, kind, payload, attempts, next_attempt_at, sent_at, created_at) VALUES (?, NULL, ?, ?, 0, 0, ?, 0)",
      args: [id, kind, JSON.stringify(payload), sentAt],
    });
  await row("a", "realtime", { room: "plan:p1", event: {} }, null);
  await row("b", "email", { to: "ada@example.com", subject: "s", text: "t" }, null);
  await row("c", "task", { domain: "calendars", key: "sync:1", type: "x", data: {} }, null);
  await row("d", "webhook", { endpointId: "whe_1" }, null);
  await row("e", "realtime", { room: "plan:p2", event: {} }, 5);
  // Then the upgrade.
  await h.client.execute({
    sql: `DELETE FROM __gk_migrations WHERE id IN (${later.map(() => "?").join(",")})`,
    args: later.map((m) => m.id),
  });
  expect(await applyMigrations(h.migrations)).toEqual(later.map((m) => m.id));
  const keys = await h.client.execute("SELECT id, order_key FROM outbox ORDER BY id");
  expect(keys.rows.map((r) => [r.id, r.order_key])).toEqual([
    ["a", "plan:p1"],
    ["b", "ada@example.com"],
    ["c", "calendars:sync:1"],
    ["d", "whe_1"],
    ["e", ""],
  ]);
  h.client.close();
});
