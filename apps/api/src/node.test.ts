import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PublishedEvent } from "@gatherkit/core";
import { applyMigrations, outbox, requestLog } from "@gatherkit/db";
import { createLibsqlDb } from "@gatherkit/db/libsql";
import { afterAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "./lib/logger.js";
import { deliverOutbox, enqueue, realtime } from "./lib/outbox.js";
import { startNodeServer } from "./node.js";

const dataDir = mkdtempSync(join(tmpdir(), "gk-node-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A stand-in for the rooms: answers every publish 202 and records it. */
async function fakeRooms() {
  const received: { room: string; order?: number; id: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const publish = JSON.parse(body) as { room: string; order?: number; event: { data: { id: string } } };
      received.push({ room: publish.room, order: publish.order, id: publish.event.data.id });
      res.writeHead(202, { "content-type": "application/json" });
      res.end(JSON.stringify({ seq: received.length, duplicate: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { received, host: `127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("a restart after kill -9", () => {
  it("takes over the outbox claims of the dead process on the same DATA_DIR: the room resumes at once, in order", async () => {
    const room = "plan:plan_restartroom00001";
    const ev = (n: number): PublishedEvent => ({ type: "key.changed", data: { id: `key_${n}` } });

    // What a process killed mid-delivery leaves: rows claimed by it, never sent, their lease far
    // from over, a later row of the same room behind them, and its record in DATA_DIR.
    const handle = createLibsqlDb({ url: pathToFileURL(join(dataDir, "gatherkit.db")).href });
    await applyMigrations(handle.migrations);
    const db = handle.db;
    const now = Date.now();
    for (let i = 1; i <= 3; i++) await enqueue(db, realtime(room, ev(i)), { orgId: "org_restart0000001", now });
    const hung = { publish: () => new Promise<void>(() => {}) };
    void deliverOutbox(
      { db, publisher: hung, logger: silentLogger, now: () => now, instanceId: "dlv_killed" },
      { renewEveryMs: 3_600_000 },
    );
    await expect.poll(async () => (await db.select().from(outbox)).filter((r) => r.attempts === 1).length).toBe(3);
    await db.update(outbox).set({ nextAttemptAt: now + 3_600_000 }); // a lease that would outlast the test
    await enqueue(db, realtime(room, ev(4)), { orgId: "org_restart0000001", now });
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a pid that has exited
    writeFileSync(join(dataDir, "deliverer.json"), JSON.stringify({ instanceId: "dlv_killed", pid: gone }));
    handle.client.close();

    const rooms = await fakeRooms();
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const server = await startNodeServer({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "error", REALTIME_HOST: rooms.host }).finally(() =>
      quiet.mockRestore(),
    );
    try {
      await expect.poll(() => rooms.received.filter((r) => r.room === room).length, { timeout: 10_000 }).toBe(4);
      const delivered = rooms.received.filter((r) => r.room === room);
      expect(delivered.map((r) => r.id)).toEqual(["key_1", "key_2", "key_3", "key_4"]);
      const orders = delivered.map((r) => r.order ?? -1);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
    } finally {
      await server.close();
      server.handle.client.close();
      await rooms.close();
    }
  });
});

describe("the local database file's durability (DATABASE_SYNC)", () => {
  it("commits in WAL mode with synchronous NORMAL by default, FULL when asked, on the one connection every statement uses", async () => {
    const sync = async (env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), "gk-node-sync-"));
      const server = await startNodeServer({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "error", ...env });
      try {
        // Statements at once (as concurrent requests make them): with a pool, the later ones would
        // open connections of their own, without the setting.
        const answers = await Promise.all(Array.from({ length: 8 }, () => server.handle.client.execute("PRAGMA synchronous")));
        const mode = (await server.handle.client.execute("PRAGMA journal_mode")).rows[0]?.journal_mode;
        return { mode, sync: [...new Set(answers.map((r) => Number(r.rows[0]?.synchronous)))] };
      } finally {
        await server.close();
        server.handle.client.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(await sync({})).toEqual({ mode: "wal", sync: [1] });
    expect(await sync({ DATABASE_SYNC: "full" })).toEqual({ mode: "wal", sync: [2] });
    await expect(startNodeServer({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "error", DATABASE_SYNC: "sometimes" })).rejects.toThrow(
      /DATABASE_SYNC must be "normal" or "full"/,
    );
  });
});

describe("the server's log lines", () => {
  it("are written together once per turn of the event loop, in order, none lost", async () => {
    const { bufferedLines } = await import("./node.js");
    const writes: string[] = [];
    const line = bufferedLines((text) => writes.push(text));
    for (let i = 0; i < 5; i++) line(`{"n":${i}}`);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['{"n":0}\n{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n']);
    line("later");
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe("later\n");
  });

  it("are flushed when the process exits before the next turn", () => {
    const script = `import { bufferedLines } from ${JSON.stringify(new URL("./node.ts", import.meta.url).href)};
      const line = bufferedLines((t) => process.stdout.write(t)); line("one"); line("two"); process.exit(0);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stdout).toBe("one\ntwo\n");
  });
});

describe("node src/node.ts as a program", () => {
  it("starts and serves (module-level state is ready before the server starts)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-node-main-"));
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", new URL("./node.ts", import.meta.url).pathname], {
      env: { ...process.env, DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const url = await Promise.race([
      new Promise<string>((resolve) => {
        const check = setInterval(() => {
          const m = /API\s+(http:\/\/\S+)/.exec(out);
          if (m) {
            clearInterval(check);
            resolve(m[1]!);
          }
        }, 50);
      }),
      exited.then((code) => `exited with ${code}: ${out}`),
    ]);
    try {
      expect(url).toMatch(/^http:\/\//);
      expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the headers every answer carries, over Node's HTTP server", () => {
  // On Node the shell sets them on the socket's response before the route answers (see
  // `nodeResponse` in lib/create-app.ts); in-process calls (tests, Workers) set them on the
  // Response. Both must give every answer the same headers, errors and pages included.
  it("are the same as the in-process answer's, for answers of every kind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-node-headers-"));
    const server = await startNodeServer({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "error", PUBLIC_URL: "https://api.example" });
    try {
      const key = server.demo?.secretKey;
      expect(key).toMatch(/^gk_sk_/);
      const origin = "https://shop.example";
      const cases: [string, string, Record<string, string>, string?][] = [
        ["GET", "/v1/health", {}],
        ["GET", "/v1/organization", { authorization: `Bearer ${key}` }],
        ["GET", "/v1/organization", {}],
        ["GET", "/v1/organization", { authorization: "Bearer gk_sk_doesnotexist" }],
        ["GET", "/v1/nothing-here", {}],
        ["GET", "/nothing-here", {}],
        ["GET", "/docs", {}],
        ["GET", "/v1/openapi.json", {}],
        ["GET", "/v1/health", { origin }],
        ["OPTIONS", "/v1/plans", { origin, "access-control-request-method": "POST" }],
        ["POST", "/v1/plans", { authorization: `Bearer ${key}`, "content-type": "application/json" }, "{not json"],
      ];
      const shellHeaders = [
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
        "strict-transport-security",
        "content-security-policy",
        "cache-control",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "vary",
        "content-type",
      ];
      const seen = (res: Response): Record<string, string | number | boolean | null> => ({
        status: res.status,
        requestId: /^req_/.test(res.headers.get("x-request-id") ?? ""),
        ...Object.fromEntries(shellHeaders.map((h) => [h, res.headers.get(h)])),
      });
      for (const [method, path, headers, body] of cases) {
        const init = { method, headers, ...(body ? { body } : {}) };
        const overSocket = await fetch(`http://127.0.0.1:${server.port}${path}`, init);
        const inProcess = await server.app.fetch(new Request(`http://127.0.0.1:${server.port}${path}`, init));
        await Promise.all([overSocket.arrayBuffer(), inProcess.arrayBuffer()]);
        const want = seen(inProcess);
        expect(seen(overSocket), `${method} ${path} ${JSON.stringify(headers)}`).toEqual(want);
        // Every answer carries them (a 204 preflight has no cache-control of its own: not /v1 data).
        expect(want.requestId && want["x-content-type-options"] === "nosniff" && want["x-frame-options"] === "DENY").toBe(true);
        expect(want["strict-transport-security"]).toBe("max-age=31536000");
      }
    } finally {
      await server.close();
      server.handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what Node's own HTTP handling refuses, and the end of a server", () => {
  it("answers a URL over Node's 16 KB with 431 problem+json, keeps a connection usable after a 413, and writes the request log before close", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-node-refusals-"));
    const server = await startNodeServer({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "error" });
    const base = `http://127.0.0.1:${server.port}`;
    const key = server.demo?.secretKey ?? "";
    try {
      // Node's parser refuses it before the app runs; the answer is still problem+json.
      const long = await fetch(`${base}/v1/events?q=${"x".repeat(20_000)}`, { headers: { authorization: `Bearer ${key}` } });
      expect(long.status).toBe(431);
      expect(long.headers.get("content-type")).toBe("application/problem+json");
      expect(await long.json()).toMatchObject({ status: 431, code: "headers_too_large" });

      // A request line Node cannot parse: 400 problem+json too.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
        let got = "";
        socket.on("data", (d: Buffer) => {
          got += d.toString();
        });
        socket.on("end", () => resolve(got));
        socket.on("error", reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toContain("content-type: application/problem+json");
      expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 400, code: "bad_request" });

      // The body limit stops reading, so the server closes the connection: the 413 says so, and the
      // client's next requests (same pool) go through instead of failing on a closed socket.
      const big = await fetch(`${base}/v1/plans`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "x".repeat(2_000_000) }),
      });
      expect(big.status).toBe(413);
      expect(big.headers.get("connection")).toBe("close");
      await big.arrayBuffer();
      for (let i = 0; i < 2; i++) {
        const next = await fetch(`${base}/v1/plans`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: "{}",
        });
        expect(next.status).toBe(400);
        await next.arrayBuffer();
      }

      // A request answered just before close: its request-log entry is written, not dropped.
      const read = await fetch(`${base}/v1/organization`, { headers: { authorization: `Bearer ${key}`, "x-probe": "last" } });
      expect(read.status).toBe(200);
      const requestId = read.headers.get("x-request-id");
      await server.close();
      const logged = await server.handle.db.select().from(requestLog);
      expect(logged.map((r) => r.requestId)).toContain(requestId);
    } finally {
      server.handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
