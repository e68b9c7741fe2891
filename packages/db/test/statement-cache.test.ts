import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "libsql";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createLibsqlDb } from "../src/libsql.js";
import { cacheStatements, MAX_PER_CONNECTION } from "../src/statement-cache.js";

const dir = mkdtempSync(join(tmpdir(), "gk-stmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshUrl = () => pathToFileURL(join(dir, `db-${++n}.db`)).href;

/** Counts the statements compiled (the uncached `prepare` behind the cache) while `fn` runs. */
async function compiled(fn: () => Promise<unknown>): Promise<string[]> {
  const handle = cacheStatements();
  const uncached = handle.uncached;
  const seen: string[] = [];
  handle.uncached = function (this: Database.Database, sql: string) {
    seen.push(sql);
    return uncached.call(this, sql);
  };
  try {
    await fn();
  } finally {
    handle.uncached = uncached;
  }
  return seen;
}

describe("the statement cache of local libSQL clients", () => {
  it("compiles a statement once per connection, not on every call", async () => {
    const { client } = createLibsqlDb({ url: freshUrl() });
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    const sql = "INSERT INTO t (v) VALUES (?) RETURNING id, v";
    const seen = await compiled(async () => {
      for (let i = 0; i < 20; i++) await client.execute({ sql, args: [`v${i}`] });
      for (let i = 0; i < 5; i++) await client.batch([{ sql, args: [`b${i}`] }], "write");
    });
    expect(seen.filter((s) => s === sql)).toHaveLength(1);
    // A batch's BEGIN and COMMIT are statements too: compiled once each.
    expect(seen.filter((s) => /^(BEGIN|COMMIT)/.test(s)).length).toBeLessThanOrEqual(2);
    expect((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(25);
    client.close();
  });

  it("answers each call with its own arguments and rows, also after a statement failed", async () => {
    const { client } = createLibsqlDb({ url: freshUrl() });
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    const insert = "INSERT INTO t (v) VALUES (?) RETURNING v";
    expect((await client.execute({ sql: insert, args: ["a"] })).rows[0]?.v).toBe("a");
    await expect(client.execute({ sql: insert, args: ["a"] })).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
    // A batch that fails half-way is rolled back whole; its statements stay usable.
    await expect(
      client.batch(
        [
          { sql: insert, args: ["b"] },
          { sql: insert, args: ["b"] },
        ],
        "write",
      ),
    ).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
    expect((await client.execute({ sql: insert, args: ["c"] })).rows[0]?.v).toBe("c");
    const select = "SELECT v FROM t WHERE v >= ? ORDER BY v";
    expect((await client.execute({ sql: select, args: ["a"] })).rows.map((r) => r.v)).toEqual(["a", "c"]);
    expect((await client.execute({ sql: select, args: ["b"] })).rows.map((r) => r.v)).toEqual(["c"]);
    client.close();
  });

  it("sees the schema a migration changed under a cached statement", async () => {
    const { client } = createLibsqlDb({ url: freshUrl() });
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    const select = "SELECT count(*) AS n FROM t WHERE v IS NOT NULL";
    expect((await client.execute(select)).rows[0]?.n).toBe(0);
    await client.execute("ALTER TABLE t ADD COLUMN w TEXT");
    await client.execute("INSERT INTO t (v, w) VALUES ('x', 'y')");
    expect((await client.execute(select)).rows[0]?.n).toBe(1);
    client.close();
  });

  it("does not hold a read snapshot open between calls (another connection's writes are seen, the WAL can be checkpointed)", async () => {
    const url = freshUrl();
    const a = createLibsqlDb({ url }).client;
    const b = createLibsqlDb({ url }).client;
    await a.execute("PRAGMA journal_mode = WAL");
    await a.execute("CREATE TABLE t (v TEXT)");
    const count = "SELECT count(*) AS n FROM t";
    expect((await a.execute(count)).rows[0]?.n).toBe(0);
    await b.execute("INSERT INTO t (v) VALUES ('from b')");
    expect((await a.execute(count)).rows[0]?.n).toBe(1);
    const checkpoint = await b.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    // busy = 0: no reader (a's cached statement included) pinned the WAL.
    expect(checkpoint.rows[0]?.[0]).toBe(0);
    a.close();
    b.close();
  });

  it(`keeps at most ${MAX_PER_CONNECTION} statements per connection, compiling again what it dropped`, async () => {
    const { client } = createLibsqlDb({ url: freshUrl() });
    const distinct = (i: number) => `SELECT ${i} AS n`;
    const first = await compiled(async () => {
      for (let i = 0; i <= MAX_PER_CONNECTION; i++) await client.execute(distinct(i));
    });
    expect(first).toHaveLength(MAX_PER_CONNECTION + 1);
    // The oldest (0) was dropped to make room for the last; the most recent is still there.
    const again = await compiled(async () => {
      await client.execute(distinct(MAX_PER_CONNECTION));
      await client.execute(distinct(0));
    });
    expect(again).toEqual([distinct(0)]);
    client.close();
  });

  it("asks a cached statement's columns and raw mode once, not on every call", async () => {
    const { client } = createLibsqlDb({ url: freshUrl() });
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    const probe = new Database(":memory:");
    const native = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Database.Statement;
    probe.close();
    const columns = vi.spyOn(native, "columns");
    const raw = vi.spyOn(native, "raw");
    try {
      for (let i = 0; i < 10; i++) {
        await client.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [`v${i}`] });
        const rows = (await client.execute({ sql: "SELECT id, v FROM t WHERE id = ?", args: [i + 1] })).rows;
        expect(rows[0]).toMatchObject({ id: i + 1, v: `v${i}` });
      }
      // Uncached, the driver asks columns twice per read (20) and raw once per statement (20).
      expect(columns.mock.calls.length).toBeLessThanOrEqual(1);
      expect(raw.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      columns.mockRestore();
      raw.mockRestore();
      client.close();
    }
  });

  it("gives a wildcard select the columns a schema change added, on this connection or another", async () => {
    const url = freshUrl();
    const a = createLibsqlDb({ url }).client;
    const b = createLibsqlDb({ url }).client;
    await a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    await a.execute("INSERT INTO t (v) VALUES ('x')");
    const all = "SELECT * FROM t";
    expect((await a.execute(all)).columns).toEqual(["id", "v"]);
    await b.execute("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'w'");
    // The driver names a statement's columns before its first step, and a connection learns of
    // another's schema change only by stepping: the first read after it is stale even uncached.
    await a.execute(all);
    expect((await a.execute(all)).rows[0]).toMatchObject({ id: 1, v: "x", w: "w" });
    await a.execute("ALTER TABLE t ADD COLUMN z TEXT DEFAULT 'z'");
    expect((await a.execute(all)).columns).toEqual(["id", "v", "w", "z"]);
    a.close();
    b.close();
  });
});
