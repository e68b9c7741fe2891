// Test-runner plugin: the real Gatherkit API (apps/api on Node, libSQL file in a temporary
// directory) with its real realtime rooms (`partykit dev` for apps/realtime, sharing a secret
// made for this run), started the first time a test asks for `/__gatherkit-api.json`. The answer holds
// the API's address and publishable keys created through the API for the test page's origin,
// for another origin, and a revoked one. Tests of other files never pay for the start-up, and a
// broken API fails only the tests that use it, with the reason in the answer.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startPartykit } from "../../../apps/realtime/test/partykit-dev.mjs";
import { freePort } from "../../../scripts/lib/free-port.mjs";

const API_DIR = fileURLToPath(new URL("../../../apps/api/", import.meta.url));
const START_DEADLINE_MS = 90_000;

/**
 * @param {{ name?: string, env?: () => Promise<Record<string, string>>, started?: (apiBase: string) => void, stop?: () => Promise<void> }} [options]
 *   another instance (`name`), with more environment (e.g. the Stripe provider pointed at a stand-in),
 *   told its address once it listens.
 */
export function realApi(options = {}) {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let dataDir;
  /** @type {import("../../../apps/realtime/test/partykit-dev.mjs").PartykitDev | undefined} */
  let rooms;
  /** @type {Map<string, Promise<object>>} per page origin */
  const envs = new Map();
  let started;

  async function start() {
    dataDir = mkdtempSync(join(tmpdir(), "gk-widgets-api-"));
    const realtimeSecret = randomBytes(32).toString("hex");
    rooms = await startPartykit({ secret: realtimeSecret });
    const port = await freePort();
    const extraEnv = options.env ? await options.env() : {};
    child = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], {
      cwd: API_DIR,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        LOG_LEVEL: "info",
        NODE_ENV: "test",
        REALTIME_SECRET: realtimeSecret,
        REALTIME_HOST: rooms.host,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = [];
    const apiBase = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start within ${START_DEADLINE_MS} ms`)), START_DEADLINE_MS);
      const lines = createInterface({ input: child.stdout });
      const keep = (text) => {
        output.push(text);
        if (output.length > 200) output.shift();
      };
      lines.on("line", (line) => {
        keep(line);
        // Logged once migrations ran, the demo organization exists and the server listens.
        if (line.includes('"msg":"api listening"')) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${port}`);
        }
      });
      child.stderr.on("data", (d) => keep(String(d)));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the API exited with code ${code}:\n${output.join("\n").slice(-4000)}`));
      });
    });
    const demo = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8"));
    options.started?.(apiBase);
    return { apiBase, secretKey: demo.secretKey };
  }

  async function keysFor(origin) {
    started ??= start();
    const { apiBase, secretKey } = await started;
    const call = async (method, path, body) => {
      const res = await fetch(apiBase + path, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    const allowed = await call("POST", "/v1/publishable-keys", { name: "Widget tests", allowedOrigins: [origin] });
    const elsewhere = await call("POST", "/v1/publishable-keys", {
      name: "Another site",
      allowedOrigins: ["https://elsewhere.example"],
    });
    const revoked = await call("POST", "/v1/publishable-keys", { name: "Revoked", allowedOrigins: [origin] });
    await call("DELETE", `/v1/publishable-keys/${revoked.id}`);
    return { apiBase, origin, allowedKey: allowed.key, otherOriginKey: elsewhere.key, revokedKey: revoked.key };
  }

  return {
    name: options.name ?? "gatherkit-real-api",
    /** Starts the API if needed; its address and the demo organization's secret key, for other plugins. */
    ready() {
      started ??= start();
      return started;
    },
    async serve(context) {
      if (options.name || context.path !== "/__gatherkit-api.json") return undefined;
      const origin = `${context.protocol}://${context.host}`;
      if (!envs.has(origin)) envs.set(origin, keysFor(origin));
      try {
        return { body: JSON.stringify(await envs.get(origin)), type: "json" };
      } catch (error) {
        envs.delete(origin);
        context.status = 500;
        return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: "json" };
      }
    },
    async serverStop() {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await rooms?.stop();
      await options.stop?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
