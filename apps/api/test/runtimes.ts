import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "../../../scripts/lib/free-port.mjs";
import { startNodeServer } from "../src/node.js";

/** A running API reachable over a real socket, and how to stop it. */
export interface RunningApi {
  baseUrl: string;
  /** The settings it was started with (secrets included), for checks that need them. */
  env: Record<string, string>;
  /** What the process printed so far (wrangler and the built server); for failure messages. */
  output(): string;
  close(): Promise<void>;
}

const apiDir = resolve(import.meta.dirname, "..");
/**
 * Fresh secrets per server, the sign-up rate limit raised (every test signs up from one
 * address), and whatever the caller adds (e.g. REALTIME_HOST).
 */
const testEnv = (extra: Record<string, string>): Record<string, string> => ({
  JWT_SECRET: randomBytes(24).toString("hex"),
  REALTIME_SECRET: randomBytes(24).toString("hex"),
  AUTH_RATE_LIMIT_MAX: "1000",
  ...extra,
});

export type StartApi = (env?: Record<string, string>) => Promise<RunningApi>;

/** The embedded default in this process: `startNodeServer` on a fresh DATA_DIR and a free port. */
export const startNodeApi: StartApi = async (extra = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "gk-node-"));
  const env = testEnv(extra);
  const server = await startNodeServer({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "warn", ...env });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    env,
    output: () => "",
    async close() {
      await server.close();
      server.handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/**
 * The production build: runs tsup (so the bundle matches the sources under test), then
 * `node dist/node.js`, what `pnpm --filter @gatherkit/api start` runs, as a child process.
 */
export const startBuiltApi: StartApi = async (extra = {}) => {
  const require = createRequire(join(apiDir, "package.json"));
  const tsup = join(dirname(require.resolve("tsup/package.json")), "dist/cli-default.js");
  const build = spawnSync(process.execPath, [tsup, "--silent"], { cwd: apiDir, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`tsup failed:\n${build.stdout}${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), "gk-dist-"));
  const port = await freePort();
  const env = testEnv(extra);
  const child = spawn(process.execPath, [join(apiDir, "dist/node.js")], {
    cwd: apiDir,
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "info", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return waitForApi(child, `http://127.0.0.1:${port}`, env, dir);
};

/**
 * The Worker under `wrangler dev` on a free port, with D1 persisted to a fresh temp dir and the
 * secrets and other settings in a temp env file (never in the repo). It runs the bundle
 * `wrangler deploy` would upload, built once up front (`--no-bundle`), so edits to the sources
 * during a run do not reload it. Resolves once /v1/health answers. The cron trigger can be fired
 * with `GET /cdn-cgi/handler/scheduled` (`--test-scheduled`).
 */
export const startWorkerApi: StartApi = async (extra = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "gk-worker-"));
  const envFile = join(dir, "secrets.env");
  const env = testEnv(extra);
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode: 0o600 },
  );
  const port = await freePort();
  const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
  const bundle = bundleWorker(join(dir, "bundle"));
  const child = spawn(
    process.execPath,
    [
      wranglerBin(),
      "dev",
      bundle.entry,
      "--no-bundle",
      // Bindings and vars still come from the config (found next to the script otherwise).
      "--config",
      join(apiDir, "wrangler.jsonc"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      "0",
      "--persist-to",
      join(dir, "state"),
      "--env-file",
      envFile,
      "--var",
      `PUBLIC_URL:http://127.0.0.1:${port}`,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      "--log-level",
      "info",
    ],
    {
      cwd: apiDir,
      env: wranglerEnv,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so closing it also stops the workerd processes it starts.
      detached: true,
    },
  );
  return waitForApi(child, `http://127.0.0.1:${port}`, env, dir, 90_000);
};

function wranglerBin(): string {
  return join(dirname(createRequire(join(apiDir, "package.json")).resolve("wrangler/package.json")), "bin/wrangler.js");
}

/**
 * Bundles the Worker exactly as `wrangler deploy` would (`--dry-run`) into `outdir`, with the
 * esbuild metafile beside it. Throws with wrangler's output if bundling fails.
 */
export function bundleWorker(outdir: string): { entry: string; metafile: string } {
  const metafile = join(outdir, "meta.json");
  // wrangler.jsonc's `assets` directory (the dashboard's build) must exist, even when not built yet.
  mkdirSync(join(apiDir, "../dashboard/dist"), { recursive: true });
  const r = spawnSync(process.execPath, [wranglerBin(), "deploy", "--dry-run", "--outdir", outdir, "--metafile", metafile], {
    cwd: apiDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}${r.stderr}`);
  return { entry: join(outdir, "worker.js"), metafile };
}

async function waitForApi(
  child: ChildProcess,
  baseUrl: string,
  env: Record<string, string>,
  dir: string,
  timeoutMs = 30_000,
): Promise<RunningApi> {
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Every child runs in its own process group: signal the group to reach grandchildren too.
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {}
      };
      signal("SIGTERM");
      const killer = setTimeout(() => signal("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The API exited with code ${child.exitCode} before answering:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The API did not answer /v1/health at ${baseUrl} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, env, output: () => output, close: stop };
}

/** One publish the API sent to the realtime stub. */
export interface StubPublish {
  path: string;
  body: string;
  signature: string | undefined;
  accepted: boolean;
}

/**
 * Stands in for the PartyKit rooms on a free port: records every publish and answers like a
 * room (202 `{ seq, duplicate }`), or 503 while `down` is set, so retries can be observed.
 */
export async function startRealtimeStub() {
  const publishes: StubPublish[] = [];
  const state = { down: false };
  let seq = 0;
  const server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const signature = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
      const accepted = !state.down && req.method === "POST";
      publishes.push({ path: req.url ?? "", body, signature, accepted });
      if (!accepted) {
        res.writeHead(503).end("down");
        return;
      }
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ seq: ++seq, duplicate: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    publishes,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * For a test file that runs a flow on the Worker under `wrangler dev` with D1 and checks what
 * reaches the rooms (a stub that records publishes): starts both before the file's tests and
 * stops them after. `send` calls the Worker, `ok` expects a status (failing with the Worker's
 * output), and `signUp(organizationName)` signs a new organizer up and makes them a secret key.
 * `env` is added to the Worker's (e.g. a rate limit to test).
 */
export function onWorker(env: Record<string, string> = {}) {
  const running: { api?: RunningApi; rooms?: Awaited<ReturnType<typeof startRealtimeStub>> } = {};
  beforeAll(async () => {
    running.rooms = await startRealtimeStub();
    running.api = await startWorkerApi({ REALTIME_HOST: running.rooms.host, ...env });
  }, 120_000);
  afterAll(async () => {
    await running.api?.close();
    await running.rooms?.close();
  });
  const api = () => running.api!;
  async function send<T = unknown>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${api().baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  async function ok<T>(r: Promise<{ status: number; body: unknown }>, status: number): Promise<T> {
    const { status: got, body } = await r;
    if (got !== status) throw new Error(`expected ${status}, got ${got}: ${JSON.stringify(body)}\n${api().output().slice(-3000)}`);
    return body as T;
  }
  async function signUp(organizationName: string): Promise<{ accessToken: string; secret: string }> {
    const session = await ok<{ accessToken: string }>(
      send("POST", "/v1/auth/sign-up", null, {
        email: `d1-${crypto.randomUUID().slice(0, 8)}@example.com`,
        password: "correct horse battery staple",
        name: "Dee",
        organizationName,
      }),
      201,
    );
    const { secret } = await ok<{ secret: string }>(send("POST", "/v1/secret-keys", session.accessToken, { name: "Server" }), 201);
    return { accessToken: session.accessToken, secret };
  }
  return { api, rooms: () => running.rooms!, send, ok, signUp };
}
