import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Client, createClient, type InStatement, type TransactionMode } from "@libsql/client";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { groupCommits } from "../src/group-commit.js";
import { createLibsqlDb } from "../src/libsql.js";

const dir = mkdtempSync(join(tmpdir(), "gk-group-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fresh file database with a stock counter and an orders table, the inner client's batches counted. */
async function setUp() {
  const inner = createClient({ url: pathToFileURL(join(dir, `g${n++}.db`)).href, concurrency: 1 });
  await inner.batch(
    [
      "CREATE TABLE stock (id TEXT PRIMARY KEY, left INTEGER NOT NULL CHECK (left >= 0))",
      "CREATE TABLE orders (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
      "INSERT INTO stock VALUES ('t', 5)",
    ],
    "write",
  );
  const calls: { statements: number; mode: TransactionMode | undefined }[] = [];
  const original = inner.batch.bind(inner);
  inner.batch = (stmts: InStatement[], mode?: TransactionMode) => {
    calls.push({ statements: stmts.length, mode });
    return original(stmts, mode);
  };
  return { inner, client: groupCommits(inner), calls };
}

/** One guarded hold: the order only if a ticket is left, the counter only if the order went in. */
const hold = (id: string, code = `code-${id}`): InStatement[] => [
  { sql: "INSERT INTO orders (id, code) SELECT ?, ? WHERE (SELECT left FROM stock WHERE id = 't') >= 1 RETURNING id", args: [id, code] },
  { sql: "UPDATE stock SET left = left - 1 WHERE id = 't' AND EXISTS (SELECT 1 FROM orders WHERE id = ?)", args: [id] },
];

const left = async (c: Client) => Number((await c.execute("SELECT left FROM stock")).rows[0]?.left);

describe("group commit (local libSQL)", () => {
  let db: Awaited<ReturnType<typeof setUp>>;
  beforeEach(async () => {
    db = await setUp();
    db.calls.length = 0;
  });
  afterEach(() => db.inner.close());

  it("runs batches of the same turn in one transaction, each answered with its own results in order", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => db.client.batch(hold(`o${i}`))));
    expect(db.calls).toEqual([{ statements: 16, mode: "deferred" }]);
    // Five tickets: the first five holds (in the order they were queued) got one, the rest nothing.
    expect(answers.map((rs) => rs[0]?.rows.length)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(answers.map((rs) => rs[1]?.rowsAffected)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(answers.every((rs) => rs.length === 2)).toBe(true);
    expect(await left(db.inner)).toBe(0);
  });

  it("control: without it, the same batches are eight transactions", async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => db.inner.batch(hold(`o${i}`))));
    expect(db.calls).toHaveLength(8);
  });

  it("fails only the batch that failed: the group is rolled back and each batch runs again alone", async () => {
    await db.client.batch(hold("first", "taken"));
    db.calls.length = 0;
    const settled = await Promise.allSettled([
      db.client.batch(hold("a")),
      db.client.batch(hold("b", "taken")), // the code is taken: a UNIQUE violation
      db.client.batch(hold("c")),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed: orders\.code/);
    // The failed group, then each batch alone.
    expect(db.calls.map((c) => c.statements)).toEqual([6, 2, 2, 2]);
    const ids = (await db.inner.execute("SELECT id FROM orders ORDER BY id")).rows.map((r) => r.id);
    expect(ids).toEqual(["a", "c", "first"]);
    // Nothing of the failed batch: its counter update did not run.
    expect(await left(db.inner)).toBe(2);
  });

  it("answers a lone batch through the client as before, and passes read batches and everything else through", async () => {
    const [rs] = await db.client.batch(hold("solo"));
    expect(rs?.rows.map((r) => r.id)).toEqual(["solo"]);
    const [read] = await db.client.batch(["SELECT left FROM stock"], "read");
    expect(read?.rows[0]?.left).toBe(4);
    expect((await db.client.execute("SELECT count(*) AS n FROM orders")).rows[0]?.n).toBe(1);
    expect(db.calls).toEqual([
      { statements: 2, mode: "deferred" },
      { statements: 1, mode: "read" },
    ]);
  });

  it("batches awaited one after another are not held back for each other", async () => {
    for (let i = 0; i < 3; i++) await db.client.batch(hold(`s${i}`));
    expect(db.calls).toHaveLength(3);
    expect(await left(db.inner)).toBe(2);
  });

  it("keeps running under a test's fake timers, even a client made after they were installed", async () => {
    vi.useFakeTimers();
    try {
      const client = groupCommits(db.inner);
      const [rs] = await client.batch(hold("faked"));
      expect(rs?.rows).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("group commit when another process holds the file", () => {
  it("fails the whole group with SQLITE_BUSY at once, without running each batch again (each would wait out the timeout)", async () => {
    const url = pathToFileURL(join(dir, "busy.db")).href;
    const inner = createClient({ url, timeout: 100, concurrency: 1 });
    await inner.execute("PRAGMA journal_mode = WAL");
    await inner.execute("CREATE TABLE t (v TEXT)");
    let calls = 0;
    const original = inner.batch.bind(inner);
    inner.batch = (stmts: InStatement[], mode?: TransactionMode) => {
      calls++;
      return original(stmts, mode);
    };
    const client = groupCommits(inner);
    const child = fork(fileURLToPath(new URL("./hold-write-lock.mjs", import.meta.url)), [url, "1500"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await new Promise<void>((resolve) => child.once("message", () => resolve()));
    const settled = await Promise.allSettled(
      ["a", "b", "c"].map((v) => client.batch([{ sql: "INSERT INTO t (v) VALUES (?)", args: [v] }])),
    );
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/SQLITE_BUSY/);
    expect(calls).toBe(1);
    await new Promise((resolve) => child.once("exit", resolve));
    inner.close();
  });
});

describe("createLibsqlDb", () => {
  it("maps the results of grouped batches back through drizzle", async () => {
    const { db, client } = createLibsqlDb({ url: pathToFileURL(join(dir, "drizzle.db")).href });
    await client.execute("CREATE TABLE t (v INTEGER NOT NULL)");
    const { sql } = await import("drizzle-orm");
    const results = await Promise.all(
      [1, 2, 3].map((v) => db.batch([db.run(sql`INSERT INTO t (v) VALUES (${v})`), db.all(sql`SELECT count(*) AS n FROM t`)])),
    );
    // Each batch saw the rows of the batches queued before it, as if they had run one by one.
    expect(results.map(([, counted]) => (counted as { n: number }[])[0]?.n)).toEqual([1, 2, 3]);
    client.close();
  });
});
