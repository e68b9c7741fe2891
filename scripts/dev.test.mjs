// `pnpm dev` end to end: starts it (pnpm running scripts/dev.mjs, in a process group of its own
// as in a terminal) on free ports with a fresh DATA_DIR, checks the API, the realtime server and
// the demo page (its widget in headless Chromium when one is installed, from both loopback
// names), then presses Ctrl-C and checks that everything stopped, quietly.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { freePort } from "./lib/free-port.mjs";

const root = resolve(import.meta.dirname, "..");

function listening(port) {
  return new Promise((r) => {
    const s = connect({ port, host: "127.0.0.1" }, () => {
      s.destroy();
      r(true);
    });
    s.on("error", () => r(false));
  });
}

let dev;
let output = "";
let dataDir;
const ports = {};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gk-dev-"));
  ports.api = await freePort();
  ports.realtime = await freePort();
  ports.web = await freePort();
  // `pnpm dev` itself: its script runs in a shell, which Ctrl-C reaches too.
  const pnpm = process.env.npm_execpath?.endsWith(".cjs") ? [process.execPath, process.env.npm_execpath] : ["pnpm"];
  dev = spawn(pnpm[0], [...pnpm.slice(1), "dev"], {
    cwd: root,
    env: {
      ...process.env,
      NO_COLOR: "1",
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      REALTIME_PORT: String(ports.realtime),
      WEB_PORT: String(ports.web),
      npm_config_update_notifier: "false",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, like a terminal's foreground job: Ctrl-C signals the whole group.
    detached: true,
  });
  dev.stdout.on("data", (d) => (output += d));
  dev.stderr.on("data", (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (!output.includes("Gatherkit is running")) {
    if (dev.exitCode !== null) assert.fail(`pnpm dev exited with ${dev.exitCode}:\n${output}`);
    if (Date.now() > deadline) assert.fail(`pnpm dev did not get ready within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(() => {
  try {
    if (dev && dev.exitCode === null && dev.signalCode === null) process.kill(-dev.pid, "SIGKILL");
  } catch {} // the group is gone already
  rmSync(dataDir, { recursive: true, force: true });
});

test("prints where everything runs", () => {
  assert.match(output, new RegExp(`API +http://127\\.0\\.0\\.1:${ports.api} +\\(reference: http://127\\.0\\.0\\.1:${ports.api}/docs\\)`));
  assert.match(output, new RegExp(`realtime +ws://127\\.0\\.0\\.1:${ports.realtime}`));
  assert.match(output, new RegExp(`demo page +http://127\\.0\\.0\\.1:${ports.web}`));
});

test("the API answers on Node with its reference page", async () => {
  const health = await (await fetch(`http://127.0.0.1:${ports.api}/v1/health`)).json();
  assert.equal(health.runtime, "node");
  assert.equal((await fetch(`http://127.0.0.1:${ports.api}/docs`)).status, 200);
  assert.match(output, /\[api\] +\{.*"msg":"api listening"/);
});

test("the dashboard is built and served by the API, and its URL printed", async () => {
  assert.match(output, new RegExp(`dashboard +http://127\\.0\\.0\\.1:${ports.api}/dashboard/`));
  // …with the demo login to use there.
  assert.match(output, /Sign in +demo@gatherkit\.local +\/ +\S+/);
  const page = await fetch(`http://127.0.0.1:${ports.api}/dashboard/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<gk-dashboard>/);
});

test("the realtime server answers", async () => {
  const res = await fetch(`http://127.0.0.1:${ports.realtime}/`);
  assert.ok(res.status < 500, `realtime answered ${res.status}`);
  assert.match(output, /\[realtime\]/);
});

test("the demo page, its config and the SDK bundle are served", async () => {
  const web = `http://127.0.0.1:${ports.web}`;
  const page = await fetch(`${web}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /import \{ Gatherkit \} from "\/_gk\/sdk\.js"/);
  const config = await (await fetch(`${web}/config.json`)).json();
  assert.equal(config.apiBase, `http://127.0.0.1:${ports.api}`);
  assert.equal(config.realtimeHost, `127.0.0.1:${ports.realtime}`);
  const sdk = await fetch(`${web}/_gk/sdk.js`);
  assert.equal(sdk.status, 200);
  assert.match(sdk.headers.get("content-type"), /javascript/);
  assert.match(await sdk.text(), /export \{[^}]*\bGatherkit\b/);
  // Nothing outside examples/ (a raw request: fetch would normalise the dots away).
  const outside = await new Promise((r, reject) =>
    request({ host: "127.0.0.1", port: ports.web, path: "/..%2fpackage.json" }, (res) => r(res.statusCode))
      .on("error", reject)
      .end(),
  );
  assert.equal(outside, 403);
});

test("the inbox demo mints the reader's token, and a POST gives them a notification (emailed to the outbox viewer too)", async () => {
  const web = `http://127.0.0.1:${ports.web}`;
  const api = `http://127.0.0.1:${ports.api}`;
  assert.equal((await fetch(`${web}/inbox.html`)).status, 200);
  const { token } = await (await fetch(`${web}/demo-inbox.json`)).json();
  const unread = async () =>
    (await (await fetch(`${api}/v1/inbox/unread`, { headers: { authorization: `Bearer ${token}` } })).json()).unread;
  const before = await unread();
  assert.equal((await fetch(`${web}/demo-inbox.json`, { method: "POST" })).status, 200);
  const deadline = Date.now() + 30_000;
  while ((await unread()) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await unread(), before + 1);
  // Its email is in the local outbox viewer.
  const outbox = await (await fetch(`${api}/_dev/outbox`)).text();
  assert.match(outbox, /demo\.reader@example\.com/);
});

const chrome = process.env.CHROME_PATH ?? ["/usr/bin/chromium", "/usr/bin/google-chrome"].find((p) => existsSync(p));

/** The demo page's DOM after its scripts ran, as headless Chromium sees it from `origin`. */
function renderedDemoPage(origin) {
  const profile = mkdtempSync(join(tmpdir(), "gk-chrome-"));
  try {
    const r = spawnSync(
      chrome,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${profile}`,
        "--virtual-time-budget=10000",
        "--dump-dom",
        `${origin}/`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    return { dom: r.stdout, log: r.stdout + r.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

for (const hostname of ["127.0.0.1", "localhost"]) {
  test(`the demo page on ${hostname} shows the API as up, and its widget connects with the demo key, in a real browser`, {
    skip: !chrome && "no Chrome or Chromium installed",
  }, () => {
    const origin = `http://${hostname}:${ports.web}`;
    const { dom, log } = renderedDemoPage(origin);
    assert.match(dom, new RegExp(`The API at http://127\\.0\\.0\\.1:${ports.api} is up \\(node, version`), log);
    // <gk-connection-check> sent the demo publishable key from this origin, and the API accepted
    // it (gk-connected); a key that does not allow this origin gets gk-error: origin_not_allowed.
    const widgetEvents = /<p id="widget-events" role="log">([^<]*)<\/p>/.exec(dom)?.[1];
    assert.equal(widgetEvents, `gk-connected: ${origin} may use this key.`, log);
  });
}

test("Ctrl-C stops every process and frees every port, quietly", async () => {
  const exited = new Promise((r) => dev.once("close", (code, signal) => r({ code, signal })));
  const before = output.length;
  process.kill(-dev.pid, "SIGINT"); // what a terminal does on Ctrl-C: the whole foreground group
  const { code, signal } = await exited;
  const after = output.slice(before);
  assert.ok(code === 0 || code === 130, `pnpm dev exited with ${signal ?? `code ${code}`}:\n${after}`);
  assert.match(after, /stopped\./);
  // No "ELIFECYCLE  Command failed", no error, no stack: the lines after Ctrl-C are dev's own.
  const errorLines = after.split("\n").filter((l) => /ELIFECYCLE|ERR_PNPM|Command failed|\berror\b|^\s+at\s/i.test(l));
  assert.deepEqual(errorLines, [], after);
  for (const [name, port] of Object.entries(ports)) assert.equal(await listening(port), false, `${name} still listens on ${port}`);
});
