/** A fresh published event in the real API (test/real-api-events.mjs) and its ticket types' ids. */
export interface RealEvent {
  apiBase: string;
  publishableKey: string;
  eventId: string;
  ticketTypes: { general: string; early: string; late: string; free: string };
}

/** Asks the test runner's real API for a new event (starting the API and its rooms on first use). */
export async function realEvent(options: { quantity?: number } = {}): Promise<RealEvent> {
  // no-store: the test runner serves everything with a year-long max-age (see real-plan.ts).
  const query = options.quantity === undefined ? "" : `?quantity=${options.quantity}`;
  const res = await fetch(`/__gatherkit-api/event.json${query}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make an event:\n${body.error}`);
  return body as RealEvent;
}
