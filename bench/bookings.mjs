// Bookings per second on one place (POST /v1/bookings on the built API: the capacity check runs
// inside the booking's own INSERT) as a ratio to raw libSQL's conditional-update rate (the same
// floor as the holds bench: bare Hono + one guarded UPDATE on the API's own database file),
// measured side by side in interleaved rounds. Each booking asks for a two-hour window at a random
// hour of the next 60 days, on a place whose capacity no run can fill.
import { startRooms } from "./burst.mjs";
import { againstFloor } from "./rounds.mjs";
import { startServer } from "./start-server.mjs";

const HOUR = 3_600_000;

async function json(url, init) {
  const res = await fetch(url, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A parking place for the bookings, and a ticket type for the floor's guarded UPDATE, as the demo organization. */
async function setUp(api) {
  const base = `http://127.0.0.1:${api.port}`;
  const post = (path, body) =>
    json(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const place = await post("/v1/places", {
    kind: "parking",
    name: "Benchmark garage",
    address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
    location: { lat: 38.7107, lng: -9.1366 },
    timeZone: "Europe/Lisbon",
    capacity: 100_000,
    pricing: { mode: "hourly", currency: "EUR", perHour: 240, dailyMax: 1800 },
  });
  const event = await post("/v1/events", {
    title: "Benchmark floor",
    timeZone: "Europe/Lisbon",
    startsAt: "2099-07-02T19:30:00.000Z",
    endsAt: "2099-07-02T22:30:00.000Z",
    currency: "EUR",
  });
  const type = await post(`/v1/events/${event.id}/ticket-types`, { name: "Floor", price: 0, currency: "EUR", quantity: 1_000_000 });
  return { base, place, type };
}

export async function bookings() {
  // A stand-in for the rooms (answers each publish 202), as a deployment has them: without it every
  // stock message stays in the outbox, failing, and each write's outbox pass reads a growing backlog.
  const rooms = await startRooms();
  const api = await startServer("api", { REALTIME_HOST: rooms.host });
  const { base, place, type } = await setUp(api);
  const floor = await startServer("holdFloor", { FLOOR_DATABASE: api.database });
  try {
    const firstHour = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
    const targets = [
      {
        name: "raw libSQL  guarded UPDATE (floor)",
        url: `http://127.0.0.1:${floor.port}/hold/${type.id}`,
        headers: { "content-type": "application/json" },
        body: () => JSON.stringify({ quantity: 1 }),
      },
      {
        name: "API  POST /v1/bookings (one place)",
        url: `${base}/v1/bookings`,
        headers: { authorization: `Bearer ${api.secretKey}`, "content-type": "application/json" },
        body: () =>
          JSON.stringify({
            placeId: place.id,
            start: new Date(firstHour + Math.floor(Math.random() * 60 * 24) * HOUR).toISOString(),
            durationMinutes: 120,
            contact: { name: "Bench" },
          }),
      },
    ];
    return await againstFloor("Bookings", targets);
  } finally {
    await Promise.all([api.stop(), floor.stop()]);
    await rooms.close();
  }
}
