// An authenticated write at full speed: `POST /v1/plans/{id}/messages` with a participant token
// (the message, its outbox row, the per-participant rate limit, validation, logs — everything the
// API does), against a floor doing the same reads and the same two inserts with raw libSQL on the
// same database file (servers.mjs `writeFloor`). Interleaved rounds; the ratio is per round, then
// the median. See bench/README.md.
//
//   node bench/writes.mjs        (needs `pnpm build`, as `pnpm bench` does)
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { chatter, startRooms } from "./burst.mjs";
import { startServer } from "./start-server.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const JWT_SECRET = `bench-jwt-secret-${crypto.randomUUID()}`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function post(target, duration) {
  return autocannon({
    url: target.url,
    method: "POST",
    headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json" },
    body: JSON.stringify({ body: "See you at the station at nine." }),
    connections: CONNECTIONS,
    duration,
  });
}

export async function writes() {
  if (!existsSync(root("apps/api/dist/node.js")))
    throw new Error("apps/api/dist/node.js is missing: run `pnpm build` first (pnpm bench does).");
  const rooms = await startRooms();
  // The chat limit is raised out of the way: this measures the write path, not the limit's 429s.
  const api = await startServer("api", { REALTIME_HOST: rooms.host, CHAT_RATE_LIMIT_MAX: "100000000", JWT_SECRET });
  const floor = await startServer("writeFloor", { FLOOR_DATABASE: api.database, JWT_SECRET });
  try {
    const base = `http://127.0.0.1:${api.port}`;
    const ada = await chatter(base, api.secretKey, "Ada");
    const targets = [
      { name: "API  POST /v1/plans/{id}/messages (participant token)", url: `${base}/v1/plans/${ada.planId}/messages`, token: ada.token },
      {
        name: "floor  same reads + message and outbox inserts, raw libSQL",
        url: `http://127.0.0.1:${floor.port}/v1/plans/${ada.planId}/messages`,
        token: ada.token,
      },
    ];
    // Each answers 201 before it is measured.
    for (const t of targets) {
      const res = await fetch(t.url, {
        method: "POST",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
        body: JSON.stringify({ body: "warm-up" }),
      });
      if (res.status !== 201) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    }
    console.log(`\nWrites: ${ROUNDS} interleaved rounds × ${DURATION} s per target, ${CONNECTIONS} connections; warming up…`);
    for (const t of targets) await post(t, 1);
    const runs = targets.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const r = await post(targets[i], DURATION);
        if (r.errors || r.timeouts || r.non2xx) {
          throw new Error(
            `${targets[i].name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodeStats)}) in round ${round + 1}`,
          );
        }
        runs[i].push({ rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99 });
      }
      process.stdout.write(`  round ${round + 1}/${ROUNDS} done\n`);
    }
    const ratios = runs[0].map((r, i) => r.rps / runs[1][i].rps);
    for (const [i, t] of targets.entries()) {
      const rs = runs[i];
      console.log(
        `  ${t.name.padEnd(62)} ${Math.round(median(rs.map((r) => r.rps)))
          .toLocaleString("en")
          .padStart(6)} req/s  p50 ${median(rs.map((r) => r.p50)).toFixed(1)} ms  p99 ${median(rs.map((r) => r.p99)).toFixed(1)} ms`,
      );
    }
    console.log(
      `API ÷ floor: ${median(ratios).toFixed(2)}× (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; issue 8's target ≥ 0.7×).`,
    );
    return { ratio: median(ratios) };
  } finally {
    await Promise.all([api.stop(), floor.stop()]);
    await rooms.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await writes();
