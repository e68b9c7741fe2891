import { createECDH } from "node:crypto";
import type { NotificationDelivery, Page, PushSubscriptionInfo } from "@gatherkit/core";
import { localMessages } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { startStandIn } from "../../../test/provider-standins.js";
import { deliverOutbox, enqueue, sms } from "../../lib/outbox.js";
import { type Notification, notificationWrites } from "./notify.js";
import { b64url, generateVapidKeys } from "./webpush.js";

/**
 * Preferences apply to every row the outbox sends, not only to a notification's fan-out: SMS a
 * domain writes itself (booking texts), push and email rows of `notificationWrites`, and its
 * inbox item.
 */
let t: TestApp;
let a: TestOrg;
let pushService: Awaited<ReturnType<typeof startStandIn>>;
beforeAll(async () => {
  pushService = await startStandIn(() => ({ status: 201, headers: { location: "/m/1" } }));
  const keys = await generateVapidKeys("mailto:ops@example.test");
  t = await createTestApp({
    env: { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, PUSH_SERVICE_ORIGINS: pushService.url },
  });
  a = await newOrg(t);
});
afterAll(async () => {
  t.close();
  await pushService.close();
});

const turnOff = async (token: string, kind: string, channel: string) =>
  expectStatus(
    await call(t, "PATCH", "/v1/notifications/preferences", { token, body: { changes: [{ kind, channel, enabled: false }] } }),
    200,
  );
const log = async () =>
  expectStatus<Page<NotificationDelivery>>(await call(t, "GET", "/v1/notifications/deliveries?limit=100", { token: a.secretKey }), 200)
    .data;
const textsTo = (to: string) =>
  t.deps.db
    .select()
    .from(localMessages)
    .where(and(eq(localMessages.to, to), eq(localMessages.channel, "sms")));
async function notify(recipientId: string, n: Partial<Notification>) {
  const writes = await notificationWrites(
    t.deps.db,
    { orgId: a.org.id, recipientId, kind: "plan_finalized", title: "Lisbon is on", body: "The plan was finalized.", ...n },
    t.deps.now(),
  );
  if (writes.length) {
    const [first, ...rest] = writes;
    await t.deps.db.batch([first!, ...rest]);
  }
}
const person = async (name: string) => {
  const p = await createParticipantToken(t, a.secretKey, { name });
  return { id: p.participant.id, token: p.token };
};

describe("preferences on rows other domains write", () => {
  it("an SMS naming its recipient is suppressed (and logged) when they turned its kind off by SMS; others and other kinds still go", async () => {
    const ada = await person("Ada");
    const bob = await person("Bob");
    await turnOff(ada.token, "place_booking_ends_soon", "sms");
    const text = (to: string, recipient: string, kind = "place_booking_ends_soon") =>
      enqueue(t.deps.db, sms({ to, text: `Lot A: ${kind}`, template: kind, data: { recipient } }), { orgId: a.org.id, now: t.deps.now() });
    await text("+14155550181", ada.id);
    await text("+14155550182", bob.id);
    await text("+14155550181", ada.id, "place_booking_confirmed");
    await deliverOutbox(t.deps);

    expect((await textsTo("+14155550181")).map((m) => m.text)).toEqual(["Lot A: place_booking_confirmed"]);
    expect(await textsTo("+14155550182")).toHaveLength(1);
    const entry = (await log()).find((d) => d.to === "+14155550181" && d.kind === "place_booking_ends_soon");
    expect(entry).toMatchObject({ channel: "sms", status: "suppressed", error: "the recipient turned off place_booking_ends_soon by sms" });
  });

  it("a receipt cannot be turned off: 422 notification_kind_transactional, nothing stored, and its preferences say why", async () => {
    const ada = await person("Ada");
    const r = await call(t, "PATCH", "/v1/notifications/preferences", {
      token: ada.token,
      body: { changes: [{ kind: "place_booking_confirmed", channel: "sms", enabled: false }] },
    });
    expectProblem(r, 422, "notification_kind_transactional");
    const prefs = expectStatus<{ data: { kind: string; channels: { sms: boolean }; transactional: string | null }[] }>(
      await call(t, "GET", "/v1/notifications/preferences", { token: ada.token }),
      200,
    );
    expect(prefs.data.find((k) => k.kind === "place_booking_confirmed")).toMatchObject({
      channels: { sms: true },
      transactional: "it confirms a booking you made",
    });
    expect(prefs.data.find((k) => k.kind === "place_booking_ends_soon")?.transactional).toBeNull();
  });

  it("push and email rows of notificationWrites are suppressed per person and kind, and its inbox item is not written", async () => {
    const ada = await person("Ada");
    const bob = await person("Bob");
    const keys = () => {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      return { p256dh: b64url.encode(ecdh.getPublicKey()), auth: b64url.encode(new Uint8Array(16).fill(7)) };
    };
    for (const [who, path] of [
      [ada, "/s/ada"],
      [bob, "/s/bob"],
    ] as const) {
      expectStatus<PushSubscriptionInfo>(
        await call(t, "POST", "/v1/push/subscriptions", {
          token: who.token,
          body: { endpoint: `${pushService.url}${path}`, keys: keys() },
        }),
        201,
      );
    }
    await turnOff(ada.token, "plan_finalized", "push");
    await turnOff(ada.token, "plan_finalized", "email");
    await turnOff(ada.token, "plan_cancelled", "inbox");
    const before = pushService.received.length;
    await notify(ada.id, { push: true, email: { to: "ada@example.test", subject: "Lisbon is on", text: "On." } });
    await notify(bob.id, { push: true, email: { to: "bob@example.test", subject: "Lisbon is on", text: "On." } });
    await notify(ada.id, { kind: "plan_cancelled", title: "Lisbon was cancelled", body: "Cancelled." });
    await notify(bob.id, { kind: "plan_cancelled", title: "Lisbon was cancelled", body: "Cancelled." });
    await deliverOutbox(t.deps);

    expect(pushService.received.slice(before).map((r) => r.path)).toEqual(["/s/bob"]);
    const entries = await log();
    const pushes = entries.filter((d) => d.channel === "push" && d.kind === "plan_finalized");
    expect(pushes.map((d) => d.status).sort()).toEqual(["sent", "suppressed"]);
    expect(entries.find((d) => d.to === "ada@example.test")).toMatchObject({ status: "suppressed" });
    expect(entries.find((d) => d.to === "bob@example.test")).toMatchObject({ status: "sent" });
    const kinds = async (token: string) =>
      expectStatus<{ data: { kind: string }[] }>(await call(t, "GET", "/v1/inbox", { token }), 200).data.map((i) => i.kind);
    expect(await kinds(ada.token)).toEqual(["plan_finalized"]);
    expect(await kinds(bob.token)).toEqual(["plan_cancelled", "plan_finalized"]);
  });
});
