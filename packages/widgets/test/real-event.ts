/** A fresh published event in the real API (test/real-api-events.mjs) and its ticket types' ids. */
export interface RealEvent {
  apiBase: string;
  publishableKey: string;
  eventId: string;
  ticketTypes: { general: string; early: string; late: string; free: string };
}

/** Asks the test runner's real API for a new event (starting the API and its rooms on first use). */
export async function realEvent(options: { quantity?: number; empty?: boolean } = {}): Promise<RealEvent> {
  const query = new URLSearchParams();
  if (options.quantity !== undefined) query.set("quantity", String(options.quantity));
  if (options.empty) query.set("empty", "1");
  // no-store: the test runner serves everything with a year-long max-age (see real-plan.ts).
  const res = await fetch(`/__gatherkit-api/event.json?${query}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make an event:\n${body.error}`);
  return body as RealEvent;
}

/** Cancels a pending order as its organizer would (its hold ends and its tickets go back on sale). */
export async function cancelOrder(orderId: string): Promise<void> {
  const res = await fetch(`/__gatherkit-api/cancel-order.json?order=${encodeURIComponent(orderId)}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`The real API could not cancel ${orderId}:\n${(await res.json()).error}`);
}

/** A fresh published RSVP event (test/real-api-events.mjs): 3 places, a question, two sessions, two invited guests. */
export interface RealGuestEvent {
  apiBase: string;
  publishableKey: string;
  eventId: string;
  guests: { ada: string; bo: string };
  sessions: { toasts: string; dance: string };
}

export async function realGuestEvent(): Promise<RealGuestEvent> {
  const res = await fetch("/__gatherkit-api/guest-event.json", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make an RSVP event:\n${body.error}`);
  return body as RealGuestEvent;
}
