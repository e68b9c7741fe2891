// @ts-check
// Starts `partykit dev` for apps/realtime on a free port with the shared secret, for every test
// that needs real rooms: the realtime and API suites (through ./partykit.ts) and the widgets'
// test runner (packages/widgets/test/real-api.mjs). Plain JavaScript, so a Node script loads it
// as it is.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../scripts/lib/free-port.mjs";
// The filter `pnpm dev` applies to partykit's output too: drops the runtime's stack traces for
// clients that left (see dev-output.mjs).
import { quietDisconnectsStream } from "../dev-output.mjs";

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PARTYKIT_BIN = join(PROJECT_DIR, "node_modules", "partykit", "dist", "bin.mjs");
/** How long to wait for `partykit dev` to answer before giving up (a hang guard, not a measurement). */
const START_GIVE_UP_MS = 90_000;

/**
 * @typedef {object} PartykitDev
 * @property {string} host `127.0.0.1:<port>`, what the API's config.realtimeHost and partysocket's `host` take.
 * @property {number} port
 * @property {string} secret
 * @property {() => string} output Everything partykit printed so far (for failure messages), less the runtime's disconnect noise.
 * @property {() => Promise<void>} stop Stops partykit and its workerd; removes the state directory unless the caller gave one.
 */

/**
 * Starts `partykit dev` for apps/realtime with `--var REALTIME_SECRET=<secret>` (and any other
 * `vars`, such as the room's PUBLISH_ID_MEMORY_MS) and waits until it answers HTTP. Pass
 * `persistDir` to keep room storage across a stop and a new start, and `projectDir` to serve
 * another PartyKit project than apps/realtime with the same `partykit dev` (the fan-out
 * benchmark's bare room, bench/bare-room).
 * @param {{ secret: string, persistDir?: string, port?: number, vars?: Record<string, string>, projectDir?: string }} opts
 * @returns {Promise<PartykitDev>}
 */
export async function startPartykit(opts) {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.persistDir ? undefined : mkdtempSync(join(tmpdir(), "gk-partykit-"));
  const persistDir = opts.persistDir ?? /** @type {string} */ (ownDir);
  let output = "";
  const child = spawn(
    process.execPath,
    [
      PARTYKIT_BIN,
      "dev",
      "--port",
      String(port),
      "--var",
      `REALTIME_SECRET=${opts.secret}`,
      ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}=${v}`]),
      "--persist",
      persistDir,
      "--no-hotkeys",
      "--disable-request-cf-fetch",
    ],
    // Own process group, so stop() can end partykit and the workerd it spawns together.
    { cwd: opts.projectDir ?? PROJECT_DIR, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } },
  );
  for (const stream of [child.stdout, child.stderr]) {
    const quiet = quietDisconnectsStream();
    stream?.on("data", (/** @type {Buffer} */ d) => {
      output += quiet(d.toString());
    });
  }
  /** @type {Promise<number | null>} */
  const exited = new Promise((r) => child.once("exit", (code) => r(code)));

  const stop = async () => {
    await killGroup(child, exited);
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_GIVE_UP_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`partykit dev exited with ${child.exitCode}:\n${output}`);
    }
    try {
      // Any HTTP answer (the room answers GET with 405) means the server is up.
      await fetch(`http://127.0.0.1:${port}/parties/main/org:org_readycheck`);
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`partykit dev did not answer on port ${port}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { host: `127.0.0.1:${port}`, port, secret: opts.secret, output: () => output, stop };
}

/**
 * @param {import("node:child_process").ChildProcess} child
 * @param {Promise<number | null>} exited
 */
async function killGroup(child, exited) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  if (!done) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    await exited;
  }
}
