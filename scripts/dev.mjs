#!/usr/bin/env node
// `pnpm dev`: everything on this machine, no account or network needed.
//   api       the API on Node (tsx watch apps/api/src/node.ts), libSQL file database in .data/
//   realtime  `partykit dev` in apps/realtime, sharing REALTIME_SECRET with the API
//   web       the demo host page (examples/) with the SDK and widgets bundled from source
//   google    a local stand-in for Google's OAuth and Calendar API (apps/api/test/google-standin.ts),
//             the API's "Google" unless GOOGLE_CLIENT_ID is set: connecting a client's calendar
//             goes through the same OAuth code path, with a consent page of its own
// Logs are streamed with a prefix per process; Ctrl-C stops them all.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { createInterface } from "node:readline";
import * as esbuild from "esbuild";
import { quietDisconnects } from "../apps/realtime/dev-output.mjs";

const root = resolve(import.meta.dirname, "..");
const apiDir = join(root, "apps/api");
const realtimeDir = join(root, "apps/realtime");
const examplesDir = join(root, "examples");
const dataDir = resolve(root, process.env.DATA_DIR ?? ".data");
const host = "127.0.0.1";
const apiPort = Number(process.env.PORT ?? 8787);
const realtimePort = Number(process.env.REALTIME_PORT ?? 1999);
const webPort = Number(process.env.WEB_PORT ?? 5173);
const apiUrl = `http://${host}:${apiPort}`;
const realtimeHost = `${host}:${realtimePort}`;
const webUrl = `http://${host}:${webPort}`;
const googlePort = Number(process.env.GOOGLE_STANDIN_PORT ?? 8790);
const realtimeSecret = process.env.REALTIME_SECRET ?? (await localRealtimeSecret());

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const tag = {
  api: paint(36, "[api]     "),
  realtime: paint(35, "[realtime]"),
  web: paint(32, "[web]     "),
  google: paint(33, "[google]  "),
  dev: paint(1, "[dev]     "),
};
const ESC = String.fromCharCode(27);
const ANY_ESCAPE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
const CURSOR_CONTROL = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-ln-z]`, "g"); // all but colours (m)
const say = (who, line) => process.stdout.write(`${tag[who]} ${line}\n`);

/** A module of the API's TypeScript sources, loaded through tsx (a function declaration: used before this line runs). */
async function tsModule(file) {
  const { tsImport } = await import(join(apiDir, "node_modules/tsx/dist/esm/api/index.mjs"));
  return tsImport(join(apiDir, file), import.meta.url);
}

/**
 * The Google stand-in (unless a real Google app is configured): its URLs for the API, what it
 * granted kept in DATA_DIR/google-standin.json. Connections made with it use the platform app.
 */
async function startGoogle() {
  if (process.env.GOOGLE_CLIENT_ID) return null;
  const { startGoogleStandIn } = await tsModule("test/google-standin.ts");
  const google = await startGoogleStandIn(undefined, {
    port: googlePort,
    interactive: true,
    stateFile: join(dataDir, "google-standin.json"),
  });
  // The data folder's own CALENDAR_TOKEN_KEY (secrets.json) encrypts the tokens, not the stand-in's test key.
  const { CALENDAR_TOKEN_KEY: _testKey, ...env } = google.env;
  return { google, env };
}

/**
 * The data folder's own realtime secret (DATA_DIR/secrets.json, made on first use), read with the
 * API's own code (apps/api/src/local-secrets.ts, loaded through tsx), so both processes agree.
 */
async function localRealtimeSecret() {
  mkdirSync(dataDir, { recursive: true });
  const { localSecrets } = await tsModule("src/local-secrets.ts");
  return localSecrets(dataDir).realtimeSecret;
}

function portInUse(port) {
  return new Promise((r) => {
    const socket = connect({ port, host }, () => {
      socket.destroy();
      r(true);
    });
    socket.on("error", () => r(false));
  });
}

const children = new Map();
let stopping = false;

/** Starts `node <script> ...args` in its own process group, streaming its output with a prefix. */
function run(who, script, args, opts) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, PWD: opts.cwd, FORCE_COLOR: color ? "1" : "0", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.set(who, child);
  // The rooms' runtime reports every browser that leaves with a multi-KB stack; drop those.
  const keep = who === "realtime" ? quietDisconnects() : () => true;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (raw) => {
      if (!keep(raw)) return;
      // Drop cursor movement and line erasing (spinners); keep colours only on a terminal.
      const line = raw.replace(color ? CURSOR_CONTROL : ANY_ESCAPE, "").trimEnd();
      if (line) say(who, line);
    });
  }
  child.on("exit", (code, signal) => {
    children.delete(who);
    if (stopping) return;
    say("dev", `${who} exited (${signal ?? `code ${code}`}); stopping everything.`);
    void stop(1);
  });
  return child;
}

function signalGroup(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {}
}

let web;
let google = null;
let bundler;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say("dev", "stopping…");
  const exits = [...children.values()].map(
    (child) =>
      new Promise((r) => {
        child.once("exit", r);
        signalGroup(child, "SIGTERM");
        setTimeout(() => signalGroup(child, "SIGKILL"), 5_000).unref();
      }),
  );
  await Promise.all(exits);
  await bundler?.dispose();
  web?.close();
  await google?.google.close();
  say("dev", "stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

// ---- the demo host page -------------------------------------------------------------------

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/** The SDK and widgets as browser ES modules, rebuilt from source (incrementally) on request. */
async function createBundler() {
  const entryPoints = {
    sdk: "packages/sdk/src/index.ts",
    realtime: "packages/sdk/src/realtime.ts",
    widgets: "packages/widgets/src/index.ts",
  };
  for (const [name, file] of Object.entries(entryPoints)) if (!existsSync(join(root, file))) delete entryPoints[name];
  return esbuild.context({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    splitting: true,
    outdir: join(root, "examples/_gk"),
    write: false,
    sourcemap: "linked",
    logLevel: "silent",
  });
}

async function serveWeb() {
  bundler = await createBundler();
  web = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", webUrl).pathname);
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      if (path === "/config.json") {
        // What the page needs to talk to the local API: never the secret key.
        const demo = readDemo();
        return send(200, TYPES[".json"], JSON.stringify({ apiBase: apiUrl, realtimeHost, publishableKey: demo?.publishableKey ?? null }));
      }
      if (path === "/demo-event.json") {
        // A published demo event with ticket types for examples/ticket-checkout.html, made here
        // with the demo secret key (which never reaches the page).
        return send(200, TYPES[".json"], JSON.stringify(await demoEvent()));
      }
      if (path === "/demo-inbox.json") {
        return send(200, TYPES[".json"], JSON.stringify(await demoInbox(req.method === "POST")));
      }
      if (path.startsWith("/_gk/")) {
        const result = await bundler.rebuild();
        const file = result.outputFiles.find((f) => f.path === join(root, "examples", path));
        if (file) return send(200, TYPES[extname(path)] ?? "application/octet-stream", file.contents);
        return send(404, "text/plain", "not found");
      }
      let file = normalize(join(examplesDir, path));
      if (!file.startsWith(examplesDir + sep) && file !== examplesDir) return send(403, "text/plain", "forbidden");
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!existsSync(file)) return send(404, "text/plain", "not found");
      return send(200, TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file));
    } catch (err) {
      const message = err?.errors?.length ? esbuild.formatMessagesSync(err.errors, { kind: "error" }).join("\n") : String(err);
      say("web", `error serving ${path}:\n${message}`);
      return send(500, "text/plain", message);
    } finally {
      say("web", `${req.method} ${path} ${res.statusCode}`);
    }
  });
  await new Promise((r, reject) => web.once("error", reject).listen(webPort, host, r));
}

/** Calls the local API as the demo organization's secret key (here, never in a page). */
async function call(method, path, body) {
  const secretKey = readDemo()?.secretKey;
  if (!secretKey) throw new Error("no demo organization yet: is the API up?");
  const res = await fetch(apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * For examples/inbox.html: a participant token for the demo reader (what a host site's server
 * mints for its signed-in user), and with `notify`, one more notification for them: a plan that
 * notifies its participants, which the organization cancels.
 */
async function demoInbox(notify) {
  const reader = await call("POST", "/v1/participant-tokens", {
    externalId: "demo-inbox-reader",
    name: "Demo reader",
    email: "demo.reader@example.com",
  });
  if (notify) {
    const organizer = await call("POST", "/v1/participant-tokens", { externalId: "demo-inbox-organizer", name: "Olga" });
    const plan = await call("POST", "/v1/plans", {
      type: "trip",
      title: `Weekend in Porto (${new Date().toLocaleTimeString("en-GB")})`,
      timeZone: "Europe/Lisbon",
      currency: "EUR",
      organizerParticipantId: organizer.participant.id,
      notifyParticipants: true,
    });
    await call("POST", `/v1/plans/${plan.id}/participants`, { participantId: reader.participant.id });
    await call("POST", `/v1/plans/${plan.id}/cancel`);
  }
  return { token: reader.token };
}

/** The demo event's id: made on first use and kept in .data/demo-event.json while the API still has it. */
async function demoEvent() {
  const saved = join(dataDir, "demo-event.json");
  try {
    const { eventId } = JSON.parse(readFileSync(saved, "utf8"));
    await call("GET", `/v1/events/${eventId}`);
    return { eventId };
  } catch {}
  const year = new Date().getUTCFullYear() + 1;
  const event = await call("POST", "/v1/events", {
    title: "Fado night at the Clube",
    description: "Three fadistas and a Portuguese guitar. The demo event of pnpm dev.",
    timeZone: "Europe/Lisbon",
    startsAt: `${year}-07-02T19:30:00.000Z`,
    endsAt: `${year}-07-02T22:30:00.000Z`,
    currency: "EUR",
    venue: { name: "Clube de Fado", address: { city: "Lisbon", country: "PT" } },
  });
  const type = (body) => call("POST", `/v1/events/${event.id}/ticket-types`, { currency: "EUR", ...body });
  await type({ name: "General admission", price: 2500, quantity: 40, maxPerOrder: 6 });
  await type({ name: "Front row", description: "Closest to the guitar.", price: 4500, quantity: 4, maxPerOrder: 2 });
  await type({ name: "Early bird", price: 1800, salesEndAt: "2020-01-01T00:00:00.000Z" });
  await call("POST", `/v1/events/${event.id}/publish`);
  writeFileSync(saved, JSON.stringify({ eventId: event.id }));
  return { eventId: event.id };
}

function readDemo() {
  try {
    return JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8"));
  } catch {
    return null;
  }
}

// ---- start ----------------------------------------------------------------------------------

for (const [name, port] of [
  ["API", apiPort],
  ["realtime", realtimePort],
  ["demo page", webPort],
  ...(process.env.GOOGLE_CLIENT_ID ? [] : [["Google stand-in", googlePort]]),
]) {
  if (await portInUse(port)) {
    console.error(`Port ${port} (${name}) is already in use. Is another \`pnpm dev\` running? Stop it or free the port.`);
    process.exit(1);
  }
}

// pnpm links each package's dependencies into its own node_modules.
const tsxCli = join(apiDir, "node_modules/tsx/dist/cli.mjs");
const partykitCli = join(realtimeDir, "node_modules/partykit/dist/bin.mjs");

// The dashboard (and the widgets module its snippets load), served by the API at /dashboard.
// Built once here; after changing its code, run `pnpm --filter @gatherkit/dashboard build` and reload.
await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(root, "apps/dashboard/scripts/build.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  child.on("exit", (code) => {
    if (code) say("dev", paint(33, "The dashboard did not build (see above); the API runs without it."));
    resolve();
  });
});

google = await startGoogle();
if (google) say("google", `stand-in for Google's OAuth and Calendar API on ${google.google.url} (set GOOGLE_CLIENT_ID to use Google)`);

run("api", tsxCli, ["watch", "--clear-screen=false", "src/node.ts"], {
  cwd: apiDir,
  // WEB_PORT: the demo publishable key allows the demo page's origins (see apps/api/src/seed.ts).
  env: {
    PORT: String(apiPort),
    HOST: host,
    DATA_DIR: dataDir,
    REALTIME_HOST: realtimeHost,
    REALTIME_SECRET: realtimeSecret,
    WEB_PORT: String(webPort),
    // A first start also gives the demo organization an event, a place and a plan to look at.
    SEED_DEMO_CONTENT: process.env.SEED_DEMO_CONTENT ?? "true",
    ...google?.env,
  },
});
run(
  "realtime",
  partykitCli,
  ["dev", "--port", String(realtimePort), "--var", `REALTIME_SECRET=${realtimeSecret}`, "--no-hotkeys", "--disable-request-cf-fetch"],
  { cwd: realtimeDir, env: { WRANGLER_SEND_METRICS: "false" } },
);
await serveWeb();

async function waitFor(url) {
  for (let i = 0; i < 600 && !stopping; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}

if ((await waitFor(`${apiUrl}/v1/health`)) && (await waitFor(`http://${realtimeHost}/`)) && !stopping) {
  const demo = readDemo();
  const lines = [
    "",
    paint(1, "Gatherkit is running:"),
    `  dashboard      ${apiUrl}/dashboard/   (sign in with the demo email and password below)`,
    `  API            ${apiUrl}   (reference: ${apiUrl}/docs)`,
    `  realtime       ws://${realtimeHost}`,
    `  demo page      ${webUrl}`,
    ...(google
      ? [`  google         ${google.google.url}   (a stand-in: connect a client's calendar from the dashboard's Calendars page)`]
      : []),
    `  data           ${dataDir}`,
  ];
  if (demo) {
    lines.push("", paint(1, `Demo keys (also in ${join(dataDir, "demo.json")}):`));
    for (const [k, v] of Object.entries(demo)) lines.push(`  ${k.padEnd(14)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  lines.push("", "Ctrl-C stops everything.", "");
  for (const l of lines) say("dev", l);
}
