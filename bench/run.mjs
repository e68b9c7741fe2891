// `pnpm bench`: HTTP throughput of the real API as a ratio to a bare Hono app measured in the
// same run, another organization's realtime latency under a chat burst as a ratio to idle
// (burst.mjs), and the size of what pages download (SDK, widgets). See bench/README.md.
//
// Each server runs in its own Node process; autocannon drives them from this one. The targets
// are measured in interleaved rounds (order reversed every other round) so that whatever else
// the machine is doing hits every target alike. Options (environment):
//   BENCH_DURATION  seconds per measurement (default 3)
//   BENCH_ROUNDS    rounds over all targets (default 3)
//   BENCH_CONNECTIONS  concurrent connections (default 8)
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { bookings } from "./bookings.mjs";
import { burst } from "./burst.mjs";
import { fanout } from "./fanout.mjs";
import { holds } from "./holds.mjs";
import { CONNECTIONS, DURATION, interleavedRounds, median, ROUNDS } from "./rounds.mjs";
import { checkSizes, kb } from "./sizes.mjs";
import { startServer } from "./start-server.mjs";
import { writes } from "./writes.mjs";

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

async function http() {
  if (!existsSync(root("apps/api/dist/node.js")))
    throw new Error("apps/api/dist/node.js is missing: run `pnpm build` first (pnpm bench does).");
  const [bare, api] = await Promise.all([startServer("bare"), startServer("api")]);
  const floor = await startServer("floor", { FLOOR_DATABASE: api.database });
  try {
    const targets = [
      { name: "bare Hono  GET /", url: `http://127.0.0.1:${bare.port}/` },
      { name: "API  GET /v1/health", url: `http://127.0.0.1:${api.port}/v1/health` },
      {
        name: "API  GET /v1/organization (secret key, DB read)",
        url: `http://127.0.0.1:${api.port}/v1/organization`,
        headers: { authorization: `Bearer ${api.secretKey}` },
        floor: "floor  same key lookup + row read, raw libSQL",
      },
      {
        name: "floor  same key lookup + row read, raw libSQL",
        url: `http://127.0.0.1:${floor.port}/v1/organization`,
        headers: { authorization: `Bearer ${api.secretKey}` },
      },
    ];
    // Each answers 200 before it is measured (a benchmark of 401s would flatter us).
    for (const t of targets) {
      const res = await fetch(t.url, { headers: t.headers });
      if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    }
    console.log(
      `HTTP: ${ROUNDS} interleaved rounds × ${DURATION} s per target, ${CONNECTIONS} connections, ${cpus().length} CPUs; warming up…`,
    );
    const runs = await interleavedRounds(targets, { onRound: (r) => process.stdout.write(`  round ${r + 1}/${ROUNDS} done\n`) });

    // Ratios per round (each against the baseline of the same round), then their median.
    const base = runs.get(targets[0].name);
    const rows = targets.map((t) => {
      const rs = runs.get(t.name);
      const ratios = rs.map((r, i) => r.rps / base[i].rps);
      const floor = t.floor && runs.get(t.floor);
      const floorRatios = floor ? rs.map((r, i) => r.rps / floor[i].rps) : undefined;
      return {
        target: t.name,
        rps: median(rs.map((r) => r.rps)),
        ratio: median(ratios),
        floor: floorRatios
          ? `${median(floorRatios).toFixed(2)}× (${Math.min(...floorRatios).toFixed(2)}–${Math.max(...floorRatios).toFixed(2)})`
          : "",
        spread: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
      };
    });
    table(
      ["target", "req/s", "× bare Hono", "ratio range", "× its floor", "p50 ms", "p99 ms"],
      rows.map((r) => [
        r.target,
        Math.round(r.rps).toLocaleString("en"),
        `${r.ratio.toFixed(2)}×`,
        r.spread,
        r.floor,
        r.p50.toFixed(1),
        r.p99.toFixed(1),
      ]),
    );
    console.log(
      "× bare Hono: median over rounds of each round's ratio to that round's baseline (range: lowest–highest round).\n" +
        "× its floor: the same, against the floor doing the same database work with raw libSQL (issue 8 target ≥ 0.9×).\n" +
        `req/s, p50, p99: medians over rounds. Load average now: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(" ")} (a busy machine widens the range).`,
    );
  } finally {
    await Promise.all([bare.stop(), api.stop(), floor.stop()]);
  }
}

async function sizes() {
  const rows = [];
  for (const r of await checkSizes()) {
    const target = r.target?.eager
      ? `≤ ${r.target.eager} KB${r.target.lazy ? ` + ${r.target.lazy}` : ""}`
      : r.target?.total
        ? `≤ ${r.target.total} KB in all`
        : "";
    const met = r.target?.eager
      ? r.size.gzip <= r.target.eager * 1024 && (!r.target.lazy || r.lazyGzip <= r.target.lazy * 1024)
      : r.target?.total
        ? r.size.gzip + r.lazyGzip + r.laterGzip <= r.target.total * 1024
        : undefined;
    rows.push([
      r.name,
      kb(r.size.gzip),
      r.lazyGzip ? `+ ${kb(r.lazyGzip)}` : "",
      r.laterGzip ? `+ ${kb(r.laterGzip)}` : "",
      `${r.eager} KB`,
      target ? `${target} ${met ? "(met)" : "(NOT met)"}` : "",
    ]);
  }
  console.log("\nSizes: esbuild --bundle --minify (ESM, browser, code splitting), gzip -9, from the sources. 'up front' is what a");
  console.log("page downloads before the widget first shows data; 'realtime' its connection code and partysocket, loaded on the");
  console.log("first subscribe; 'later' other code loaded on demand once the first data shows, or only by a view that needs it");
  console.log("(a join form, the board's people/money/chat, a map). Budgets are enforced by `pnpm test`; targets are issue 8's.");
  console.log("Breakdown: node bench/sizes.mjs <entry>");
  table(["bundle", "up front", "realtime", "later", "budget", "target"], rows);
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const text = (i) => ["target", "bundle", "entry"].includes(head[i]);
  const line = (cells) => cells.map((c, i) => (text(i) ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

async function realtime() {
  const rows = await fanout();
  const by = Object.fromEntries(rows.map((r) => [r.key, r]));
  const ratio = (a, b) => `${(a.allP99 / b.allP99).toFixed(2)}× p99, ${(a.allP50 / b.allP50).toFixed(2)}× p50`;
  table(
    ["target", "first has it p50 ms", "all have it p50 ms", "all have it p99 ms", "each p50 ms", "each p99 ms", "lost", "CPU ms/message"],
    rows.map((r) => [
      r.target,
      r.firstP50.toFixed(1),
      r.allP50.toFixed(1),
      r.allP99.toFixed(1),
      r.eachP50.toFixed(1),
      r.eachP99.toFixed(1),
      r.lost,
      Object.values(r.cpuPerMessage)
        .reduce((sum, ms) => sum + ms, 0)
        .toFixed(1),
    ]),
  );
  console.log(
    `Gatherkit ÷ Socket.IO, "all have it": ${ratio(by.gatherkit, by.socketio)} (≤ 1 is the target).\n` +
      `The platform's floor ÷ Socket.IO: bare PartyKit ${ratio(by.bare, by.socketio)}; bare relay → bare PartyKit ${ratio(by.relay, by.socketio)}.\n` +
      `Gatherkit ÷ bare relay → bare PartyKit: ${ratio(by.gatherkit, by.relay)} (what is ours, not the platform's).\n` +
      "Clock from before the POST to each client's receipt; p99 over few messages is close to their maximum. " +
      "CPU per message (ms, each process of the stack, from /proc):\n" +
      rows
        .map((r) => {
          const parts = Object.entries(r.cpuPerMessage);
          const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
          return parts.length
            ? `  ${r.target.split(":")[0]} ${total.toFixed(1)} = ${parts.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(" + ")}\n`
            : "";
        })
        .join("") +
      `Load average now: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}.`,
  );
}

const only = process.argv.slice(2);
const parts = { http, writes, holds, bookings, realtime, burst, sizes };
const took = [];
const started = performance.now();
for (const [name, run] of Object.entries(parts)) {
  if (only.length && !only.includes(name)) continue;
  const t = performance.now();
  await run();
  took.push(`${name} ${Math.round((performance.now() - t) / 1000)} s`);
}
// Issue 8 asks for the whole run to stay under about three minutes; say where the time went.
console.log(`\nTook ${Math.round((performance.now() - started) / 1000)} s (${took.join(", ")}).`);
