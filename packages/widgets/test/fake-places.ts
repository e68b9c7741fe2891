import type { FakeApi, PendingRequest } from "./fake-api.js";

/** Places, search results and bookings for widget tests against the fake API. */

/** The next request to `path`, leaving others (the live room's token) unanswered. */
export async function nextApi(api: FakeApi, path: RegExp): Promise<PendingRequest> {
  for (;;) {
    const r = await api.next();
    if (path.test(r.url.pathname)) return r;
    // The live room's token (and anything else not asked about) is left unanswered.
  }
}

export const PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const BASE = {
  description: "",
  address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
  location: { lat: 38.7127, lng: -9.1346 },
  openingHours: null,
  active: true,
  horizonDays: 3650,
  leadMinutes: 0,
  reviewModeration: true,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
export const GARAGE = {
  ...BASE,
  id: "plc_0123456789abcdefghjk",
  kind: "parking",
  name: "Baixa",
  timeZone: "Europe/Lisbon",
  capacity: 5,
  pricing: { mode: "hourly", currency: "EUR", perHour: 300, dailyMax: null },
  features: ["covered", "ev_charging", "open_24_7"],
  images: [PIXEL],
  slots: null,
  rating: { average: 4.5, count: 2 },
};
export const LOT = { ...GARAGE, id: "plc_1123456789abcdefghjk", name: "Rossio", images: [], rating: { average: null, count: 0 } };
export const ROOM = {
  ...BASE,
  id: "plc_2123456789abcdefghjk",
  kind: "room",
  name: "Sala",
  timeZone: "UTC",
  capacity: 2,
  pricing: { mode: "slot", currency: "EUR", perSlot: 2000 },
  features: [],
  images: [],
  slots: { lengthMinutes: 60, bufferMinutes: 0 },
  rating: { average: null, count: 0 },
};
export const booking = (place: { id: string }, status: string, start: string, end: string) => ({
  id: "bkg_0123456789abcdefghjk",
  placeId: place.id,
  status,
  start,
  end,
  price: { amount: 600, currency: "EUR" },
  vehiclePlate: "AA-00-BB",
  contact: { name: "Ana", email: null, phone: null },
  access: { token: "gk_bt_test" },
  payment:
    status === "pending_payment"
      ? {
          provider: "local",
          paymentIntentId: "pi_local_1",
          clientSecret: null,
          checkoutUrl: "https://pay.test/checkout",
          publishableKey: null,
          stripeAccount: null,
          expiresAt: "2030-07-01T09:15:00.000Z",
        }
      : null,
  createdAt: "2026-01-01T00:00:00.000Z",
});

/** Answers the week's seven slot requests of `ROOM` (9:00 full, 10:00 with two free). */
export async function answerRoomWeek(api: FakeApi): Promise<void> {
  for (let i = 0; i < 7; i++) {
    const r = await nextApi(api, /\/slots$/);
    const date = r.url.searchParams.get("date")!;
    r.respond(200, {
      placeId: ROOM.id,
      date,
      slots: [9, 10].map((h) => ({
        start: `${date}T${String(h).padStart(2, "0")}:00:00.000Z`,
        end: `${date}T${String(h + 1).padStart(2, "0")}:00:00.000Z`,
        freeCapacity: h === 9 ? 0 : 2,
      })),
    });
  }
}

/** The search answer with `GARAGE` (4 free, €6.00) and `LOT` (full). */
export const SEARCH = {
  data: [
    { place: GARAGE, distanceKm: 0.42, freeCapacity: 4, price: { amount: 600, currency: "EUR" } },
    { place: LOT, distanceKm: 0.8, freeCapacity: 0, price: null },
  ],
  nextCursor: null,
};
