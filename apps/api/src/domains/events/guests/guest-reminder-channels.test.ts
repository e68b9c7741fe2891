import { createECDH } from "node:crypto";
import type { NotificationDelivery, NotificationPreferences, Page, PushSubscriptionInfo } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { answer, newGuest, rsvpSettings } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../../test/harness.js";
import { emailsTo } from "../../../../test/notify-fixtures.js";
import { startStandIn, startTwilioStandIn } from "../../../../test/provider-standins.js";
import { deliverOutbox } from "../../../lib/outbox.js";
import { b64url, generateVapidKeys } from "../../../platform/notifications/webpush.js";

/**
 * An event's reminders reach its guests by SMS (to the phone number they gave, through Twilio) and
 * web push (to the browsers they subscribed through their personal link) as well as by email, and
 * each guest turns a channel off through their link; those who declined get nothing on any channel.
 */
const SID = "AC00000000000000000000000000000001";
const TOKEN = "twilio-auth-token-0123456789";
let t: TestApp;
let a: TestOrg;
let other: TestOrg;
let twilio: Awaited<ReturnType<typeof startTwilioStandIn>>;
let pushService: Awaited<ReturnType<typeof startStandIn>>;
let vapidPublicKey: string;
let offset = 0;
const pending: Promise<unknown>[] = [];
const HOUR = 60 * 60_000;

beforeAll(async () => {
  twilio = await startTwilioStandIn(SID, TOKEN);
  pushService = await startStandIn(() => ({ status: 201, headers: { location: "/m/1" } }));
  const keys = await generateVapidKeys("mailto:ops@example.test");
  vapidPublicKey = keys.publicKey;
  const real = monotonicNow();
  t = await createTestApp({
    now: () => real() + offset,
    env: {
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      SMS_FROM: "+15005550006",
      TWILIO_API_URL: twilio.url,
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      PUSH_SERVICE_ORIGINS: pushService.url,
    },
  });
  t.deps.waitUntil = (p) => pending.push(p);
  a = await newOrg(t);
  other = await newOrg(t);
});
afterAll(async () => {
  t.close();
  await twilio.close();
  await pushService.close();
});

async function settle() {
  while (pending.length) await Promise.all(pending.splice(0));
  await deliverOutbox(t.deps);
}
const toBeforeStart = (startsAt: string, ms: number) => {
  offset += Date.parse(startsAt) - ms - t.deps.now();
};
/** The texts to `to` that are reminders (a "yes" is also confirmed by SMS). */
const remindersTo = (to: string) =>
  twilio.sent
    .filter((s) => s.form.get("To") === to)
    .map((s) => s.form.get("Body") ?? "")
    .filter((b) => b.startsWith("Reminder:"));
const pushedTo = (path: string) => pushService.received.filter((r) => r.path === path);
const subscription = (endpoint: string) => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { endpoint, keys: { p256dh: b64url.encode(ecdh.getPublicKey()), auth: b64url.encode(new Uint8Array(16).fill(7)) } };
};
const link = (eventId: string, token: string, rest = "") => `/v1/events/${eventId}/invitation/${token}${rest}`;

describe("reminders by SMS and push", () => {
  it("go to each confirmed or maybe guest's phone and subscribed browsers, honour the guest's own preferences, and skip those who declined", async () => {
    const startsAt = "2033-04-02T17:00:00.000Z";
    const event = await newEvent(t, a, { startsAt, endsAt: "2033-04-02T20:00:00.000Z", title: "Gala" });
    await rsvpSettings(t, a, event, { reminders: [60] });
    const guest = async (name: string, body: Record<string, unknown>, ans: "yes" | "maybe" | "no") => {
      const g = await newGuest(t, a, event, { name, ...body });
      expectStatus(await answer(t, event, g.token, { answer: ans }), 200);
      return g;
    };
    const ada = await guest("Ada", { email: "ada.gala@example.com", phone: "+1 415 555 0111" }, "yes");
    await guest("Bo", { phone: "+14155550112" }, "maybe");
    const cy = await guest("Cy", { email: "cy.gala@example.com", phone: "+14155550113" }, "yes");
    const di = await guest("Di", { phone: "+14155550114" }, "no");
    const noPhone = await guest("Ed", { email: "ed.gala@example.com" }, "yes");
    // Ada and Di subscribe a browser through their link (the VAPID key comes through it too: a guest
    // has no other credential); Cy turns reminders off by SMS (her email still comes).
    expect(expectStatus<{ publicKey: string }>(await call(t, "GET", link(event.id, ada.token, "/push-key")), 200).publicKey).toBe(
      vapidPublicKey,
    );
    for (const [g, path] of [
      [ada, "/s/ada"],
      [di, "/s/di"],
      [noPhone, "/s/ed"],
    ] as const) {
      expectStatus<PushSubscriptionInfo>(
        await call(t, "POST", link(event.id, g.token, "/push-subscriptions"), { body: subscription(`${pushService.url}${path}`) }),
        201,
      );
    }
    const prefs = expectStatus<NotificationPreferences>(
      await call(t, "PATCH", link(event.id, cy.token, "/notification-preferences"), {
        body: { changes: [{ kind: "event_reminder", channel: "sms", enabled: false }] },
      }),
      200,
    );
    expect(prefs.data.find((k) => k.kind === "event_reminder")?.channels).toEqual({ inbox: true, email: true, sms: false, push: true });
    // Ed turns push off for reminders: his browser hears nothing, his email still comes.
    expectStatus(
      await call(t, "PATCH", link(event.id, noPhone.token, "/notification-preferences"), {
        body: { changes: [{ kind: "event_reminder", channel: "push", enabled: false }] },
      }),
      200,
    );

    toBeforeStart(startsAt, HOUR + 60_000);
    await settle();
    expect(remindersTo("+14155550111")).toEqual([]);
    toBeforeStart(startsAt, HOUR - 60_000);
    await settle();

    expect(remindersTo("+14155550111")).toHaveLength(1);
    expect(remindersTo("+14155550111")[0]).toBe("Reminder: Gala starts Saturday, April 2, 2033 at 6:00 PM (Europe/Lisbon).");
    expect(remindersTo("+14155550112")).toHaveLength(1);
    expect(remindersTo("+14155550113")).toEqual([]);
    expect(remindersTo("+14155550114")).toEqual([]);
    expect(pushedTo("/s/ada")).toHaveLength(1);
    expect(pushedTo("/s/di")).toEqual([]);
    expect(pushedTo("/s/ed")).toEqual([]);
    const emailReminders = async (to: string) => (await emailsTo(t, to)).filter((m) => m.subject?.startsWith("Reminder:"));
    expect(await emailReminders("cy.gala@example.com")).toHaveLength(1);
    expect(await emailReminders("ed.gala@example.com")).toHaveLength(1);
    // The organizer's delivery log says why Cy's SMS and Ed's push did not go.
    const log = expectStatus<Page<NotificationDelivery>>(
      await call(t, "GET", "/v1/notifications/deliveries?limit=100", { token: a.secretKey }),
      200,
    ).data.filter((d) => d.kind === "event_reminder");
    expect(log.find((d) => d.to === "+14155550113")).toMatchObject({ channel: "sms", status: "suppressed" });
    expect(log.find((d) => d.to === "+14155550111")).toMatchObject({ channel: "sms", status: "sent" });
    expect(
      log
        .filter((d) => d.channel === "push")
        .map((d) => d.status)
        .sort(),
    ).toEqual(["sent", "suppressed"]);
  });

  it("a session the guest picked is cancelled: the browser they subscribed hears it too", async () => {
    // After the first test's clock moved past the fixture's date.
    const event = await newEvent(t, a, { title: "Offsite", startsAt: "2034-05-01T17:00:00.000Z", endsAt: "2034-05-01T20:00:00.000Z" });
    const session = expectStatus<{ id: string }>(
      await call(t, "POST", `/v1/events/${event.id}/sessions`, {
        token: a.secretKey,
        body: { title: "Kayaking", startsAt: event.startsAt, endsAt: new Date(Date.parse(event.startsAt) + HOUR).toISOString() },
      }),
      201,
    );
    const g = await newGuest(t, a, event, { name: "Hal" });
    expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
    expectStatus(await call(t, "POST", link(event.id, g.token, "/sessions"), { body: { sessionId: session.id } }), 200);
    expectStatus(
      await call(t, "POST", link(event.id, g.token, "/push-subscriptions"), { body: subscription(`${pushService.url}/s/hal`) }),
      201,
    );
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${session.id}`, { token: a.secretKey }), 204);
    await settle();
    expect(pushedTo("/s/hal")).toHaveLength(1);
  });

  it("a guest stops pushes on one browser by its endpoint (their link); their other browser and other guests' stay subscribed", async () => {
    const event = await newEvent(t, a, {
      title: "Unsubscribe night",
      startsAt: "2034-06-01T17:00:00.000Z",
      endsAt: "2034-06-01T20:00:00.000Z",
    });
    const session = expectStatus<{ id: string }>(
      await call(t, "POST", `/v1/events/${event.id}/sessions`, {
        token: a.secretKey,
        body: { title: "Karaoke", startsAt: event.startsAt, endsAt: new Date(Date.parse(event.startsAt) + HOUR).toISOString() },
      }),
      201,
    );
    const ivy = await newGuest(t, a, event, { name: "Ivy" });
    const jo = await newGuest(t, a, event, { name: "Jo" });
    for (const [g, paths] of [
      [ivy, ["/s/ivy-phone", "/s/ivy-laptop"]],
      [jo, ["/s/jo"]],
    ] as const) {
      expectStatus(await answer(t, event, g.token, { answer: "yes" }), 200);
      expectStatus(await call(t, "POST", link(event.id, g.token, "/sessions"), { body: { sessionId: session.id } }), 200);
      for (const path of paths) {
        expectStatus(
          await call(t, "POST", link(event.id, g.token, "/push-subscriptions"), { body: subscription(`${pushService.url}${path}`) }),
          201,
        );
      }
    }
    const off = (token: string, path: string) =>
      call(t, "DELETE", link(event.id, token, `/push-subscriptions?endpoint=${encodeURIComponent(`${pushService.url}${path}`)}`));
    expectStatus(await off(ivy.token, "/s/ivy-phone"), 204);
    expectStatus(await off(ivy.token, "/s/ivy-phone"), 204); // again: nothing left to drop, the same answer
    expectStatus(await off(ivy.token, "/s/jo"), 204); // Jo's browser is not Ivy's to drop: left alone
    expectProblem(await call(t, "DELETE", link(event.id, ivy.token, "/push-subscriptions?endpoint=nope")), 400, "validation_failed");
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${session.id}`, { token: a.secretKey }), 204);
    await settle();
    expect(pushedTo("/s/ivy-phone")).toEqual([]);
    expect(pushedTo("/s/ivy-laptop")).toHaveLength(1);
    expect(pushedTo("/s/jo")).toHaveLength(1);
  });

  it("a guest's link sets only that guest's preferences; a forged or another event's token is 404, a push endpoint not on a push service 422", async () => {
    const event = await newEvent(t, a);
    const elsewhere = await newEvent(t, other);
    const g = await newGuest(t, a, event, { name: "Fi" });
    const h = await newGuest(t, a, event, { name: "Gus" });
    expectStatus(
      await call(t, "PATCH", link(event.id, g.token, "/notification-preferences"), {
        body: { changes: [{ kind: "event_reminder", channel: "email", enabled: false }] },
      }),
      200,
    );
    const theirs = expectStatus<NotificationPreferences>(await call(t, "GET", link(event.id, h.token, "/notification-preferences")), 200);
    expect(theirs.data.find((k) => k.kind === "event_reminder")?.channels.email).toBe(true);
    expectProblem(await call(t, "GET", link(elsewhere.id, g.token, "/notification-preferences")), 404, "guest_link_invalid");
    const forged = `${g.token.slice(0, -1)}${g.token.endsWith("0") ? "1" : "0"}`;
    expectProblem(await call(t, "GET", link(event.id, forged, "/notification-preferences")), 404, "guest_link_invalid");
    expectProblem(await call(t, "GET", link(event.id, forged, "/push-key")), 404, "guest_link_invalid");
    expectProblem(await call(t, "GET", link(elsewhere.id, g.token, "/push-key")), 404, "guest_link_invalid");
    expectProblem(
      await call(t, "POST", link(event.id, g.token, "/push-subscriptions"), { body: subscription("https://push.attacker.example/s/1") }),
      422,
      "push_endpoint_not_allowed",
    );
    expectProblem(
      await call(t, "PATCH", link(event.id, g.token, "/notification-preferences"), {
        body: { changes: [{ kind: "event_reminder", channel: "fax", enabled: false }] },
      }),
      400,
      "validation_failed",
    );
  });
});
