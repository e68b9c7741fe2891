import { createECDH } from "node:crypto";
import type { EventSession, GuestWithLink, Invitation } from "@gatherkit/core";
import { pushSubscriptions } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, outboxEmails, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { b64url, generateVapidKeys } from "../../../platform/notifications/webpush.js";

/**
 * The organizer revokes a guest's personal link by rotating it: every earlier link answers 410
 * `guest_link_revoked` on every guest-token route, the new one works and is what a re-sent
 * invitation carries; other guests' links are untouched, a forged token stays 404. The browsers
 * subscribed to push through the old links are unsubscribed with them.
 */
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  const keys = await generateVapidKeys("mailto:ops@example.test");
  t = await createTestApp({ env: { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, PUSH_SERVICE_ORIGINS: PUSH } });
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const PUSH = "https://push.rotate.test";
const subscription = (endpoint: string) => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { endpoint, keys: { p256dh: b64url.encode(ecdh.getPublicKey()), auth: b64url.encode(new Uint8Array(16).fill(7)) } };
};
const endpointsOf = async (guestId: string) =>
  (await t.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.recipientId, guestId))).map((r) => r.endpoint).sort();
const link = (eventId: string, token: string, rest = "") => `/v1/events/${eventId}/invitation/${token}${rest}`;
const rotate = (org: TestOrg, eventId: string, guestId: string) =>
  call(t, "POST", `/v1/events/${eventId}/guests/${guestId}/rotate-link`, { token: org.secretKey });

describe("rotating a guest's link", () => {
  it("refuses the old token everywhere with 410 guest_link_revoked, accepts the new one, and leaves other guests alone", async () => {
    const event = await newEvent(t, a);
    await rsvpSettings(t, a, event, { invitationUrl: "https://host.example/rsvp" });
    const s = expectStatus<EventSession>(
      await call(t, "POST", `/v1/events/${event.id}/sessions`, {
        token: a.secretKey,
        body: { title: "Toasts", startsAt: "2030-07-02T20:00:00Z", endsAt: "2030-07-02T20:30:00Z" },
      }),
      201,
    );
    const ada = await newGuest(t, a, event, { name: "Ada", email: "ada.rotate@example.com" });
    const bo = await newGuest(t, a, event, { name: "Bo" });
    expectStatus(await answer(t, event, ada.token, { answer: "yes" }), 200);

    // Ada's link (leaked, say) subscribed two browsers to push; Bo subscribed his.
    for (const [token, path] of [
      [ada.token, "/s/ada-phone"],
      [ada.token, "/s/ada-leak"],
      [bo.token, "/s/bo"],
    ] as const) {
      expectStatus(await call(t, "POST", link(event.id, token, "/push-subscriptions"), { body: subscription(`${PUSH}${path}`) }), 201);
    }
    expect(await endpointsOf(ada.id)).toHaveLength(2);

    const rotated = expectStatus<GuestWithLink>(await rotate(a, event.id, ada.id), 200);
    // Her browsers subscribed through the old link hear nothing more; Bo's stays subscribed.
    expect(await endpointsOf(ada.id)).toEqual([]);
    expect(await endpointsOf(bo.id)).toEqual([`${PUSH}/s/bo`]);
    expect(rotated.token).not.toBe(ada.token);
    expect(rotated.link).toContain(encodeURIComponent(rotated.token).replace("%2E", "."));
    // Her answer is kept; reading the guest gives the new link.
    expect(rotated.status).toBe("confirmed");
    expect(
      expectStatus<GuestWithLink>(await call(t, "GET", `/v1/events/${event.id}/guests/${ada.id}`, { token: a.secretKey }), 200).token,
    ).toBe(rotated.token);

    const old = ada.token;
    const refusals = [
      await call(t, "GET", link(event.id, old)),
      await call(t, "POST", link(event.id, old, "/rsvp"), { body: { answer: "no" } }),
      await call(t, "GET", link(event.id, old, "/calendar.ics")),
      await call(t, "GET", link(event.id, old, "/push-key")),
      await call(t, "GET", link(event.id, old, "/notification-preferences")),
      await call(t, "GET", link(event.id, old, "/sessions")),
      await call(t, "POST", link(event.id, old, "/sessions"), { body: { sessionId: s.id } }),
    ];
    for (const res of refusals) expectProblem(res, 410, "guest_link_revoked");

    // The new link works; Bo's was never touched; a forged one is still 404.
    expect(expectStatus<Invitation>(await call(t, "GET", link(event.id, rotated.token)), 200).guest.status).toBe("confirmed");
    expectStatus(await call(t, "POST", link(event.id, rotated.token, "/sessions"), { body: { sessionId: s.id } }), 200);
    expect((await t.fetch(`http://api.test${link(event.id, rotated.token, "/calendar.ics")}`)).status).toBe(200);
    // She subscribes again through the new link; the old one cannot.
    expectStatus(
      await call(t, "POST", link(event.id, rotated.token, "/push-subscriptions"), { body: subscription(`${PUSH}/s/ada-phone`) }),
      201,
    );
    expectProblem(
      await call(t, "POST", link(event.id, old, "/push-subscriptions"), { body: subscription(`${PUSH}/s/ada-leak`) }),
      410,
      "guest_link_revoked",
    );
    expect(await endpointsOf(ada.id)).toEqual([`${PUSH}/s/ada-phone`]);
    expectStatus(await answer(t, event, bo.token, { answer: "maybe" }), 200);
    const forged = `${ada.id}.${"0".repeat(32)}`;
    expectProblem(await call(t, "GET", link(event.id, forged)), 404, "guest_link_invalid");

    // Rotated again: both earlier links are revoked.
    const again = expectStatus<GuestWithLink>(await rotate(a, event.id, ada.id), 200);
    for (const token of [old, rotated.token]) expectProblem(await call(t, "GET", link(event.id, token)), 410, "guest_link_revoked");
    expectStatus(await call(t, "GET", link(event.id, again.token)), 200);

    // The re-sent invitation carries the current link, not a revoked one.
    expectStatus(
      await call(t, "POST", `/v1/events/${event.id}/guest-invitations`, {
        token: a.secretKey,
        body: { guestIds: [ada.id], channels: ["email"] },
      }),
      200,
    );
    const [mail] = (await outboxEmails(t, "ada.rotate@example.com", "rsvp_invitation")).slice(-1);
    expect(mail!.text).toContain(again.link!);
    expect(mail!.text).not.toContain(old);
  });

  it("is scoped to the event's organization: another organization gets 404 and the link keeps working", async () => {
    const event = await newEvent(t, a);
    const g = await newGuest(t, a, event, { name: "Cy" });
    expectProblem(await rotate(b, event.id, g.id), 404, "not_found");
    expectStatus(await call(t, "GET", link(event.id, g.token)), 200);
  });
});
