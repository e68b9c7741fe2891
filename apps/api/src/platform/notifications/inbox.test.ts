import { createECDH } from "node:crypto";
import type { InboxItem, Page, PushSubscriptionInfo } from "@gatherkit/core";
import { inboxItems, outbox, pushSubscriptions } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectPublished, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { deliverSoon } from "../../lib/outbox.js";
import { type Notification, notificationWrites } from "./notify.js";
import { b64url, generateVapidKeys } from "./webpush.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  const keys = await generateVapidKeys("mailto:ops@example.test");
  t = await createTestApp({
    env: { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, PUSH_SERVICE_ORIGINS: "https://push.example.test" },
  });
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
});
afterAll(() => t.close());

async function notify(org: TestOrg, recipientId: string, n: Partial<Notification> = {}) {
  const writes = await notificationWrites(
    t.deps.db,
    { orgId: org.org.id, recipientId, kind: "plan_finalized", title: "Lisbon is on", body: "The plan was finalized.", ...n },
    t.deps.now(),
  );
  const [first, ...rest] = writes;
  await t.deps.db.batch([first!, ...rest]);
  deliverSoon(t.deps);
}
const inbox = (token: string, query = "") => call(t, "GET", `/v1/inbox${query}`, { token });
const unread = async (token: string) => expectStatus<{ unread: number }>(await call(t, "GET", "/v1/inbox/unread", { token }), 200).unread;

describe("inbox", () => {
  it("lists a participant's own items newest first with the unread count; marks one, then all, read; live through the person's room", async () => {
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    const other = await createParticipantToken(t, a.secretKey, { name: "Grace" });
    await notify(a, me.participant.id, { title: "first" });
    await notify(a, me.participant.id, { title: "second", link: "https://host.example/p", subjectId: "plan_0123456789abcdefghjk" });
    await notify(a, other.participant.id, { title: "not mine" });
    await expectPublished(t, `person:${me.participant.id}`, { type: "inbox.changed", data: { id: me.participant.id } });

    const page = expectStatus<Page<InboxItem>>(await inbox(me.token), 200);
    expect(page.data.map((i) => i.title)).toEqual(["second", "first"]);
    expect(page.data[0]).toMatchObject({
      link: "https://host.example/p",
      subjectId: "plan_0123456789abcdefghjk",
      readAt: null,
      kind: "plan_finalized",
    });
    expect(await unread(me.token)).toBe(2);
    expect(expectStatus<{ recipientId: string }>(await call(t, "GET", "/v1/inbox/unread", { token: me.token }), 200).recipientId).toBe(
      me.participant.id,
    );

    const publishedBefore = t.published.length;
    const read = expectStatus<InboxItem>(await call(t, "POST", `/v1/inbox/${page.data[1]!.id}/read`, { token: me.token }), 200);
    expect(read.readAt).not.toBeNull();
    expect(await unread(me.token)).toBe(1);
    await expectPublished(t, `person:${me.participant.id}`, { type: "inbox.changed", data: { id: me.participant.id } });
    expect(t.published.length).toBeGreaterThan(publishedBefore);
    // Reading it again changes nothing and tells nobody.
    const again = expectStatus<InboxItem>(await call(t, "POST", `/v1/inbox/${page.data[1]!.id}/read`, { token: me.token }), 200);
    expect(again.readAt).toBe(read.readAt);
    expect(expectStatus<Page<InboxItem>>(await inbox(me.token, "?unread=true"), 200).data.map((i) => i.title)).toEqual(["second"]);

    expect(expectStatus<{ marked: number }>(await call(t, "POST", "/v1/inbox/read-all", { token: me.token }), 200).marked).toBe(1);
    expect(await unread(me.token)).toBe(0);
    // The other participant's item is untouched.
    expect(await unread(other.token)).toBe(1);
  });

  it("an organizer has an inbox too", async () => {
    await notify(a, a.user.id, { title: "for the owner" });
    const page = expectStatus<Page<InboxItem>>(await inbox(a.ownerToken), 200);
    expect(page.data.map((i) => i.title)).toEqual(["for the owner"]);
  });

  it("another person's or organization's item is 404; keys have no inbox (403)", async () => {
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    const other = await createParticipantToken(t, a.secretKey, { name: "Grace" });
    const stranger = await createParticipantToken(t, b.secretKey, { name: "Eve" });
    await notify(a, other.participant.id);
    const [item] = await t.deps.db.select().from(inboxItems).where(eq(inboxItems.recipientId, other.participant.id));
    expectProblem(await call(t, "POST", `/v1/inbox/${item!.id}/read`, { token: me.token }), 404, "not_found");
    expectProblem(await call(t, "POST", `/v1/inbox/${item!.id}/read`, { token: stranger.token }), 404, "not_found");
    const [after] = await t.deps.db.select().from(inboxItems).where(eq(inboxItems.id, item!.id));
    expect(after!.readAt).toBeNull();
    expectProblem(await inbox(a.secretKey), 403, "permission_denied");
    expectProblem(await call(t, "POST", "/v1/inbox/read-all", { token: a.secretKey }), 403, "permission_denied");
    expectProblem(await inbox(""), 401, "authentication_required");
    expectProblem(await call(t, "POST", "/v1/inbox/ntf_bad!/read", { token: me.token }), 400, "validation_failed");
  });

  it("only the person may join their room", async () => {
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    const other = await createParticipantToken(t, a.secretKey, { name: "Grace" });
    const ask = (token: string, room: string) => call(t, "POST", "/v1/realtime/tokens", { token, body: { room } });
    expectStatus(await ask(me.token, `person:${me.participant.id}`), 201);
    expectStatus(await ask(a.ownerToken, `person:${a.user.id}`), 201);
    expectProblem(await ask(other.token, `person:${me.participant.id}`), 404, "not_found");
    expectProblem(await ask(a.ownerToken, `person:${me.participant.id}`), 404, "not_found");
    expectProblem(await ask(a.secretKey, `person:${me.participant.id}`), 404, "not_found");
  });
});

describe("push subscriptions", () => {
  const keysOf = () => {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    return { p256dh: b64url.encode(ecdh.getPublicKey()), auth: b64url.encode(crypto.getRandomValues(new Uint8Array(16))) };
  };
  it("serves the VAPID public key; saves, pushes to and deletes a participant's subscription", async () => {
    const key = expectStatus<{ publicKey: string }>(await call(t, "GET", "/v1/push/key", { token: a.participantToken }), 200);
    expect(b64url.decode(key.publicKey)).toHaveLength(65);
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    const sub = expectStatus<PushSubscriptionInfo>(
      await call(t, "POST", "/v1/push/subscriptions", {
        token: me.token,
        body: { endpoint: "https://push.example.test/s/1", keys: keysOf() },
      }),
      201,
    );
    await notify(a, me.participant.id, { push: true, title: "pushed" });
    const pushes = (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "push"))).map(
      (r) => r.payload as { subscriptionId: string; title: string },
    );
    expect(pushes).toContainEqual(expect.objectContaining({ subscriptionId: sub.id, title: "pushed" }));
    expectProblem(await call(t, "DELETE", `/v1/push/subscriptions/${sub.id}`, { token: a.participantToken }), 404, "not_found");
    expect((await call(t, "DELETE", `/v1/push/subscriptions/${sub.id}`, { token: me.token })).status).toBe(204);
    expect(await t.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id))).toEqual([]);
  });

  it("refuses bad keys and endpoints off the known push services, storing nothing", async () => {
    const before = (await t.deps.db.select().from(pushSubscriptions)).length;
    const post = (body: unknown) => call(t, "POST", "/v1/push/subscriptions", { token: a.participantToken, body });
    const good = keysOf();
    expectProblem(
      await post({ endpoint: "https://push.example.test/s/2", keys: { ...good, p256dh: good.p256dh.slice(2) } }),
      400,
      "validation_failed",
    );
    expectProblem(await post({ endpoint: "https://push.example.test/s/2", keys: { ...good, auth: "short" } }), 400, "validation_failed");
    expectProblem(await post({ endpoint: "not a url", keys: good }), 400, "validation_failed");
    expectProblem(await post({ endpoint: "http://169.254.169.254/latest/meta-data", keys: good }), 422, "push_endpoint_not_allowed");
    expectProblem(await post({ endpoint: "https://push.example.test.evil.example/s", keys: good }), 422, "push_endpoint_not_allowed");
    expectProblem(
      await call(t, "POST", "/v1/push/subscriptions", {
        token: a.secretKey,
        body: { endpoint: "https://push.example.test/s/3", keys: good },
      }),
      403,
      "permission_denied",
    );
    expect((await t.deps.db.select().from(pushSubscriptions)).length).toBe(before);
  });

  it("answers push_not_configured without VAPID keys", async () => {
    const bare = await createTestApp({ env: { VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: "" } });
    try {
      const org = await newOrg(bare);
      expectProblem(await call(bare, "GET", "/v1/push/key", { token: org.participantToken }), 404, "push_not_configured");
    } finally {
      bare.close();
    }
  });
});
