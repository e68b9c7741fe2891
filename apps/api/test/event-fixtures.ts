import type { CreateEventInput, CreateTicketTypeInput, Order, Quota, TicketedEvent, TicketType } from "@gatherkit/core";
import { expectStatus, outboxEvents, TEST_ORIGIN, type TestOrg } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";

/**
 * Test fixtures for the events domain, built through the public API like fixtures.ts.
 *
 *   const event = await newEvent(t, org);                          // published, EUR, in 2030
 *   const ga = await newTicketType(t, org, event, { quantity: 10 });
 *   const order = await checkout(t, org, event, [{ ticketTypeId: ga.id, quantity: 2 }]);
 */

export const EVENT_DEFAULTS = {
  title: "Fado night",
  timeZone: "Europe/Lisbon",
  startsAt: "2030-07-02T19:30:00.000Z",
  endsAt: "2030-07-02T22:30:00.000Z",
  currency: "EUR",
} as const satisfies CreateEventInput;

/** Creates an event as staff (the org's secret key) and publishes it unless `publish: false`. */
export async function newEvent(
  t: TestApp,
  org: TestOrg,
  overrides: Partial<CreateEventInput> & { publish?: boolean } = {},
): Promise<TicketedEvent> {
  const { publish = true, ...body } = overrides;
  const event = expectStatus<TicketedEvent>(
    await call(t, "POST", "/v1/events", { token: org.secretKey, body: { ...EVENT_DEFAULTS, ...body } }),
    201,
  );
  if (!publish) return event;
  return expectStatus<TicketedEvent>(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: org.secretKey }), 200);
}

export async function newTicketType(
  t: TestApp,
  org: TestOrg,
  event: { id: string; currency: string },
  overrides: Partial<CreateTicketTypeInput> = {},
): Promise<TicketType> {
  return expectStatus<TicketType>(
    await call(t, "POST", `/v1/events/${event.id}/ticket-types`, {
      token: org.secretKey,
      body: { name: "General admission", price: 2500, currency: event.currency, ...overrides },
    }),
    201,
  );
}

export async function newQuota(t: TestApp, org: TestOrg, event: { id: string }, size: number, ticketTypeIds: string[]): Promise<Quota> {
  return expectStatus<Quota>(
    await call(t, "POST", `/v1/events/${event.id}/quotas`, { token: org.secretKey, body: { name: "Hall", size, ticketTypeIds } }),
    201,
  );
}

/** POST /v1/events/{id}/orders from a page with the org's publishable key. */
export function checkoutRequest(
  t: TestApp,
  org: TestOrg,
  event: { id: string },
  lines: { ticketTypeId: string; quantity: number }[],
  extra: { accessCode?: string; email?: string } = {},
) {
  return call(t, "POST", `/v1/events/${event.id}/orders`, {
    token: org.publishableKey,
    headers: { origin: TEST_ORIGIN },
    body: {
      buyer: { name: "Grace Hopper", email: extra.email ?? "grace@example.com" },
      lines,
      ...(extra.accessCode ? { accessCode: extra.accessCode } : {}),
    },
  });
}

export async function checkout(t: TestApp, org: TestOrg, event: { id: string }, lines: { ticketTypeId: string; quantity: number }[]) {
  return expectStatus<Order>(await checkoutRequest(t, org, event, lines), 201);
}

/** The realtime messages written to the event's room so far (from the outbox), oldest first. */
export function eventMessages(t: TestApp, event: { id: string }) {
  return outboxEvents(t, `event:${event.id}`);
}
