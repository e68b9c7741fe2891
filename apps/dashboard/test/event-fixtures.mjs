// Fixtures the events pages' journeys share (event-edit.test.mjs, event-forms.test.mjs).
import { ok } from "./harness.mjs";

/** A published event in Lisbon with a Standard type of 20 (two held by a pending order) and a VIP type of 5. */
export async function heldEvent(title) {
  const event = await ok("POST", "/v1/events", {
    title,
    startsAt: "2031-09-01T19:00:00.000Z",
    endsAt: "2031-09-01T23:00:00.000Z",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  const standard = await ok("POST", `/v1/events/${event.id}/ticket-types`, {
    name: "Standard",
    price: 2500,
    currency: "EUR",
    quantity: 20,
  });
  const vip = await ok("POST", `/v1/events/${event.id}/ticket-types`, { name: "VIP", price: 9000, currency: "EUR", quantity: 5 });
  await ok("POST", `/v1/events/${event.id}/publish`);
  await ok("POST", `/v1/events/${event.id}/orders`, {
    buyer: { name: "Ada", email: "ada@example.com" },
    lines: [{ ticketTypeId: standard.id, quantity: 2 }],
  });
  return { event, standard, vip };
}
