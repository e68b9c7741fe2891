import type { CreateGuestInput, GuestWithLink, RsvpInput, RsvpSettings } from "@gatherkit/core";
import { expectStatus, type TestOrg } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";

/**
 * Test fixtures for guests and RSVP, through the public API.
 *
 *   await rsvpSettings(t, org, event, { capacity: 10 });
 *   const ada = await newGuest(t, org, event, { name: "Ada", email: "ada@example.com" });
 *   await answer(t, event, ada.token, { answer: "yes", plusOnes: 1 });
 */

export async function rsvpSettings(t: TestApp, org: TestOrg, event: { id: string }, body: Record<string, unknown>): Promise<RsvpSettings> {
  return expectStatus<RsvpSettings>(await call(t, "PATCH", `/v1/events/${event.id}/rsvp`, { token: org.secretKey, body }), 200);
}

export async function newGuest(
  t: TestApp,
  org: TestOrg,
  event: { id: string },
  body: Partial<CreateGuestInput> = {},
): Promise<GuestWithLink> {
  return expectStatus<GuestWithLink>(
    await call(t, "POST", `/v1/events/${event.id}/guests`, { token: org.secretKey, body: { name: "Ada Lovelace", ...body } }),
    201,
  );
}

/** A guest's answer through their personal token (no other credential). */
export function answer(t: TestApp, event: { id: string }, token: string, body: RsvpInput) {
  return call(t, "POST", `/v1/events/${event.id}/invitation/${token}/rsvp`, { body });
}
