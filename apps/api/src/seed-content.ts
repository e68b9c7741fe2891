import type { DemoCredentials } from "./seed.js";

/**
 * Sample content for the demo organization, so each dashboard page has something to show on a
 * first `pnpm dev` (SEED_DEMO_CONTENT=true, which scripts/dev.mjs sets): a published event with two
 * ticket types, a parking place with a booking, and a plan with a proposal and a vote. Made through
 * the public API with the demo secret key, as an integrator would (no table is written directly).
 */
export async function seedDemoContent(fetch: (req: Request) => Response | Promise<Response>, demo: DemoCredentials, now: number) {
  const call = async <T>(method: string, path: string, body: unknown, token = demo.secretKey): Promise<T> => {
    const res = await fetch(
      new Request(`${demo.apiBase}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    if (!res.ok) throw new Error(`seeding the demo: ${method} ${path} answered ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const day = 86_400_000;
  const at = (days: number, hour: number) => new Date(Math.floor((now + days * day) / day) * day + hour * 3_600_000).toISOString();

  const event = await call<{ id: string }>("POST", "/v1/events", {
    title: "Summer concert in the park",
    startsAt: at(30, 18),
    endsAt: at(30, 21),
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  await call("POST", `/v1/events/${event.id}/ticket-types`, { name: "Standard", price: 2000, currency: "EUR", quantity: 200 });
  await call("POST", `/v1/events/${event.id}/ticket-types`, { name: "VIP", price: 5500, currency: "EUR", quantity: 20 });
  await call("POST", `/v1/events/${event.id}/publish`, undefined);

  const place = await call<{ id: string }>("POST", "/v1/places", {
    kind: "parking",
    name: "Baixa Garage",
    address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
    location: { lat: 38.7107, lng: -9.1366 },
    timeZone: "Europe/Lisbon",
    capacity: 12,
    pricing: { mode: "hourly", currency: "EUR", perHour: 240 },
  });
  const grace = await call<{ token: string }>("POST", "/v1/participant-tokens", { externalId: "demo-grace", name: "Grace Hopper" });
  await call(
    "POST",
    "/v1/bookings",
    { placeId: place.id, start: at(2, 9), durationMinutes: 180, contact: { name: "Grace Hopper" } },
    grace.token,
  );

  const ada = await call<{ token: string }>("POST", "/v1/participant-tokens", { externalId: "demo-ada", name: "Ada Lovelace" });
  const plan = await call<{ id: string }>(
    "POST",
    "/v1/plans",
    { type: "trip", title: "Team weekend in Sintra", timeZone: "Europe/Lisbon", currency: "EUR" },
    ada.token,
  );
  const proposal = await call<{ id: string }>("POST", `/v1/plans/${plan.id}/proposals`, { title: "Visit Pena Palace" }, ada.token);
  await call("PUT", `/v1/plans/${plan.id}/proposals/${proposal.id}/vote`, { value: "yes" }, ada.token);
}
