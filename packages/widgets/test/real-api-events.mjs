// Test-runner plugin: a fresh published event in the real API (started by ./real-api.mjs) for
// each request to `/__gatherkit-api/event.json`, made server-side with the demo organization's
// secret key. Its ticket types: "General admission" (€25.00, `?quantity=` of them, default 3, at
// most 2 per order), "Early bird" (sales ended), "Late entry" (not yet on sale) and "Free
// rehearsal" (free, 1 per order); none with `?empty=1`. The answer holds what a host page would have: the API's address,
// a publishable key for the page's origin, the event's and ticket types' ids.
// `/__gatherkit-api/cancel-order.json?order=ord_…` cancels a pending order as its organizer would.
import { realApiCaller } from "./real-api-keys.mjs";

/** @param {{ ready(): Promise<{ apiBase: string, secretKey: string }> }} api the realApi() plugin */
/** `prefix`: where its answers are served (another API instance gets another prefix). */
export function realApiEvents(api, prefix = "/__gatherkit-api") {
  let n = 0;
  const { call, keyFor, serveJson } = realApiCaller(api, "Ticket widget tests");

  async function newEvent(origin, query) {
    const { apiBase } = await api.ready();
    const publishableKey = await keyFor(origin);
    n += 1;
    const draft = await call("POST", "/v1/events", {
      title: `Fado night ${n}`,
      timeZone: "Europe/Lisbon",
      startsAt: "2030-07-02T19:30:00.000Z",
      endsAt: "2030-07-02T22:30:00.000Z",
      currency: "EUR",
      venue: { name: "Clube de Fado" },
    });
    if (query.empty) {
      await call("POST", `/v1/events/${draft.id}/publish`);
      return { apiBase, publishableKey, eventId: draft.id, ticketTypes: {} };
    }
    const type = (body) => call("POST", `/v1/events/${draft.id}/ticket-types`, { currency: "EUR", ...body });
    const general = await type({ name: "General admission", price: 2500, quantity: Number(query.quantity ?? 3), maxPerOrder: 2 });
    const early = await type({ name: "Early bird", price: 1500, salesEndAt: "2020-01-01T00:00:00.000Z" });
    const late = await type({ name: "Late entry", price: 3000, salesStartAt: "2030-07-01T00:00:00.000Z" });
    const free = await type({ name: "Free rehearsal", price: 0, maxPerOrder: 1 });
    await call("POST", `/v1/events/${draft.id}/publish`);
    return {
      apiBase,
      publishableKey,
      eventId: draft.id,
      ticketTypes: { general: general.id, early: early.id, late: late.id, free: free.id },
    };
  }

  // What an organizer does from their server: cancel a pending order (its hold ends, its tickets go back on sale).
  const cancelOrder = (_origin, query) => call("POST", `/v1/orders/${encodeURIComponent(query.order)}/cancel`);

  // An RSVP event for <gk-rsvp> / <gk-agenda>: 3 places, one plus-one each, a question, two
  // sessions (the first with one place), and two invited guests with their personal tokens.
  async function newGuestEvent(origin) {
    const { apiBase } = await api.ready();
    const publishableKey = await keyFor(origin);
    n += 1;
    const draft = await call("POST", "/v1/events", {
      title: `Garden party ${n}`,
      timeZone: "Europe/Lisbon",
      startsAt: "2030-07-02T15:00:00.000Z",
      endsAt: "2030-07-02T20:00:00.000Z",
      currency: "EUR",
      venue: { name: "Quinta" },
    });
    await call("PATCH", `/v1/events/${draft.id}/rsvp`, {
      capacity: 3,
      maxPlusOnes: 1,
      questions: [{ id: "dietary", label: "Any dietary needs?", kind: "short_text" }],
    });
    const session = (body) => call("POST", `/v1/events/${draft.id}/sessions`, body);
    const toasts = await session({
      title: "Toasts",
      startsAt: "2030-07-02T15:00:00Z",
      endsAt: "2030-07-02T15:30:00Z",
      capacity: 1,
      track: "Main",
    });
    const dance = await session({ title: "Dancing", startsAt: "2030-07-02T16:00:00Z", endsAt: "2030-07-02T18:00:00Z", track: "Garden" });
    await call("POST", `/v1/events/${draft.id}/publish`);
    const ada = await call("POST", `/v1/events/${draft.id}/guests`, { name: "Ada" });
    const bo = await call("POST", `/v1/events/${draft.id}/guests`, { name: "Bo" });
    return {
      apiBase,
      publishableKey,
      eventId: draft.id,
      guests: { ada: ada.token, bo: bo.token },
      sessions: { toasts: toasts.id, dance: dance.id },
    };
  }

  const events = serveJson(`${prefix}/event.json`, newEvent);
  const guestEvents = serveJson(`${prefix}/guest-event.json`, newGuestEvent);
  const cancel = serveJson(`${prefix}/cancel-order.json`, cancelOrder);
  return {
    name: `gatherkit-real-api-events${prefix}`,
    serve: async (context) => (await events(context)) ?? (await guestEvents(context)) ?? cancel(context),
  };
}
