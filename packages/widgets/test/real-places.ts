/** A fresh neighbourhood of places in the real API (test/real-api-places.mjs). */
export interface RealPlaces {
  apiBase: string;
  publishableKey: string;
  /** "lat,lng": the garage and the lot are within 1 km, the room 22 km away. */
  center: string;
  /** The window (ISO) the lot is fully booked for. */
  start: string;
  durationMinutes: number;
  garageId: string;
  lotId: string;
  roomId: string;
  /** "lat,lng" of "Paid Echo", a garage paid online, 55 km from the others. */
  paidCenter: string;
  paidId: string;
  /** "Room Foxtrot": Room Charlie's slots, paid online. */
  paidRoomId: string;
  /** Tomorrow (UTC), a day with free slots at the room. */
  slotDate: string;
}

/** Asks the test runner's real API for new places (starting the API and its rooms on first use). */
export async function realPlaces(): Promise<RealPlaces> {
  const res = await fetch("/__gatherkit-api/places.json", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make places:\n${body.error}`);
  return body as RealPlaces;
}

/** Pays a booking on the local provider's checkout page (server-side, as the booker would in its tab). */
export async function payAtCheckout(checkoutUrl: string): Promise<void> {
  const res = await fetch(`/__gatherkit-api/pay.json?url=${encodeURIComponent(checkoutUrl)}`, { cache: "no-store" });
  const { status } = (await res.json()) as { status: number };
  if (status !== 200) throw new Error(`The local checkout answered ${status}.`);
}
