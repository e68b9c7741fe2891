// CPU per request of API builds side by side, in interleaved rounds (bench/README.md, "Publishing on Node"):
//   node bench/ab-cpu.mjs <holds|chat> <seconds> <rounds> <bundle> [<bundle>…]   (bundles relative to the repository,
//   e.g. apps/api/dist-base/node.js apps/api/dist/node.js; RATE=150 holds the load at 150 requests/s)
// CPU is the API process's utime + stime from /proc over the run and until the stand-in room has heard every
// publish the run caused (the outbox may still be behind when the load stops), ÷ requests served.
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { chatter } from "./burst.mjs";

const [mode, secsArg, roundsArg, ...bundles] = process.argv.slice(2);
const secs = Number(secsArg);
const rounds = Number(roundsArg);
const repo = new URL("..", import.meta.url).pathname;
const ticks = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8").split(" ");
  return Number(s[13]) + Number(s[14]);
};

async function once(bundle) {
  const rooms = await countingRooms();
  const child = fork(`${repo}bench/servers.mjs`, ["api"], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, REALTIME_HOST: rooms.host, BENCH_API_BUNDLE: bundle, CHAT_RATE_LIMIT_MAX: "100000000", LOG_LEVEL: "warn" },
  });
  const api = await new Promise((r) => child.once("message", r));
  const base = `http://127.0.0.1:${api.port}`;
  const post = async (path, body) => {
    const res = await fetch(base + path, {
      method: "POST",
      headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await res.json();
    if (!res.ok) throw new Error(JSON.stringify(j));
    return j;
  };
  let target;
  if (mode === "holds") {
    const event = await post("/v1/events", {
      title: "B",
      timeZone: "Europe/Lisbon",
      startsAt: "2099-07-02T19:30:00.000Z",
      endsAt: "2099-07-02T22:30:00.000Z",
      currency: "EUR",
    });
    await post(`/v1/events/${event.id}/publish`);
    const type = await post(`/v1/events/${event.id}/ticket-types`, { name: "G", price: 2500, currency: "EUR", quantity: 1_000_000 });
    target = {
      url: `${base}/v1/events/${event.id}/orders`,
      headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ buyer: { name: "Bench", email: "bench@example.com" }, lines: [{ ticketTypeId: type.id, quantity: 1 }] }),
    };
  } else {
    const ada = await chatter(base, api.secretKey, "Ada");
    target = {
      url: `${base}/v1/plans/${ada.planId}/messages`,
      headers: { authorization: `Bearer ${ada.token}`, "content-type": "application/json" },
      body: JSON.stringify({ body: "See you at the station at nine." }),
    };
  }
  const run = (d) =>
    autocannon({
      ...target,
      method: "POST",
      connections: 8,
      duration: d,
      ...(process.env.RATE ? { overallRate: Number(process.env.RATE) } : {}),
    });
  await run(1);
  const before = ticks(child.pid);
  const p0 = published();
  const r = await run(secs);
  const inWindow = (ticks(child.pid) - before) * 10;
  const pubsInWindow = published() - p0;
  // The outbox may still be behind when the load stops: wait until the room has heard every publish
  // (no new one for 1 s), so both builds are charged for all the publishing their holds caused.
  let last = -1;
  while (published() !== last) {
    last = published();
    await new Promise((res) => setTimeout(res, 1000));
  }
  const cpuMs = (ticks(child.pid) - before) * 10;
  await new Promise((res) => {
    child.once("exit", res);
    child.disconnect();
  });
  await rooms.close();
  return {
    inWindowUs: Math.round((inWindow * 1000) / r.requests.total),
    pubs: ((published() - p0) / r.requests.total).toFixed(2),
    pubsIn: (pubsInWindow / r.requests.total).toFixed(2),
    rps: Math.round(r.requests.total / r.duration),
    us: Math.round((cpuMs * 1000) / r.requests.total),
    bad: r.non2xx + r.errors,
  };
}

let count = 0;
const published = () => count;
async function countingRooms() {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      count++;
      JSON.parse(b);
      setTimeout(() => {
        res.writeHead(202, { "content-type": "application/json" });
        res.end('{"seq":1,"duplicate":false}');
      }, 5);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}
const results = Object.fromEntries(bundles.map((b) => [b, []]));
for (let i = 0; i < rounds; i++) {
  for (const b of i % 2 ? [...bundles].reverse() : bundles) {
    const r = await once(b);
    results[b].push(r.us);
    console.log(
      `round ${i + 1} ${b.padEnd(28)} ${r.rps}/s  CPU ${r.us} µs/${mode === "holds" ? "hold" : "message"} (in the load window only: ${r.inWindowUs}) publishes/req ${r.pubs} (in the window ${r.pubsIn})  bad ${r.bad}  load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
    );
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const b of bundles) console.log(`${b}: median ${med(results[b])} µs (${results[b].join(", ")})`);
if (bundles.length === 2)
  console.log(`per-round ratio B/A: ${results[bundles[0]].map((a, i) => (results[bundles[1]][i] / a).toFixed(3)).join(", ")}`);
