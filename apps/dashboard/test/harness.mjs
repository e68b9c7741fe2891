// The shared end-to-end harness for the dashboard's browser tests: the real API as built
// (apps/api/dist, the embedded default with its demo organization) serving the built dashboard at
// /dashboard, a real Chromium (the system's, through puppeteer-core), axe, and a host page on another
// origin. Each test file calls `useDashboard()` once at its top level; node --test runs the files in
// parallel, each with its own API, data folder and browser.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CHROME = [process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(
  (p) => p && existsSync(p),
);
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TIMEOUT = 30_000;

/** The rooms of a file that asked for them (`useDashboard({ realtime: true })`). */
let rooms;

/** What a test file uses: filled in by the `before` hook `useDashboard()` registers. */
export const env = { api: undefined, base: "", browser: undefined, dataDir: "", host: undefined, hostPage: "" };

/**
 * Registers the API, the host page and the browser for this test file (and their teardown).
 * `opts.env`: more of the API's environment, made before it starts (e.g. a provider stand-in's URLs).
 * `opts.realtime`: real rooms (`partykit dev` for apps/realtime, with a secret shared with the API),
 * so pages that subscribe update live; without it the API's publishes go nowhere.
 */
export function useDashboard(opts = {}) {
  before(() => start(opts));
  after(stop);
  return env;
}

async function start(opts) {
  assert.ok(CHROME, "no Chrome or Chromium found: install one or set CHROME_PATH");
  assert.ok(existsSync(here("../dist/dashboard/index.html")), "the dashboard is not built: run `pnpm build`");
  const { startNodeServer } = await import(here("../../api/dist/node.js"));
  env.dataDir = mkdtempSync(join(tmpdir(), "gk-dashboard-"));
  if (opts.realtime) {
    const { startPartykit } = await import(here("../../realtime/test/partykit-dev.mjs"));
    rooms = await startPartykit({ secret: randomBytes(32).toString("hex") });
  }
  env.api = await startNodeServer({
    ...process.env,
    DATA_DIR: env.dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "error",
    AUTH_RATE_LIMIT_MAX: "1000",
    ...(rooms ? { REALTIME_SECRET: rooms.secret, REALTIME_HOST: rooms.host } : {}),
    ...(await opts.env?.()),
  });
  env.base = `http://127.0.0.1:${env.api.port}`;
  // A site owner's page on another origin, whose HTML a test sets (the snippet copied from the dashboard).
  env.host = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(env.hostPage));
  await new Promise((r) => env.host.listen(0, "127.0.0.1", r));
  env.browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}

async function stop() {
  await env.browser?.close();
  await new Promise((r) => env.host?.close(r));
  await env.api?.close();
  env.api?.handle.client.close();
  await rooms?.stop();
  if (env.dataDir) rmSync(env.dataDir, { recursive: true, force: true });
}

/** A page in its own browser context (its own cookies: each test is a different visitor). */
export async function newPage() {
  const context = await env.browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  // axe is injected as an inline script, which the dashboard's CSP (rightly) forbids.
  await page.setBypassCSP(true);
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("dialog", (d) => d.accept());
  page.errors = errors;
  return page;
}

/** axe over the whole page (shadow roots included): no violations. */
export async function axe(page, state) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  assert.deepEqual(violations, [], `axe on ${state}`);
}

/** The page's visible text, shadow roots included, for failure messages. */
export const visibleText = (page) =>
  page.evaluate(() => {
    const walk = (n) => [
      ...(n.shadowRoot ? walk(n.shadowRoot) : []),
      ...[...n.childNodes].flatMap((c) => (c.nodeType === 3 ? [c.textContent.trim()] : walk(c))),
    ];
    return walk(document.body).filter(Boolean).join(" | ");
  });

/** Waits for `sel` (inside the dashboard); on a timeout, says what the page showed instead. */
export const waitFor = (page, sel) =>
  page.waitForSelector($(sel)).catch(async (e) => {
    throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
  });

/**
 * Creates through the public API: POSTs `body` as JSON to `path` with `token` (by default the demo
 * organization's secret key), checks the answer is 201 and returns what was created.
 */
export async function created(path, body, token = env.api.demo.secretKey) {
  const res = await fetch(`${env.base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

/**
 * Calls the public API as the demo organization's secret key (or `token`; `null` for none), checks
 * the answer is a success and returns its JSON (null for 204).
 */
export async function ok(method, path, body, token = env.api.demo.secretKey) {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = res.status === 204 ? null : await res.json();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Signs `page` in as the demo organizer and waits for the dashboard's navigation. */
export async function signIn(page) {
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav");
}

/**
 * Waits until `fn` (a function body over the page element `tag`'s shadow root, named `root`) is
 * truthy; on a timeout, says what the page showed instead.
 */
export const inPage = (page, tag, fn) =>
  page
    .waitForFunction(
      (t, src) => {
        const root = document.querySelector("gk-dashboard")?.shadowRoot?.querySelector(t)?.shadowRoot;
        return root && new Function("root", src)(root);
      },
      {},
      tag,
      fn,
    )
    .catch(async (e) => {
      throw new Error(`${e.message} (waiting for ${fn}); the page says: ${await visibleText(page)}`);
    });

export const $ = (sel) => `gk-dashboard >>> ${sel}`;
export const text = (page, sel) => page.$eval($(sel), (el) => el.textContent.trim());

export async function type(page, sel, value) {
  const input = await waitFor(page, sel);
  // Date and time inputs take keys per segment in the locale's order: set those directly.
  const typed = await input.evaluate((el, v) => {
    el.value = el.type === "datetime-local" ? v : "";
    if (el.type === "datetime-local") el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    return el.type !== "datetime-local";
  }, value);
  if (typed) await input.type(value);
}

/** The WebSockets `page` has open to rooms, by URL (Chromium's own account, through CDP). */
export async function socketsOf(page) {
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  const created = new Map();
  const open = new Map();
  cdp.on("Network.webSocketCreated", (e) => created.set(e.requestId, e.url));
  // Open once the room answered the handshake: a socket given up while it was still connecting (a
  // reconnect after a connection timeout, on a loaded machine) was never open, and Chromium may not
  // report its closing.
  cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
    if (created.has(e.requestId)) open.set(e.requestId, created.get(e.requestId));
  });
  cdp.on("Network.webSocketClosed", (e) => {
    created.delete(e.requestId);
    open.delete(e.requestId);
  });
  return open;
}
