// Realtime fan-out: one write reaching 200 subscribed clients, Gatherkit against the seeds' stack.
//
// - Gatherkit: the API as built (apps/api/dist/node.js) with the real rooms (`partykit dev`),
//   200 SDK clients (packages/sdk/dist) subscribed to one plan's room, each a different
//   participant. A message is `POST /v1/plans/{id}/messages`: the API writes it and its outbox
//   row in one batch, then publishes to the room over signed HTTP; the room fans it out.
// - Socket.IO: a Node server where `POST /messages` inserts the row into a libSQL file and then
//   `io.to(room).emit(…)`s it (what the Flask/NestJS + Socket.IO seeds did), 200 socket.io-client
//   clients in the room.
//
// - The platform's floor (fanout-floor.mjs): a bare PartyKit room under the same `partykit dev`,
//   200 plain WebSockets, the message POSTed straight to the room or through a bare relay that
//   inserts the row first.
//
// All sets of clients live in this process. For each message the clock starts before the POST
// and stops as each client receives it; "all have it" is the time until the last of the 200
// did. Targets alternate by round. Options (environment): BENCH_FANOUT_CLIENTS (200),
// BENCH_FANOUT_MESSAGES per round and target (15), BENCH_FANOUT_FLOOR_MESSAGES per round for each
// floor (15), BENCH_FANOUT_ROUNDS (2).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { io as socketIoClient } from "socket.io-client";
import { startPartykit } from "../apps/realtime/test/partykit-dev.mjs";
import { bareRoomTargets } from "./fanout-floor.mjs";
import { cpuMs, partykitProcesses } from "./procs.mjs";
import { startServer } from "./start-server.mjs";

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 200);
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 15);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 2);
/** Messages per round for each of the two bare PartyKit floors (fanout-floor.mjs). */
const FLOOR_MESSAGES = Number(process.env.BENCH_FANOUT_FLOOR_MESSAGES ?? 15);
/** Unmeasured messages per target before the first round. */
const WARM_MESSAGES = 20;
/** A message not received by then counts as lost for the clients that lack it. */
const GIVE_UP_MS = 10_000;
const SDK_DIST = fileURLToPath(new URL("../packages/sdk/dist/index.js", import.meta.url));

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** Who is waiting for which message body: arrival times (performance.now()) per body. */
function arrivals() {
  const pending = new Map();
  return {
    arrived(body) {
      const entry = pending.get(body);
      if (!entry) return;
      entry.times.push(performance.now());
      if (entry.times.length === CLIENTS) entry.done();
    },
    /** Sends one message with `send(body)` and resolves with the per-client latencies (ms). */
    async measure(body, send) {
      let done;
      const all = new Promise((r) => {
        done = r;
      });
      const entry = { times: [], done };
      pending.set(body, entry);
      const t0 = performance.now();
      await send(body);
      await Promise.race([all, new Promise((r) => setTimeout(r, GIVE_UP_MS))]);
      pending.delete(body);
      return entry.times.map((t) => t - t0);
    },
  };
}

async function gatherkitTarget(track) {
  if (!existsSync(SDK_DIST)) throw new Error("packages/sdk/dist is missing: run `pnpm build` first (pnpm bench does).");
  const { Gatherkit } = await import(SDK_DIST);
  const secret = randomBytes(32).toString("hex");
  const rooms = await startPartykit({ secret });
  const api = await startServer("api", { REALTIME_HOST: rooms.host, REALTIME_SECRET: secret, LOG_LEVEL: "warn" });
  const base = `http://127.0.0.1:${api.port}`;
  const call = async (method, path, body, token = api.secretKey) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const people = [];
  for (let i = 0; i < CLIENTS; i++) people.push(await call("POST", "/v1/participant-tokens", { externalId: `fan-${i}`, name: `Fan ${i}` }));
  const plan = await call("POST", "/v1/plans", {
    type: "event",
    title: "Fan-out",
    timeZone: "UTC",
    currency: "EUR",
    organizerParticipantId: people[0].participant.id,
  });
  for (const p of people.slice(1))
    await call("POST", `/v1/plans/${plan.id}/participants`, { participantId: p.participant.id }, people[0].token);

  const subscriptions = await Promise.all(
    people.map(
      (p) =>
        new Promise((resolve, reject) => {
          const gk = new Gatherkit({ token: p.token, baseUrl: base });
          const sub = gk.plans.subscribe(plan.id, {
            onStatus: (status) => status === "open" && resolve(sub),
            onError: reject,
            "plan.message_changed": (data) => track.arrived(data.message.body),
          });
        }),
    ),
  );
  let n = 0;
  return {
    key: "gatherkit",
    name: `Gatherkit: API write → rooms → ${CLIENTS} SDK clients`,
    // The rooms' runtime is workerd (started by `partykit dev`, which also runs in Node: its
    // request log and inspector connection are part of what a local room costs).
    processes: {
      API: [api.pid],
      ...partykitProcesses(rooms.port),
    },
    // Senders take turns, as a group chatting would (and as per-participant write limits expect).
    send: (body) => call("POST", `/v1/plans/${plan.id}/messages`, { body }, people[n++ % CLIENTS].token),
    async stop() {
      for (const s of subscriptions) s.close();
      await api.stop();
      await rooms.stop();
    },
  };
}

async function socketIoTarget(track) {
  const server = await startServer("socketio");
  const url = `http://127.0.0.1:${server.port}`;
  const clients = await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise((resolve, reject) => {
          const socket = socketIoClient(url, { query: { room: "plan" }, transports: ["websocket"], reconnection: false });
          socket.on("message", (m) => track.arrived(m.body));
          socket.once("connect", () => resolve(socket));
          socket.once("connect_error", reject);
        }),
    ),
  );
  return {
    key: "socketio",
    name: `Socket.IO: HTTP write → io.emit → ${CLIENTS} clients`,
    processes: { server: [server.pid] },
    send: async (body) => {
      const res = await fetch(`${url}/messages?room=plan`, { method: "POST", body: JSON.stringify({ text: body }) });
      if (res.status !== 201) throw new Error(`the Socket.IO server answered ${res.status}`);
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await server.stop();
    },
  };
}

/** Runs the fan-out comparison and returns the table's rows (also printed by run.mjs). */
export async function fanout() {
  const track = arrivals();
  console.log(
    `\nRealtime fan-out: ${CLIENTS} subscribed clients, ${ROUNDS} alternating rounds × ${MESSAGES} messages per target ` +
      `(${FLOOR_MESSAGES} for each bare PartyKit floor); setting up…`,
  );
  const stops = [];
  const targets = [];
  // This process runs every client (and the clock); only one target's clients get messages at a time.
  const processesOf = (t) => ({ ...t.processes, [`${CLIENTS} clients (this process)`]: [process.pid] });
  const cpuOf = (t) => Object.fromEntries(Object.entries(processesOf(t)).map(([k, pids]) => [k, pids.map(cpuMs)]));
  const samples = new Map();
  try {
    for (const start of [socketIoTarget, gatherkitTarget]) {
      const t = await start(track);
      stops.push(t.stop);
      targets.push(t);
    }
    const floor = await bareRoomTargets(track, CLIENTS);
    stops.push(floor.stop);
    targets.push(...floor.targets);
    for (const t of targets) samples.set(t.key, { all: [], first: [], each: [], lost: 0, sent: 0, cpu: {} });
    // Unmeasured messages first, so first-use costs (JIT, connections) are not in the numbers: a
    // freshly started relay spent twice its steady CPU per message over its first 20 (background
    // compilation), while the API had served 400 requests setting the plan up.
    for (const t of targets) for (let i = 0; i < WARM_MESSAGES; i++) await track.measure(`warm-${i}-${t.name}`, t.send);
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const s = samples.get(t.key);
        const before = cpuOf(t);
        const messages = t.floor ? FLOOR_MESSAGES : MESSAGES;
        for (let i = 0; i < messages; i++) {
          const times = await track.measure(`m-${round}-${i}-${randomBytes(4).toString("hex")}`, t.send);
          s.lost += CLIENTS - times.length;
          if (times.length === CLIENTS) s.all.push(Math.max(...times));
          if (times.length) s.first.push(Math.min(...times));
          s.each.push(...times);
        }
        s.sent += messages;
        const after = cpuOf(t);
        for (const [part, pids] of Object.entries(before)) {
          const used = pids.reduce((sum, ms, i) => (ms === undefined || after[part][i] === undefined ? sum : sum + after[part][i] - ms), 0);
          s.cpu[part] = (s.cpu[part] ?? 0) + used;
        }
      }
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  const rows = targets.map((t) => {
    const s = samples.get(t.key);
    return {
      key: t.key,
      target: t.name,
      allP50: percentile(s.all, 50),
      allP99: percentile(s.all, 99),
      eachP50: percentile(s.each, 50),
      eachP99: percentile(s.each, 99),
      // Until the first client has it: the write and the hop, before the fan-out's own cost.
      firstP50: percentile(s.first, 50),
      lost: s.lost,
      // CPU ms per message of each process of the stack (empty where /proc is missing).
      cpuPerMessage: existsSync("/proc/self/stat")
        ? Object.fromEntries(Object.entries(s.cpu).map(([part, ms]) => [part, ms / s.sent]))
        : {},
    };
  });
  return rows;
}
