import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/free-port.mjs";

/**
 * kill -9 under load: the real Node server (the production bundle, `node dist/node.js` built into
 * a cache folder) on a file database, driven at about 200 idempotent POSTs a second (chat
 * messages, and plans), killed with SIGKILL a few times mid-stream and restarted on the same
 * DATA_DIR. Every key is retried until it gets a final answer. Then: every key produced exactly
 * one effect (rows counted), every answer a client got is the original (the ids of that one
 * effect, and a replay afterwards answers the same), no key stays pending. Realtime publishes
 * are recorded by a stand-in for the rooms: every message's event arrives, none for the first
 * time behind a newer one of its room (the room would drop it), nothing is left unsent.
 *
 * Loopback only; bounded: the load stops KILL_AFTER_MS after the last restart, then every key is
 * retried until final within DEADLINE_MS.
 */

const apiDir = resolve(import.meta.dirname, "..");
const RATE_PER_S = 200;
/** SIGKILLs; the first this long into the load, each next one this long after the server is back. */
const KILLS = 3;
const KILL_AFTER_MS = 2_500;
/** The default lease: longer than a restart, so retries after a restart meet keys the dead process still holds. */
const LEASE_SECONDS = 10;
const PARTICIPANTS = 40;
/** Requests the clients have open at once (a pool, like a fleet of SDK clients with keep-alive). */
const MAX_OPEN_REQUESTS = 128;
/**
 * Keys not yet answered at once: new keys come at RATE_PER_S, but no faster than the server
 * answers (a closed loop), so a slow machine runs fewer keys instead of an ever longer queue.
 */
const MAX_OUTSTANDING_KEYS = 160;
const DEADLINE_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bundles the Node server once (like `pnpm build`), into a folder under node_modules so its dependencies resolve. */
function buildServer(): string {
  const outDir = join(apiDir, "node_modules/.cache/gk-crash-test");
  const require = createRequire(join(apiDir, "package.json"));
  const tsup = join(dirname(require.resolve("tsup/package.json")), "dist/cli-default.js");
  const r = spawnSync(process.execPath, [tsup, "--silent", "--out-dir", outDir], { cwd: apiDir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsup failed:\n${r.stdout}${r.stderr}`);
  return join(outDir, "node.js");
}

interface Published {
  room: string;
  id: string;
  order: number | undefined;
  type: string;
  messageId: string | undefined;
  /** Which server process (0 = first start) had been started when it arrived. */
  life: number;
}

/** Stands in for the rooms: answers 202 and records what arrived, in arrival order. */
async function startRooms(life: () => number) {
  const arrived: Published[] = [];
  const port = await freePort();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const p = JSON.parse(body) as {
        id: string;
        room: string;
        order?: number;
        event: { type: string; data?: { message?: { id?: string } } };
      };
      arrived.push({ room: p.room, id: p.id, order: p.order, type: p.event.type, messageId: p.event.data?.message?.id, life: life() });
      res.writeHead(202, { "content-type": "application/json" });
      res.end(JSON.stringify({ seq: p.order ?? arrived.length, duplicate: false }));
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return { host: `127.0.0.1:${port}`, arrived, close: () => new Promise<void>((r) => server.close(() => r())) };
}

interface KeyRun {
  key: string;
  kind: "message" | "plan";
  url: string;
  token: string;
  body: string;
  attempts: number;
  /** Final: the id answered (from the first 201 the client got), or why none. */
  answerId?: string;
  replayed?: boolean;
  committedWithoutAnswer?: boolean;
  unexpected?: string;
  /** When each 409 idempotency_key_in_flight arrived. */
  inFlightAt: number[];
  firstInFlightAt?: number;
  finalAt?: number;
}

describe("kill -9 under ~200 idempotent writes/s", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gk-crash-"));
  let child: ChildProcess | undefined;
  let output = "";
  let rooms: Awaited<ReturnType<typeof startRooms>> | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await rooms?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("every key ends in exactly one effect and its original answer; no key stays in flight", { timeout: 180_000 }, async () => {
    const entry = buildServer();
    let lives = 0;
    rooms = await startRooms(() => lives);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      JWT_SECRET: randomBytes(24).toString("hex"),
      REALTIME_SECRET: randomBytes(24).toString("hex"),
      REALTIME_HOST: rooms.host,
      IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
      AUTH_RATE_LIMIT_MAX: "1000",
      // Each participant posts a few messages a second here: more than a person's chat budget.
      CHAT_RATE_LIMIT_MAX: "1000000",
      NODE_COMPILE_CACHE: join(dirname(entry), "compile-cache"),
    };
    const start = async () => {
      const c = spawn(process.execPath, [entry], { cwd: apiDir, env, stdio: ["ignore", "pipe", "pipe"] });
      c.stdout?.on("data", (d) => (output += d));
      c.stderr?.on("data", (d) => (output += d));
      child = c;
      for (let i = 0; ; i++) {
        if (c.exitCode !== null) throw new Error(`the API exited (${c.exitCode}):\n${output}`);
        try {
          if ((await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(2_000) })).ok) break;
        } catch {}
        if (i > 600) throw new Error(`the API did not start:\n${output}`);
        await sleep(50);
      }
    };
    const kill = async () => {
      const c = child;
      if (!c) return;
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill("SIGKILL");
      await exited;
    };

    await start();
    const demo = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")) as { secretKey: string };
    const api = async (path: string, token: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    // Participants each organizing their own plan (one room each), so the load spreads like real chat.
    const people: { token: string; planId: string }[] = [];
    for (let i = 0; i < PARTICIPANTS; i++) {
      const pt = await api("/v1/participant-tokens", demo.secretKey, { externalId: `crash-${i}`, name: `Person ${i}` });
      const token = pt.token as string;
      const plan = await api("/v1/plans", token, {
        type: "trip",
        title: `Crash room ${i}`,
        timeZone: "Europe/Lisbon",
        currency: "EUR",
      });
      people.push({ token, planId: plan.id as string });
    }

    const runs: KeyRun[] = [];
    let requests = 0;
    let connectionFailures = 0;
    let serverErrors = 0;
    let rateLimited = 0;
    // Retries back off like the SDK's: exponential with jitter, capped (a client that hammers a
    // restarting server only slows its start).
    const backoff = (k: KeyRun) => sleep(Math.min(2_000, 100 * 2 ** Math.min(k.attempts, 5)) * (0.5 + Math.random() / 2));
    let open = 0;
    const waiting: (() => void)[] = [];
    const send = async (k: KeyRun): Promise<{ res: Response; text: string } | undefined> => {
      if (open >= MAX_OPEN_REQUESTS) await new Promise<void>((r) => waiting.push(r));
      open++;
      try {
        const res = await fetch(k.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${k.token}`, "idempotency-key": k.key },
          body: k.body,
        });
        return { res, text: await res.text() };
      } catch {
        return undefined;
      } finally {
        open--;
        waiting.shift()?.();
      }
    };
    let finished = 0;
    const drive = async (k: KeyRun) => {
      await driveToFinal(k);
      finished++;
    };
    const driveToFinal = async (k: KeyRun) => {
      for (;;) {
        k.attempts++;
        requests++;
        const answered = await send(k);
        if (!answered) {
          connectionFailures++;
          await backoff(k);
          continue;
        }
        const { res, text } = answered;
        if (res.status === 201) {
          k.answerId = (JSON.parse(text) as { id: string }).id;
          k.replayed = res.headers.get("idempotent-replayed") === "true";
          k.finalAt = performance.now();
          return;
        }
        const code = (() => {
          try {
            return (JSON.parse(text) as { code?: string }).code;
          } catch {
            return undefined;
          }
        })();
        if (res.status === 409 && code === "idempotency_key_in_flight") {
          k.inFlightAt.push(performance.now());
          k.firstInFlightAt ??= performance.now();
          await sleep(Number(res.headers.get("retry-after") ?? "1") * 1000 * (0.5 + Math.random() / 2));
          continue;
        }
        if (res.status === 409 && code === "idempotency_key_committed") {
          k.committedWithoutAnswer = true;
          k.finalAt = performance.now();
          return;
        }
        if (res.status === 429) {
          rateLimited++;
          await sleep(Number(res.headers.get("retry-after") ?? "1") * 1000);
          continue;
        }
        if (res.status >= 500) {
          serverErrors++;
          await backoff(k);
          continue;
        }
        k.unexpected = `${res.status} ${text.slice(0, 300)}`;
        k.finalAt = performance.now();
        return;
      }
    };

    // The load: RATE_PER_S new keys a second, 4 in 5 chat messages, 1 in 5 plans; KILLS times a
    // SIGKILL, each followed by an immediate restart on the same DATA_DIR; the load stops
    // KILL_AFTER_MS after the last restart.
    const driving: Promise<void>[] = [];
    const killTimes: number[] = [];
    const restartMs: number[] = [];
    const t0 = performance.now();
    let restarting: Promise<void> | undefined;
    let lastUp = t0;
    while (killTimes.length < KILLS || restarting || performance.now() - lastUp < KILL_AFTER_MS) {
      const elapsed = performance.now() - t0;
      while (runs.length < Math.floor((elapsed / 1000) * RATE_PER_S) && runs.length - finished < MAX_OUTSTANDING_KEYS) {
        const i = runs.length;
        const person = people[i % people.length]!;
        const key = `crash-${i}-${randomBytes(6).toString("hex")}`;
        const k: KeyRun =
          i % 5 === 4
            ? {
                key,
                kind: "plan",
                url: `${base}/v1/plans`,
                token: demo.secretKey,
                body: JSON.stringify({ type: "event", title: `plan ${key}`, timeZone: "UTC", currency: "EUR" }),
                attempts: 0,
                inFlightAt: [],
              }
            : {
                key,
                kind: "message",
                url: `${base}/v1/plans/${person.planId}/messages`,
                token: person.token,
                body: JSON.stringify({ body: `message ${key}` }),
                attempts: 0,
                inFlightAt: [],
              };
        runs.push(k);
        driving.push(drive(k));
      }
      if (!restarting && killTimes.length < KILLS && performance.now() - lastUp >= KILL_AFTER_MS) {
        killTimes.push(performance.now());
        lives++;
        restarting = (async () => {
          await kill();
          const s = performance.now();
          await start();
          restartMs.push(Math.round(performance.now() - s));
          lastUp = performance.now();
          restarting = undefined;
        })();
      }
      await sleep(5);
    }
    const loadEnded = performance.now();
    const loadMs = Math.round(loadEnded - t0);
    const answeredDuringLoad = runs.filter((k) => k.finalAt !== undefined).length;
    // Every key retried to a final answer, within a bound.
    const all = Promise.all(driving);
    const done = await Promise.race([all.then(() => true), sleep(DEADLINE_MS).then(() => false)]);
    const drainedMs = Math.round(performance.now() - loadEnded);
    const notFinal = runs.filter((k) => k.finalAt === undefined);
    expect(
      { notFinal: notFinal.length, stillAnsweredInFlight: notFinal.filter((k) => k.inFlightAt.length > 0).length },
      `every key reached a final answer within ${DEADLINE_MS} ms`,
    ).toEqual({ notFinal: 0, stillAnsweredInFlight: 0 });
    expect(done).toBe(true);

    // A replay answers the same id: every key that needed a retry, and every tenth other one.
    let replayMismatches = 0;
    let replayNotReplayed = 0;
    const replayed = runs.filter((k, i) => k.attempts > 1 || i % 10 === 0);
    for (let i = 0; i < replayed.length; i += 50) {
      await Promise.all(
        replayed.slice(i, i + 50).map(async (k) => {
          if (!k.answerId) return;
          const res = await fetch(k.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${k.token}`, "idempotency-key": k.key },
            body: k.body,
          });
          const body = (await res.json()) as { id?: string };
          if (res.headers.get("idempotent-replayed") !== "true") replayNotReplayed++;
          if (body.id !== k.answerId) replayMismatches++;
        }),
      );
    }

    // Let the outbox settle a little (its pump retries every few seconds), then stop and count.
    await sleep(3_000);
    await kill();
    const db = createClient({ url: pathToFileURL(join(dataDir, "gatherkit.db")).href });
    const messages = (await db.execute("SELECT id, body FROM chat_messages WHERE body LIKE 'message crash-%'")).rows;
    const planRows = (await db.execute("SELECT id, title FROM plans WHERE title LIKE 'plan crash-%'")).rows;
    const pendingKeys = Number((await db.execute("SELECT count(*) AS n FROM idempotency_keys WHERE status = 'pending'")).rows[0]?.n);
    const committedKeys = Number((await db.execute("SELECT count(*) AS n FROM idempotency_keys WHERE status = 'committed'")).rows[0]?.n);
    const unsent = Number((await db.execute("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL")).rows[0]?.n);
    db.close();

    const effects = new Map<string, string[]>();
    for (const r of messages) {
      const key = String(r.body).slice("message ".length);
      effects.set(key, [...(effects.get(key) ?? []), String(r.id)]);
    }
    for (const r of planRows) {
      const key = String(r.title).slice("plan ".length);
      effects.set(key, [...(effects.get(key) ?? []), String(r.id)]);
    }
    const duplicates = runs.filter((k) => (effects.get(k.key)?.length ?? 0) > 1).length;
    const missing = runs.filter((k) => (effects.get(k.key)?.length ?? 0) === 0).length;
    const wrongAnswer = runs.filter((k) => k.answerId !== undefined && effects.get(k.key)?.[0] !== k.answerId).length;
    const committedWithoutAnswer = runs.filter((k) => k.committedWithoutAnswer).length;
    const unexpected = runs.filter((k) => k.unexpected);
    const waitedInFlight = runs.filter((k) => k.firstInFlightAt !== undefined);
    const longestInFlightMs = Math.round(Math.max(0, ...waitedInFlight.map((k) => (k.finalAt ?? 0) - (k.firstInFlightAt ?? 0))));
    // This client sends one request per key at a time and never gives up on one, so a key is in
    // flight only while a killed process holds it: an in-flight answer later than the lease after
    // the last kill before it (plus a second of slack for a loaded machine) is a key stuck beyond its lease.
    const inFlightAnswersBeyondLease = runs
      .flatMap((k) => k.inFlightAt)
      .filter((at) => at - Math.max(...killTimes.filter((kt) => kt <= at), Number.NEGATIVE_INFINITY) > LEASE_SECONDS * 1000 + 1000).length;

    // Realtime: one plan.message_changed per message expected; what arrived, twice, or out of order per room.
    const arrived = rooms.arrived;
    const messageEvents = arrived.filter((p) => p.type === "plan.message_changed" && p.messageId);
    const delivered = new Set(messageEvents.map((p) => p.messageId));
    const expectedMessages = messages.map((r) => String(r.id));
    const seenIds = new Map<string, number>();
    for (const p of arrived) seenIds.set(p.id, (seenIds.get(p.id) ?? 0) + 1);
    // A room broadcasts a publish only if its order is above the highest it has broadcast, and
    // drops the rest as repeats. A repeat (a row re-sent after a crash lost its answer) is fine;
    // a row arriving for the first time behind a newer one would be dropped: lost to its clients.
    const lastOrder = new Map<string, number>();
    const seenOnce = new Set<string>();
    let outOfOrder = 0;
    let lostBehindNewer = 0;
    for (const p of arrived) {
      if (p.order === undefined) continue;
      const prev = lastOrder.get(p.room) ?? -1;
      if (p.order < prev) outOfOrder++;
      if (p.order <= prev && !seenOnce.has(p.id)) lostBehindNewer++;
      seenOnce.add(p.id);
      lastOrder.set(p.room, Math.max(prev, p.order));
    }
    const figures = {
      keys: runs.length,
      loadMs,
      offeredKeysPerSecond: Math.round(runs.length / (loadMs / 1000)),
      answeredDuringLoadPerSecond: Math.round(answeredDuringLoad / (loadMs / 1000)),
      messages: runs.filter((k) => k.kind === "message").length,
      plans: runs.filter((k) => k.kind === "plan").length,
      kills: killTimes.length,
      restartMs,
      requests,
      retries: requests - runs.length,
      keysRetried: runs.filter((k) => k.attempts > 1).length,
      connectionFailures,
      serverErrors,
      rateLimited,
      keysThatWaitedInFlight: waitedInFlight.length,
      inFlightAnswers: runs.reduce((n, k) => n + k.inFlightAt.length, 0),
      longestInFlightMs,
      inFlightAnswersBeyondLease,
      answeredByReplay: runs.filter((k) => k.replayed).length,
      committedWithoutAnswer,
      duplicates,
      missing,
      wrongAnswer,
      replayChecked: replayed.length,
      replayMismatches,
      replayNotReplayed,
      pendingKeysLeft: pendingKeys,
      committedKeysLeft: committedKeys,
      drainedMsAfterLoad: drainedMs,
      realtime: {
        publishes: arrived.length,
        messageEventsExpected: expectedMessages.length,
        messageEventsDelivered: expectedMessages.filter((id) => delivered.has(id)).length,
        deliveredTwice: [...seenIds.values()].filter((n) => n > 1).length,
        outOfOrderWithinRoom: outOfOrder,
        firstArrivalsBehindNewer: lostBehindNewer,
        afterLastRestart: arrived.filter((p) => p.life === killTimes.length).length,
        unsentOutboxRows: unsent,
      },
    };
    console.log(`kill -9 figures: ${JSON.stringify(figures, null, 2)}`);

    expect(unexpected.map((k) => k.unexpected)).toEqual([]);
    expect(output).not.toMatch(/differs from the response/);
    expect(duplicates).toBe(0);
    expect(missing).toBe(0);
    expect(wrongAnswer).toBe(0);
    // Chat messages and plans seal their answer into the write: no key is left without its answer.
    expect(committedWithoutAnswer).toBe(0);
    expect(replayMismatches).toBe(0);
    expect(replayNotReplayed).toBe(0);
    expect(pendingKeys).toBe(0);
    expect(committedKeys).toBe(0);
    expect(killTimes.length).toBe(KILLS);
    // Realtime after the crashes: every message reached its room, none first arrived behind a
    // newer one of its room (the room would have dropped it), and nothing was left unsent.
    expect({
      lostBehindNewer,
      delivered: figures.realtime.messageEventsDelivered,
      unsent,
    }).toEqual({ lostBehindNewer: 0, delivered: expectedMessages.length, unsent: 0 });
  });
});
