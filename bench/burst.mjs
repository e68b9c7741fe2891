// Realtime fairness under a burst: how long another organization's event takes to reach its room
// while one organization's 3,000-message chat burst drains through the outbox, as a ratio to the
// same event's latency on an idle API measured in the same run. See bench/README.md.
//
// Everything is local (loopback): the built API (apps/api/dist/node.js) in its own Node process
// with a temporary DATA_DIR, and a stand-in for the rooms in this process that answers each
// publish 202 after BENCH_ROOM_MS and records when it arrived. "Arrived" is what is measured:
// the moment the API's publish for the event reaches the rooms.
//
//   node bench/burst.mjs            (needs `pnpm build`, as `pnpm bench` does)
//   BENCH_BURST=3000                messages in organization A's burst (default 3000)
//   BENCH_BURST_CONNECTIONS=32      concurrent writers of the burst (default 32)
//   BENCH_ROOM_MS=5                 how long the stand-in room takes to answer a publish (default 5)
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./rounds.mjs";
import { startServer } from "./start-server.mjs";

const BURST = Number(process.env.BENCH_BURST ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_BURST_CONNECTIONS ?? 32);
const ROOM_MS = Number(process.env.BENCH_ROOM_MS ?? 5);
const IDLE_SAMPLES = 5;
const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** The stand-in rooms: record each publish's room, marker (the chat body) and arrival time. */
export async function startRooms() {
  const arrivals = new Map(); // body → ms
  const waiters = new Map(); // body → resolve
  const perRoom = new Map(); // room → count
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const at = performance.now();
      const publish = JSON.parse(body);
      const marker = publish.event?.data?.message?.body;
      perRoom.set(publish.room, (perRoom.get(publish.room) ?? 0) + 1);
      if (marker !== undefined && !arrivals.has(marker)) {
        arrivals.set(marker, at);
        waiters.get(marker)?.(at);
      }
      setTimeout(() => {
        res.writeHead(202, { "content-type": "application/json" });
        res.end(JSON.stringify({ seq: perRoom.get(publish.room), duplicate: false }));
      }, ROOM_MS);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `127.0.0.1:${server.address().port}`,
    count: (room) => perRoom.get(room) ?? 0,
    /** Resolves with the arrival time of the publish whose chat body is `marker`. */
    arrival: (marker) => (arrivals.has(marker) ? Promise.resolve(arrivals.get(marker)) : new Promise((r) => waiters.set(marker, r))),
    close: () => new Promise((r) => server.close(r)),
  };
}

async function json(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** A plan whose organizer is a participant (minted with the secret key), so the token can chat in it. */
export async function chatter(base, secretKey, name) {
  const pt = await json(base, "POST", "/v1/participant-tokens", secretKey, { externalId: `bench-${name}`, name });
  const plan = await json(base, "POST", "/v1/plans", pt.token, {
    type: "trip",
    title: `${name}'s plan`,
    timeZone: "Europe/Lisbon",
    currency: "EUR",
    startDate: "2030-07-01",
    endDate: "2030-07-04",
  });
  const post = (body) => json(base, "POST", `/v1/plans/${plan.id}/messages`, pt.token, { body });
  return { room: `plan:${plan.id}`, post, planId: plan.id, token: pt.token };
}

/** Org B's write: its round trip, and the milliseconds from sending it until its publish reached the rooms. */
async function probe(rooms, b, marker) {
  const sent = performance.now();
  await b.post(marker);
  const answered = performance.now();
  return { write: answered - sent, event: (await rooms.arrival(marker)) - sent };
}

export async function burst() {
  if (!existsSync(root("apps/api/dist/node.js")))
    throw new Error("apps/api/dist/node.js is missing: run `pnpm build` first (pnpm bench does).");
  const rooms = await startRooms();
  // The burst is the point, so the chat limit is raised out of its way.
  const api = await startServer("api", { REALTIME_HOST: rooms.host, CHAT_RATE_LIMIT_MAX: String(BURST * 10), LOG_LEVEL: "warn" });
  const base = `http://127.0.0.1:${api.port}`;
  try {
    // Organization A is the demo organization; B signs up.
    const a = await chatter(base, api.secretKey, "Ada");
    const owner = await json(base, "POST", "/v1/auth/sign-up", undefined, {
      email: `bench-${Date.now()}@example.com`,
      password: "correct horse battery staple",
      name: "Bea",
      organizationName: "Org B",
    });
    const bKey = await json(base, "POST", "/v1/secret-keys", owner.accessToken, { name: "bench" });
    const b = await chatter(base, bKey.secret, "Bea");

    const idle = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) idle.push(await probe(rooms, b, `idle ${i}`));

    console.log(
      `\nRealtime under a burst: organization A posts ${BURST.toLocaleString("en")} chat messages (${CONNECTIONS} writers), then organization B posts one; stand-in room answers in ${ROOM_MS} ms.`,
    );
    const started = performance.now();
    let next = 0;
    let midProbe;
    const writer = async () => {
      while (next < BURST) {
        const i = next++;
        await a.post(`a ${i}`);
        if (i === Math.floor(BURST / 2)) midProbe = probe(rooms, b, "during the burst");
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, writer));
    const written = performance.now();
    const backlog = BURST - rooms.count(a.room);
    const after = await probe(rooms, b, "after the burst");
    const during = await midProbe;
    while (rooms.count(a.room) < BURST) await new Promise((r) => setTimeout(r, 20));
    const drained = performance.now();

    const idleMs = median(idle.map((p) => p.event));
    const rows = [
      ["idle (median of 5)", { write: median(idle.map((p) => p.write)), event: idleMs }, "—"],
      ["halfway through A's writes", during, "—"],
      ["right after A's last write", after, backlog.toLocaleString("en")],
    ];
    const widths = [28, 10, 10, 8, 22];
    const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
    console.log(line(["org B's chat message", "write ms", "event ms", "× idle", "A's rows still queued"]));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const [name, p, queued] of rows)
      console.log(line([name, p.write.toFixed(1), p.event.toFixed(1), `${(p.event / idleMs).toFixed(1)}×`, queued]));
    console.log("write ms: the POST's round trip; event ms: from sending the POST until its publish reached the room.");
    const writeS = (written - started) / 1000;
    const drainS = (drained - started) / 1000;
    console.log(
      `A's ${BURST.toLocaleString("en")} writes took ${writeS.toFixed(1)} s (${Math.round(BURST / writeS)}/s); its room had them all after ${drainS.toFixed(1)} s (${Math.round(BURST / drainS)} publishes/s through one room).`,
    );
    console.log("Target: org B's event under 1 s while A's burst drains. No assertion: read the numbers.");
  } finally {
    await api.stop();
    await rooms.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await burst();
