import type { Booking, CreatePlaceInput, Place } from "@gatherkit/core";
import { expectStatus, TEST_ORIGIN, type TestOrg } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";

/** A parking garage in Lisbon, open around the clock, 3 spots at 2.40 EUR/h capped at 18.00 a day. */
export const PARKING = {
  kind: "parking",
  name: "Baixa Garage",
  address: { line1: "Rua Augusta 24", city: "Lisbon", postalCode: "1100-053", country: "PT" },
  location: { lat: 38.7107, lng: -9.1366 },
  timeZone: "Europe/Lisbon",
  capacity: 3,
  pricing: { mode: "hourly", currency: "EUR", perHour: 240, dailyMax: 1800 },
  features: ["covered", "cctv"],
  images: ["https://images.example.com/baixa.jpg"],
} satisfies CreatePlaceInput;

/** A meeting room booked by the hour-long slot with a 15-minute buffer, open 09:00–18:00 on weekdays. */
export const ROOM = {
  kind: "room",
  name: "Tagus Room",
  address: { line1: "Avenida da Liberdade 110", city: "Lisbon", country: "PT" },
  location: { lat: 38.7205, lng: -9.1459 },
  timeZone: "Europe/Lisbon",
  capacity: 1,
  pricing: { mode: "slot", currency: "EUR", perSlot: 5000 },
  slots: { lengthMinutes: 60, bufferMinutes: 15 },
  openingHours: {
    weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ open: "09:00", close: "18:00" }]])),
    exceptions: [],
  },
  features: ["wifi", "projector", "accessible"],
} satisfies CreatePlaceInput;

export async function newPlace(t: TestApp, org: TestOrg, overrides: Partial<CreatePlaceInput> = {}): Promise<Place> {
  return expectStatus<Place>(await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, ...overrides } }), 201);
}

/** Who books: a token, plus the browser origin a publishable key needs. */
export const asVisitor = (org: TestOrg) => ({ token: org.publishableKey, headers: { origin: TEST_ORIGIN } });

export function book(
  t: TestApp,
  as: string | { token: string; headers?: Record<string, string> },
  body: { placeId: string; start: string; durationMinutes?: number; vehiclePlate?: string; contact?: object; quote?: string },
) {
  const who = typeof as === "string" ? { token: as } : as;
  return call(t, "POST", "/v1/bookings", { ...who, body: { contact: { name: "Grace Hopper" }, ...body } });
}

export async function booked(
  t: TestApp,
  as: string | { token: string; headers?: Record<string, string> },
  body: Parameters<typeof book>[2],
) {
  return expectStatus<Booking>(await book(t, as, body), 201);
}

/** An ISO time `minutes` from the app's clock, whole minutes. */
export const inMinutes = (t: TestApp, minutes: number) =>
  new Date(Math.floor(t.deps.now() / 60_000) * 60_000 + minutes * 60_000).toISOString();
