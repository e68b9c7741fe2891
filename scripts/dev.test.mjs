// `pnpm dev` end to end: starts scripts/dev.mjs on free ports with a fresh DATA_DIR, checks the
// API, the realtime server and the demo page (in headless Chromium when one is installed),
// then presses Ctrl-C and checks that everything stopped.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

const root = resolve(import.meta.dirname, "..");

function freePort() {
  return new Promise((r, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => r(port));
    });
  });
}

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
  dev = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: root,
    env: {
      ...process.env,
      NO_COLOR: "1",
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      REALTIME_PORT: String(ports.realtime),
      WEB_PORT: String(ports.web),
    },
    stdio: ["ignore", "pipe", "pipe"],
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
  if (dev && dev.exitCode === null) dev.kill("SIGKILL");
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

const chrome = process.env.CHROME_PATH ?? ["/usr/bin/chromium", "/usr/bin/google-chrome"].find((p) => existsSync(p));
test("the demo page shows the API as up, and its widget runs, in a real browser", {
  skip: !chrome && "no Chrome or Chromium installed",
}, () => {
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
        `http://127.0.0.1:${ports.web}/`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.match(r.stdout, new RegExp(`The API at http://127\\.0\\.0\\.1:${ports.api} is up \\(node, version`), r.stdout + r.stderr);
    // The widget ran against the API: the demo key allows only the default origins (:5173).
    const expected = ports.web === 5173 ? /gk-connected: / : /gk-error: origin_not_allowed: /;
    assert.match(r.stdout, expected, r.stdout);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test("Ctrl-C stops every process and frees every port", async () => {
  const exited = new Promise((r) => dev.once("exit", (code) => r(code)));
  dev.kill("SIGINT");
  assert.equal(await exited, 0, output);
  assert.match(output, /stopped\./);
  for (const [name, port] of Object.entries(ports)) assert.equal(await listening(port), false, `${name} still listens on ${port}`);
});
