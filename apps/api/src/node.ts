import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations } from "@gatherkit/db";
import { createLibsqlDb } from "@gatherkit/db/libsql";
import type { HttpBindings } from "@hono/node-server";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { startHoldSweeper } from "./domains/events/index.js";
import { configFromEnv } from "./lib/config.js";
import { createHttpPublisher } from "./lib/http-publisher.js";
import { createLogger, type LogLevel } from "./lib/logger.js";
import { startOutboxPump } from "./lib/outbox.js";
import type { Deps } from "./lib/types.js";
import { demoOrigins, seedDemo } from "./seed.js";

/**
 * The embedded default: the API on Node with a libSQL file database under DATA_DIR,
 * migrations applied on start and a demo organization seeded on first start.
 */
export async function startNodeServer(env: Record<string, string | undefined> = process.env) {
  // stdout.write skips console.log's formatting: the request log line is on every request's path.
  const logger = createLogger({
    level: (env.LOG_LEVEL as LogLevel | undefined) ?? "info",
    write: (line) => void process.stdout.write(`${line}\n`),
  });
  const dataDir = resolve(env.DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true });
  const url = env.DATABASE_URL ?? pathToFileURL(resolve(dataDir, "gatherkit.db")).href;
  const handle = createLibsqlDb({ url, authToken: env.DATABASE_AUTH_TOKEN });
  if (url.startsWith("file:")) await handle.client.execute("PRAGMA journal_mode = WAL");
  await handle.client.execute("PRAGMA busy_timeout = 5000").catch(() => {});
  const applied = await applyMigrations(handle.migrations);
  if (applied.length) logger.info("migrations applied", { applied });

  const production = env.NODE_ENV === "production";
  const config = configFromEnv(
    // Local runs get a secret kept in DATA_DIR and the shared local realtime secret; production
    // must set both itself (configFromEnv refuses to start without them).
    production ? env : { JWT_SECRET: localSecret(dataDir), REALTIME_SECRET: LOCAL_REALTIME_SECRET, ...env },
    "node",
    { allowEphemeralSecrets: !production },
  );
  const deps: Deps = {
    db: handle.db,
    config,
    logger,
    publisher: createHttpPublisher({ host: config.realtimeHost, secret: config.realtimeSecret, logger }),
    clientIp: (_req: Request, env: unknown) => (env as HttpBindings).incoming?.socket.remoteAddress,
    now: () => Date.now(),
    docsScript,
  };
  const app = createApp(deps);
  const port = Number(env.PORT ?? 8787);
  const hostname = env.HOST ?? "127.0.0.1";
  // Retries outbox messages that failed or that a crash left behind.
  const stopOutboxPump = startOutboxPump(deps);
  // Returns the tickets of checkouts whose hold ran out, and tells their event rooms.
  const stopHoldSweeper = startHoldSweeper(deps);
  // Requests wait until the demo organization is seeded, so whoever sees the API up (`pnpm dev`
  // printing demo.json, a page using its key) sees the demo too.
  let seeded!: () => void;
  const ready = new Promise<void>((r) => (seeded = r));
  const server = serve({
    fetch: async (req, bindings) => {
      await ready;
      return app.fetch(req, bindings);
    },
    port,
    hostname,
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
  } catch (err) {
    stopOutboxPump();
    stopHoldSweeper();
    server.close();
    throw err;
  }
  seeded();
  logger.info("api listening", { url: `http://${hostname}:${actualPort}`, docs: `http://${hostname}:${actualPort}/docs`, dataDir });
  return {
    app,
    server,
    port: actualPort,
    demo,
    close: async () => {
      stopOutboxPump();
      stopHoldSweeper();
      await new Promise<void>((r) => server.close(() => r()));
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

/** The realtime secret `pnpm dev` gives both the API and `partykit dev` when none is set. */
export const LOCAL_REALTIME_SECRET = "gatherkit-local-realtime-secret-not-for-production";

/** A signing secret kept in DATA_DIR so sessions survive a restart of the local server. */
function localSecret(dataDir: string): string {
  const file = resolve(dataDir, "secrets.json");
  if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { jwtSecret: string }).jwtSecret;
  const jwtSecret = crypto.randomUUID() + crypto.randomUUID();
  writeFileSync(file, JSON.stringify({ jwtSecret }), { mode: 0o600 });
  return jwtSecret;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startNodeServer().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
