import { createHmac } from "node:crypto";
import { lookup } from "node:dns/promises";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations } from "@gatherkit/db";
import { createLibsqlDb } from "@gatherkit/db/libsql";
import type { HttpBindings } from "@hono/node-server";
import { serve } from "@hono/node-server";
import { createApp, webhookEventCatalogue } from "./app.js";
import { startHoldSweeper } from "./domains/events/index.js";
import { notificationResolvers } from "./domains/index.js";
import { startBookingSweeper } from "./domains/places/index.js";
import { configFromEnv } from "./lib/config.js";
import { problemBody } from "./lib/errors.js";
import { createHttpPublisher } from "./lib/http-publisher.js";
import { createLogger, type LogLevel } from "./lib/logger.js";
import { nodePublishing } from "./lib/node-publisher.js";
import { releaseClaimsOf, startOutboxPump } from "./lib/outbox.js";
import { flushRequestLog } from "./lib/request-log.js";
import { filesFrom } from "./lib/static-files.js";
import type { Deps, LocalFileStore } from "./lib/types.js";
import { localSecrets } from "./local-secrets.js";
import { useNativeHmac } from "./platform/hmac.js";
import { generateVapidKeys, notificationsFromEnv } from "./platform/notifications/index.js";
import { outboxViewer } from "./platform/notifications/viewer.js";
import { webhookSender } from "./platform/webhooks/index.js";
import { demoOrigins, seedDemo } from "./seed.js";
import { seedDemoContent } from "./seed-content.js";

/** Flushes of `bufferedLines` writers with lines pending, run on process exit (declared before any server starts). */
const flushOnExit = new Set<() => void>();
let exitHooked = false;

/**
 * The embedded default: the API on Node with a libSQL file database under DATA_DIR,
 * migrations applied on start and a demo organization seeded on first start.
 */
export async function startNodeServer(env: Record<string, string | undefined> = process.env) {
  // The API's own HMAC tokens through node:crypto's synchronous HMAC (same bytes as WebCrypto, see platform/hmac.ts).
  useNativeHmac((key, data) => createHmac("sha256", key).update(data).digest());
  // The request log line is on every request's path: lines are gathered and written once per
  // turn of the event loop (one write for all the requests answered in it), not one each.
  const logger = createLogger({
    level: (env.LOG_LEVEL as LogLevel | undefined) ?? "info",
    write: bufferedLines((text) => process.stdout.write(text)),
  });
  const dataDir = resolve(env.DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true });
  const url = env.DATABASE_URL ?? pathToFileURL(resolve(dataDir, "gatherkit.db")).href;
  const file = url.startsWith("file:");
  // A local file gets ONE connection: the client runs each statement and batch synchronously
  // (more connections in one process add no parallelism), and per-connection settings (the
  // pragmas below) then hold for every statement instead of only the first pooled connection's.
  const handle = createLibsqlDb({ url, authToken: env.DATABASE_AUTH_TOKEN, ...(file ? { concurrency: 1 } : {}) });
  if (file) {
    await handle.client.execute("PRAGMA journal_mode = WAL");
    await handle.client.execute(`PRAGMA synchronous = ${fileDurability(env.DATABASE_SYNC)}`);
  }
  await handle.client.execute("PRAGMA busy_timeout = 5000").catch(() => {});
  const applied = await applyMigrations(handle.migrations);
  if (applied.length) logger.info("migrations applied", { applied });

  const production = env.NODE_ENV === "production";
  const local = production ? null : localSecrets(dataDir);
  const config = configFromEnv(
    // Local runs get secrets kept in DATA_DIR (pnpm dev gives the rooms the same realtime one);
    // production must set both itself (configFromEnv refuses to start without them).
    local
      ? { JWT_SECRET: local.jwtSecret, REALTIME_SECRET: local.realtimeSecret, CALENDAR_TOKEN_KEY: local.calendarTokenKey, ...env }
      : env,
    "node",
    { allowEphemeralSecrets: !production },
  );
  const instanceId = `dlv_${crypto.randomUUID()}`;
  const resolveHost = async (hostname: string) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
  const deps: Deps = {
    db: handle.db,
    config,
    logger,
    publisher: createHttpPublisher({ host: config.realtimeHost, secret: config.realtimeSecret, logger, ...nodePublishing() }),
    clientIp: (_req: Request, env: unknown) => (env as HttpBindings).incoming?.socket.remoteAddress,
    now: () => Date.now(),
    instanceId,
    // Locally, web push signs with a VAPID key pair kept in DATA_DIR unless VAPID_* are set.
    notifications: notificationsFromEnv(production || env.VAPID_PUBLIC_KEY ? env : { ...(await localVapidKeys(dataDir)), ...env }, {
      db: handle.db,
      now: () => Date.now(),
      fan: { resolvers: notificationResolvers(), config },
    }),
    webhooks: webhookSender(config, { eventTypes: webhookEventCatalogue().keys(), resolveHost }),
    localFiles: localFileStore(join(dataDir, "uploads")),
    resolveHost,
    docsScript,
    // The dashboard and the widgets module, as apps/dashboard built them (DASHBOARD_DIR moves it).
    assets: filesFrom(env.DASHBOARD_DIR ?? resolve(import.meta.dirname, "../../dashboard/dist")),
  };
  // Outbox rows the previous process on this DATA_DIR claimed and never sent (kill -9, a crash):
  // if that process is provably gone, its claims are taken over now, so each of their rooms
  // resumes at once and in order, not once the lease runs out.
  const previous = recordDeliverer(dataDir, instanceId);
  if (previous) {
    const released = await releaseClaimsOf(deps, previous);
    if (released) logger.info("took over the outbox claims of a stopped process", { instanceId: previous, rows: released });
  }
  const app = createApp(deps);
  const port = Number(env.PORT ?? 8787);
  const hostname = env.HOST ?? "127.0.0.1";
  // Retries outbox messages that failed or that a crash left behind.
  const stopOutboxPump = startOutboxPump(deps);
  // Returns the tickets of checkouts whose hold ran out, and tells their event rooms.
  const stopHoldSweeper = startHoldSweeper(deps);
  // Expires unpaid bookings (their places' rooms hear it), sends due "ends soon" SMS, retries refunds.
  const stopBookingSweeper = startBookingSweeper(deps);
  // Requests wait until the demo organization is seeded, so whoever sees the API up (`pnpm dev`
  // printing demo.json, a page using its key) sees the demo too.
  let seeded!: () => void;
  let isSeeded = false;
  const ready = new Promise<void>((r) => (seeded = r));
  const answer = (req: Request, bindings: unknown) => {
    // The outbox viewer: what the local email/SMS providers sent (local runs only).
    // (A substring test first: parsing every request's URL cost ~10 µs of each one.)
    if (!production && req.method === "GET" && req.url.includes("/_dev/outbox") && new URL(req.url).pathname.startsWith("/_dev/outbox")) {
      return outboxViewer(handle.db, new URL(req.url).pathname).then((page) => page ?? app.fetch(req, bindings));
    }
    return app.fetch(req, bindings);
  };
  const server = serve({
    // Once seeded, no wrapper of its own: an async function here was one more promise per request.
    fetch: (req, bindings) => (isSeeded ? answer(req, bindings) : ready.then(() => answer(req, bindings))),
    port,
    hostname,
  });
  // A request Node's parser refuses before the app sees it (headers or URL over Node's 16 KB, a
  // malformed request line) gets problem+json like every other refusal, not Node's bare status line.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: import("node:stream").Duplex) => {
    // As Node's own handler: nothing is written on a closed socket or over an answer already started.
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!socket.writable || started || err.code === "ECONNRESET") return void socket.destroy();
    const [status, reason, code, detail] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? ([431, "Request Header Fields Too Large", "headers_too_large", "The request's URL and headers are larger than 16 KB."] as const)
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? ([408, "Request Timeout", "request_timeout", "The request took too long to arrive."] as const)
          : ([400, "Bad Request", "bad_request", "The request could not be read as HTTP."] as const);
    const body = JSON.stringify(problemBody(status, code, detail));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((r) => server.once("listening", () => r()));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  // With PORT=0 the port is known only now; links (spec servers, demo.json, CSRF origin) follow it.
  if (!env.PUBLIC_URL) config.publicUrl = `http://${hostname}:${actualPort}`;
  // The demo organization is for local runs only; production starts empty. Its publishable key
  // allows the pages `pnpm dev` serves: the demo host page on WEB_PORT and this API.
  let demo: Awaited<ReturnType<typeof seedDemo>> = null;
  try {
    if (!production) demo = await seedDemo(deps, dataDir, demoOrigins({ api: actualPort, web: Number(env.WEB_PORT || 5173) }));
    // Sample content on the first start, when asked (pnpm dev does), so the dashboard has something to show.
    if (demo && env.SEED_DEMO_CONTENT === "true" && !existsSync(join(dataDir, "demo-content.done"))) {
      // Once: a failure is reported, and the API runs with the organization as it is.
      writeFileSync(join(dataDir, "demo-content.done"), `${new Date(deps.now()).toISOString()}\n`);
      await seedDemoContent((req) => app.fetch(req, {}), demo, deps.now()).catch((err: unknown) =>
        logger.warn("demo content not seeded", { error: err instanceof Error ? err.message : String(err) }),
      );
    }
  } catch (err) {
    void stopOutboxPump();
    liveDeliverers.delete(instanceId);
    stopHoldSweeper();
    stopBookingSweeper();
    server.close();
    throw err;
  }
  isSeeded = true;
  seeded();
  logger.info("api listening", { url: `http://${hostname}:${actualPort}`, docs: `http://${hostname}:${actualPort}/docs`, dataDir });
  return {
    app,
    server,
    port: actualPort,
    demo,
    close: async () => {
      await stopOutboxPump();
      liveDeliverers.delete(instanceId);
      stopHoldSweeper();
      stopBookingSweeper();
      await new Promise<void>((r) => server.close(() => r()));
      // The request log's entries still waiting for their batch are written before the caller
      // closes the database.
      await flushRequestLog(deps);
    },
    handle,
  };
}

/** Scalar's self-contained reference page script, read once from @scalar/api-reference. */
let scalarScript: Promise<string> | undefined;
function docsScript(): Promise<string> {
  scalarScript ??= readFile(
    join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js"),
    "utf8",
  );
  return scalarScript;
}

/** Deliverer ids of the servers running in this process (tests start several). */
const liveDeliverers = new Set<string>();

/**
 * Records this process as DATA_DIR's outbox deliverer (`deliverer.json`: its instance id and
 * pid) and answers the previous one's instance id if that process is provably gone: no process
 * has its pid any more, or this process has it now (a container restart). A pid that exists may
 * be a live server on the same DATA_DIR, or a reused pid: then nothing is taken over, and its
 * claims come free when their lease ends.
 */
function recordDeliverer(dataDir: string, instanceId: string): string | undefined {
  const file = resolve(dataDir, "deliverer.json");
  let previous: { instanceId?: unknown; pid?: unknown } = {};
  try {
    previous = JSON.parse(readFileSync(file, "utf8")) as typeof previous;
  } catch {
    // First start, or an unreadable record: nothing to take over.
  }
  writeFileSync(file, JSON.stringify({ instanceId, pid: process.pid }));
  liveDeliverers.add(instanceId);
  if (typeof previous.instanceId !== "string" || typeof previous.pid !== "number") return undefined;
  if (liveDeliverers.has(previous.instanceId)) return undefined;
  return processIsGone(previous.pid) ? previous.instanceId : undefined;
}

function processIsGone(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** A VAPID key pair kept in DATA_DIR, so browsers' push subscriptions survive a restart of the local server. */
async function localVapidKeys(dataDir: string): Promise<{ VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string }> {
  const file = resolve(dataDir, "vapid.json");
  if (!existsSync(file)) {
    const keys = await generateVapidKeys("mailto:admin@gatherkit.localhost");
    writeFileSync(file, JSON.stringify({ VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, "utf8")) as { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startNodeServer().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** The embedded default's upload store: one file per upload under `dir` (keys are `<org>/<upload id>`, its copies `….w<width>`). */
export function localFileStore(dir: string): LocalFileStore {
  const fileOf = (key: string) => {
    if (!/^[a-z]+_[0-9a-z]+\/[a-z]+_[0-9a-z]+(\.w\d{1,5})?$/.test(key)) throw new Error(`not an upload key: ${key}`);
    return join(dir, key);
  };
  return {
    async write(key, bytes) {
      const file = fileOf(key);
      await mkdir(dirname(file), { recursive: true });
      // Written whole, then renamed: a reader never sees half a file.
      await writeFile(`${file}.part`, bytes);
      await rename(`${file}.part`, file);
    },
    async read(key) {
      try {
        return new Uint8Array(await readFile(fileOf(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
  };
}

/**
 * `DATABASE_SYNC` (a local file only): `normal` (default) commits without waiting for the disk —
 * in WAL mode a commit is in the WAL file before it is acknowledged, so it survives the process
 * dying (kill -9, a crash) and the database stays consistent; a power loss or an OS crash may
 * roll back the last moments. `full` also waits for the disk on every commit (fsync): durable
 * through a power loss, at a few milliseconds per write.
 */
export function fileDurability(value: string | undefined): "NORMAL" | "FULL" {
  const v = (value ?? "normal").trim().toLowerCase();
  if (v === "normal" || v === "full") return v === "full" ? "FULL" : "NORMAL";
  throw new Error(`DATABASE_SYNC must be "normal" or "full", not ${JSON.stringify(value)}`);
}

/**
 * A line writer that gathers the lines written during one turn of the event loop and hands them
 * to `write` together (`setImmediate`), and at once on process exit, so nothing logged is lost
 * when the process ends normally (a kill -9 may lose the lines of that one turn).
 */
export function bufferedLines(write: (text: string) => void): (line: string) => void {
  let lines: string[] = [];
  const flush = () => {
    flushOnExit.delete(flush);
    if (lines.length === 0) return;
    const text = `${lines.join("\n")}\n`;
    lines = [];
    write(text);
  };
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      for (const f of [...flushOnExit]) f();
    });
  }
  return (line) => {
    if (lines.push(line) === 1) {
      flushOnExit.add(flush);
      setImmediate(flush);
    }
  };
}
