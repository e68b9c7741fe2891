// An authenticated write at full speed: `POST /v1/plans/{id}/messages` with a participant token
// (the message, its outbox row, the per-participant rate limit, validation, logs — everything the
// API does), against a floor doing the same reads and the same two inserts with raw libSQL on the
// same database file (servers.mjs `writeFloor`). Interleaved rounds; the ratio is per round, then
// the median. See bench/README.md.
//
//   node bench/writes.mjs        (needs `pnpm build`, as `pnpm bench` does)
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chatter, startRooms } from "./burst.mjs";
import { CONNECTIONS, DURATION, interleavedRounds, median, ROUNDS, ratioText, roundRatios } from "./rounds.mjs";
import { startServer } from "./start-server.mjs";

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const JWT_SECRET = `bench-jwt-secret-${crypto.randomUUID()}`;

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
    const message = JSON.stringify({ body: "See you at the station at nine." });
    const headers = { authorization: `Bearer ${ada.token}`, "content-type": "application/json" };
    const targets = [
      {
        name: "API  POST /v1/plans/{id}/messages (participant token)",
        url: `${base}/v1/plans/${ada.planId}/messages`,
        headers,
        body: message,
      },
      {
        name: "floor  same reads + message and outbox inserts, raw libSQL",
        url: `http://127.0.0.1:${floor.port}/v1/plans/${ada.planId}/messages`,
        headers,
        body: message,
      },
    ];
    // Each answers 201 before it is measured.
    for (const t of targets) {
      const res = await fetch(t.url, {
        method: "POST",
        headers: t.headers,
        body: JSON.stringify({ body: "warm-up" }),
      });
      if (res.status !== 201) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    }
    console.log(`\nWrites: ${ROUNDS} interleaved rounds × ${DURATION} s per target, ${CONNECTIONS} connections; warming up…`);
    const runs = await interleavedRounds(targets, { onRound: (r) => process.stdout.write(`  round ${r + 1}/${ROUNDS} done\n`) });
    for (const t of targets) {
      const rs = runs.get(t.name);
      console.log(
        `  ${t.name.padEnd(62)} ${Math.round(median(rs.map((r) => r.rps)))
          .toLocaleString("en")
          .padStart(6)} req/s  p50 ${median(rs.map((r) => r.p50)).toFixed(1)} ms  p99 ${median(rs.map((r) => r.p99)).toFixed(1)} ms`,
      );
    }
    const ratios = roundRatios(runs.get(targets[0].name), runs.get(targets[1].name));
    console.log(`API ÷ floor: ${ratioText(ratios)}; issue 8's target ≥ 0.7×.`);
    return { ratio: median(ratios) };
  } finally {
    await Promise.all([api.stop(), floor.stop()]);
    await rooms.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await writes();
