import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PublishedEvent } from "@gatherkit/core";
import { applyMigrations } from "@gatherkit/db";
import { createLibsqlDb } from "@gatherkit/db/libsql";
import { createApp, webhookEventCatalogue } from "../src/app.js";
import { notificationResolvers } from "../src/domains/index.js";
import { configFromEnv } from "../src/lib/config.js";
import { createLogger, type Logger } from "../src/lib/logger.js";
import type { Publisher, PublishOptions } from "../src/lib/publisher.js";
import type { Config, Deps } from "../src/lib/types.js";
import { localFileStore } from "../src/node.js";
import { notificationsFromEnv } from "../src/platform/notifications/config.js";
import { generateVapidKeys } from "../src/platform/notifications/webpush.js";
import { webhookSender } from "../src/platform/webhooks/index.js";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  /** Everything published to rooms, in order. */
  published: { room: string; event: PublishedEvent }[];
  /** The same publishes with what else went with them (outbox id, sequence, subjects to disconnect). */
  deliveries: ({ room: string; event: PublishedEvent } & PublishOptions)[];
  /** Log lines written during the test, parsed. */
  logs: Record<string, unknown>[];
  /** `fetch` that goes straight into the app (no socket), for the SDK and helpers. */
  fetch: typeof fetch;
  close(): void;
}

/**
 * A fresh API on its own libSQL file database with migrations applied. Every test file
 * gets real SQL, real auth and real idempotency; only the network is skipped.
 */
export async function createTestApp(
  opts: {
    config?: Partial<Config>;
    env?: Record<string, string>;
    publisher?: Publisher;
    now?: () => number;
    logger?: Logger;
    resolveHost?: Deps["resolveHost"];
  } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "gk-test-"));
  const handle = createLibsqlDb({ url: pathToFileURL(join(dir, "test.db")).href });
  await handle.client.execute("PRAGMA journal_mode = WAL");
  await handle.client.execute("PRAGMA busy_timeout = 5000");
  await applyMigrations(handle.migrations);
  const published: TestApp["published"] = [];
  const deliveries: TestApp["deliveries"] = [];
  const logs: Record<string, unknown>[] = [];
  const config = {
    ...configFromEnv(
      {
        JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
        REALTIME_SECRET: "test-realtime-secret-0123456789abcdef0123",
        PUBLIC_URL: "http://api.test",
        AUTH_RATE_LIMIT_MAX: "1000",
        MEMBER_INVITES_PER_CALLER: "1000",
        MEMBER_INVITES_PER_ORG: "1000",
        // Suites write far faster than people do; test/write-rate-limits.test.ts sets its own.
        CHAT_RATE_LIMIT_MAX: "1000",
        VOTE_RATE_LIMIT_MAX: "1000",
        PROPOSAL_RATE_LIMIT_MAX: "1000",
        ...opts.env,
      },
      "node",
    ),
    ...opts.config,
  };
  const deps: Deps = {
    db: handle.db,
    config,
    logger: opts.logger ?? createLogger({ level: "debug", write: (l) => logs.push(JSON.parse(l)) }),
    publisher: opts.publisher ?? {
      async publish(room, event, publishOpts = {}) {
        published.push({ room, event });
        deliveries.push({ room, event, ...publishOpts });
      },
    },
    clientIp: (req) => req.headers.get("x-test-ip") ?? "127.0.0.1",
    now: opts.now ?? monotonicNow(),
    ...(opts.resolveHost ? { resolveHost: opts.resolveHost } : {}),
  };
  // The local providers (EMAIL_PROVIDER/SMS_PROVIDER in opts.env choose others), as `pnpm dev` has,
  // and web push with fresh VAPID keys to the test push service (VAPID_PUBLIC_KEY: "" turns it off).
  const vapid = await generateVapidKeys("mailto:tests@example.test");
  deps.notifications = notificationsFromEnv(
    {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      PUSH_SERVICE_ORIGINS: "https://push.example.test",
      ...opts.env,
    },
    { db: handle.db, now: deps.now, fan: { resolvers: notificationResolvers(), config } },
  );
  // Webhooks with the embedded default's rule (private addresses allowed) unless opts.env says otherwise.
  deps.webhooks = webhookSender(config, { eventTypes: webhookEventCatalogue().keys(), resolveHost: deps.resolveHost });
  deps.localFiles = localFileStore(join(dir, "uploads"));
  const app = createApp(deps);
  const appFetch = ((input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch;
  return {
    app,
    deps,
    published,
    deliveries,
    logs,
    fetch: appFetch,
    close() {
      handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The default test clock: real time, but never the same millisecond twice, so "newest first"
 * lists are ordered by time and not by the random ids that break ties.
 */
export function monotonicNow(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

/** JSON request helper: `call(t, "POST", "/v1/…", { body, token, headers })`. */
export async function call(
  t: TestApp,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await t.fetch(`http://api.test${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON a route answered and assert on it.
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, headers: res.headers, body };
}
