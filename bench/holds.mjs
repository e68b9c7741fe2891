// Ticket holds per second on one event (POST /v1/events/{id}/orders on the built API) as a ratio
// to raw libSQL's conditional-update rate (bare Hono + one guarded UPDATE on the API's own
// database file), measured side by side in interleaved rounds. Issue 10's target: ≥ 0.5.
import { startRooms } from "./burst.mjs";
import { againstFloor } from "./rounds.mjs";
import { startServer } from "./start-server.mjs";

async function json(url, init) {
  const res = await fetch(url, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A published event with one ticket type of a stock no run can exhaust, created as the demo organization. */
async function setUp(api) {
  const base = `http://127.0.0.1:${api.port}`;
  const post = (path, body) =>
    json(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const event = await post("/v1/events", {
    title: "Benchmark night",
    timeZone: "Europe/Lisbon",
    startsAt: "2099-07-02T19:30:00.000Z",
    endsAt: "2099-07-02T22:30:00.000Z",
    currency: "EUR",
  });
  await post(`/v1/events/${event.id}/publish`);
  const type = await post(`/v1/events/${event.id}/ticket-types`, { name: "General", price: 2500, currency: "EUR", quantity: 1_000_000 });
  return { base, event, type };
}

export async function holds() {
  // A stand-in for the rooms (answers each publish 202), as a deployment has them: without it every
  // stock message stays in the outbox, failing, and each write's outbox pass reads a growing backlog.
  const rooms = await startRooms();
  const api = await startServer("api", { REALTIME_HOST: rooms.host });
  const floor = await startServer("holdFloor", { FLOOR_DATABASE: api.database });
  const minimum = await startServer("holdMinimum", { FLOOR_DATABASE: api.database });
  try {
    const { base, event, type } = await setUp(api);
    const targets = [
      {
        name: "raw libSQL  guarded UPDATE (floor)",
        url: `http://127.0.0.1:${floor.port}/hold/${type.id}`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ quantity: 1 }),
      },
      {
        name: "API  POST /v1/events/{id}/orders (hold)",
        url: `${base}/v1/events/${event.id}/orders`,
        headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ buyer: { name: "Bench", email: "bench@example.com" }, lines: [{ ticketTypeId: type.id, quantity: 1 }] }),
      },
      {
        name: "raw libSQL  minimum hold (reference)",
        short: "the minimum hold",
        url: `http://127.0.0.1:${minimum.port}/v1/events/${event.id}/orders`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ buyer: { name: "Bench", email: "bench@example.com" }, lines: [{ ticketTypeId: type.id, quantity: 1 }] }),
      },
    ];
    return await againstFloor("Holds", targets, "issue 10 target ≥ 0.5");
  } finally {
    await Promise.all([api.stop(), floor.stop(), minimum.stop()]);
    await rooms.close();
  }
}
