/// <reference types="@cloudflare/workers-types" />
import { AsyncLocalStorage } from "node:async_hooks";
import { applyMigrations } from "@gatherkit/db";
import { createD1Db } from "@gatherkit/db/d1";
import { createLibsqlWebDb } from "@gatherkit/db/libsql-web";
import { createApp, webhookEventCatalogue } from "./app.js";
import { releaseExpiredHolds } from "./domains/events/index.js";
import { notificationResolvers } from "./domains/index.js";
import { sweepBookings } from "./domains/places/index.js";
import { configFromEnv } from "./lib/config.js";
import { problemResponse } from "./lib/errors.js";
import { createHttpPublisher } from "./lib/http-publisher.js";
import { createLogger, type LogLevel } from "./lib/logger.js";
import { deliverOutbox, pruneExpired } from "./lib/outbox.js";
import type { Deps } from "./lib/types.js";
import { notificationsFromEnv } from "./platform/notifications/index.js";
import { webhookSender } from "./platform/webhooks/index.js";

/**
 * Bindings and vars of the Worker (wrangler.jsonc). The database is D1 (`DB`), or libSQL over
 * HTTP (Turso) when `DATABASE_URL` is set. JWT_SECRET and REALTIME_SECRET are secrets.
 */
export interface Env {
  DB?: D1Database;
  /** The dashboard and widgets files (wrangler.jsonc `assets`, from apps/dashboard/dist). */
  ASSETS?: Fetcher;
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
  JWT_SECRET?: string;
  REALTIME_SECRET?: string;
  PUBLIC_URL?: string;
  REALTIME_HOST?: string;
  LOG_LEVEL?: string;
  [name: string]: unknown;
}

type App = ReturnType<typeof createApp>;
interface Built {
  app: App;
  deps: Deps;
}

/** The request being served, so work handed to `deps.waitUntil` outlives its own response. */
const requestContext = new AsyncLocalStorage<ExecutionContext>();

/** One app per isolate: built, and the database migrated, on the first request. */
let ready: Promise<Built> | undefined;

async function build(env: Env): Promise<Built> {
  const vars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const config = configFromEnv(vars, "workers");
  const logger = createLogger({ level: (vars.LOG_LEVEL as LogLevel | undefined) ?? "info" });
  const handle = openDatabase(env);
  const applied = await applyMigrations(handle.migrations);
  if (applied.length) logger.info("migrations applied", { applied });
  const deps: Deps = {
    db: handle.db,
    config,
    logger,
    publisher: createHttpPublisher({ host: config.realtimeHost, secret: config.realtimeSecret, logger }),
    clientIp: (req) => req.headers.get("cf-connecting-ip") ?? undefined,
    now: () => Date.now(),
    notifications: notificationsFromEnv(vars, {
      db: handle.db,
      now: () => Date.now(),
      fan: { resolvers: notificationResolvers(), config },
    }),
    ...(env.ASSETS ? { assets: assetsOf(env.ASSETS) } : {}),
    // Workers' fetch cannot reach private networks; URLs are still checked for local names and literal addresses.
    webhooks: webhookSender(config, { eventTypes: webhookEventCatalogue().keys() }),
    waitUntil: (p) => {
      const ctx = requestContext.getStore();
      const settled = p.catch((err: unknown) =>
        logger.error("background task failed", { error: err instanceof Error ? err.message : String(err) }),
      );
      ctx?.waitUntil(settled);
    },
  };
  return { app: createApp(deps), deps };
}

/** Static files from the ASSETS binding: the file, or null when there is none (it answers 404). */
function assetsOf(binding: Fetcher) {
  return async (path: string): Promise<Response | null> => {
    const res = await binding.fetch(new Request(new URL(path, "https://assets.local")));
    return res.ok ? res : null;
  };
}

/** The isolate's app, built on first use; a failed build is retried by the next caller. */
function built(env: Env): Promise<Built> {
  ready ??= build(env).catch((err: unknown) => {
    ready = undefined; // e.g. the database was briefly unreachable
    throw err;
  });
  return ready;
}

function logStartupFailure(err: unknown) {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "startup failed", error: String(err) }));
}

function openDatabase(env: Env) {
  if (env.DATABASE_URL) return createLibsqlWebDb({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
  if (env.DB) return createD1Db(env.DB);
  throw new Error("No database: bind a D1 database as DB or set DATABASE_URL to a libSQL URL (libsql:// or https://).");
}

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let app: App;
    try {
      ({ app } = await built(env));
    } catch (err) {
      logStartupFailure(err);
      return problemResponse(500, "internal_error", "The API could not start. Its operator has been told in the logs.");
    }
    return requestContext.run(ctx, () => app.fetch(req, env, ctx));
  },

  /**
   * The cron trigger (wrangler.jsonc `triggers.crons`): retries outbox deliveries that failed
   * or that an isolate stopped before finishing (requests deliver their own right away), and
   * prunes what is past its retention (sent outbox rows, idempotency keys).
   */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const { deps } = await built(env).catch((err: unknown) => {
      logStartupFailure(err);
      throw err;
    });
    const result = await requestContext.run(ctx, () => deliverOutbox(deps));
    if (result.claimed) deps.logger.info("outbox pass", { ...result });
    // Tickets of checkouts whose hold ran out go back on sale (and their rooms hear it).
    await requestContext.run(ctx, () => releaseExpiredHolds(deps));
    // Unpaid bookings expire, due "ends soon" SMS are queued, unacknowledged refunds retried.
    await requestContext.run(ctx, () => sweepBookings(deps));
    await pruneExpired(deps);
  },
} satisfies ExportedHandler<Env>;
