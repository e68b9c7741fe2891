import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { createLibsqlDb } from "../src/libsql.js";

/**
 * Another connection (another process, or another of the pool's connections) writing to the same
 * file must make a write wait, not fail with SQLITE_BUSY — which the API would answer with a 500.
 */
const dir = mkdtempSync(join(tmpdir(), "gk-busy-"));
const url = pathToFileURL(join(dir, "busy.db")).href;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Holds the write lock from another process for `ms`, then commits (another process: within this
 * one, a waiting statement blocks the thread the other writer would commit on).
 */
async function otherWriter(ms: number): Promise<{ done: Promise<void> }> {
  const child = fork(fileURLToPath(new URL("./hold-write-lock.mjs", import.meta.url)), [url, String(ms)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the other writer exited with ${code} before taking the lock`)));
  });
  return { done: new Promise<void>((resolve) => child.once("exit", () => resolve())) };
}

describe("a write that meets another connection's write", () => {
  it("waits for it (createLibsqlDb sets the busy timeout on every connection)", async () => {
    const { client } = createLibsqlDb({ url });
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("CREATE TABLE IF NOT EXISTS t (v TEXT)");
    const other = await otherWriter(300);
    await client.batch(["INSERT INTO t (v) VALUES ('mine')"], "write");
    await other.done;
    expect((await client.execute("SELECT v FROM t ORDER BY rowid")).rows.map((r) => r.v)).toEqual(["other", "mine"]);
    client.close();
  });

  it("control: a client without the timeout fails at once with SQLITE_BUSY", async () => {
    const client = createClient({ url });
    const other = await otherWriter(300);
    await expect(client.batch(["INSERT INTO t (v) VALUES ('mine')"], "write")).rejects.toThrow(/SQLITE_BUSY/);
    await other.done;
    client.close();
  });
});
