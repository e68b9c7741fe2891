import { type NotificationDelivery, newId, type Page, type SentNotification } from "@gatherkit/core";
import { outbox, pushSubscriptions } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, type TestOrg } from "../../../test/fixtures.js";
import { call, type TestApp } from "../../../test/harness.js";
import { finalizePlan, type NotifyingApp, notifyingApp, planWithPeople } from "../../../test/notify-fixtures.js";
import { email, enqueue, notify, push } from "../../lib/outbox.js";

let app: NotifyingApp;
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  app = await notifyingApp();
  ({ t, a, b } = app);
});
afterAll(() => t.close());

const log = async (token: string, query = "") =>
  expectStatus<Page<NotificationDelivery>>(await call(t, "GET", `/v1/notifications/deliveries${query}`, { token }), 200).data;

describe("delivery log", () => {
  it("shows staff each message per channel with its status, provider id and error; its own organization only", async () => {
    const { plan, ada } = await planWithPeople(t, a);
    await finalizePlan(t, a, plan);
    // A reminder for a deadline the plan does not have: suppressed when due, with the reason.
    await enqueue(t.deps.db, notify({ kind: "plan_voting_closes", subjectId: plan.id, data: { deadline: 1 } }), {
      orgId: a.org.id,
      now: t.deps.now(),
    });
    await app.settle();

    const entries = await log(a.secretKey);
    const email = entries.find((e) => e.channel === "email");
    expect(email).toMatchObject({ to: ada.email, kind: "plan_finalized", status: "sent", provider: "local", attempts: 1, error: null });
    expect(email!.providerMessageId).toMatch(/^lm_/);
    expect(entries.find((e) => e.channel === "inbox" && e.kind === "plan_finalized")).toMatchObject({
      status: "sent",
      to: "2 recipient(s)",
    });
    expect(entries.find((e) => e.kind === "plan_voting_closes")).toMatchObject({
      status: "suppressed",
      error: expect.stringContaining("no longer applies"),
    });
    expect((await log(a.ownerToken, "?status=suppressed")).map((e) => e.kind)).toEqual(["plan_voting_closes"]);
    expect((await log(a.secretKey, "?channel=email")).map((e) => e.channel)).toEqual(["email"]);

    expect(await log(b.secretKey)).toEqual([]);
    expectProblem(await call(t, "GET", "/v1/notifications/deliveries", { token: ada.token }), 403, "permission_denied");
    expectProblem(await call(t, "GET", "/v1/notifications/deliveries?status=lost", { token: a.secretKey }), 400, "validation_failed");
  });

  it("links every delivery to the notification that caused it, both ways; another organization's notification is 404", async () => {
    const { plan, ada } = await planWithPeople(t, a);
    await finalizePlan(t, a, plan);
    await app.settle();
    const [row] = await t.deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.kind, "notify"), sql`json_extract(${outbox.payload}, '$.subjectId') = ${plan.id}`));
    const toAda = (await log(a.secretKey, "?channel=email")).find((e) => e.to === ada.email);
    expect(toAda).toMatchObject({ kind: "plan_finalized", status: "sent", notificationId: row!.id });

    const sent = expectStatus<SentNotification>(await call(t, "GET", `/v1/notifications/log/${row!.id}`, { token: a.ownerToken }), 200);
    expect(sent).toMatchObject({ id: row!.id, kind: "plan_finalized" });
    expect(sent.deliveries.map((d) => [d.channel, d.status])).toEqual([
      ["inbox", "sent"],
      ["email", "sent"],
    ]);
    expect(sent.deliveries[1]).toEqual(toAda);
    expect((await log(a.secretKey, `?notification=${row!.id}`)).map((d) => d.id).sort()).toEqual(sent.deliveries.map((d) => d.id).sort());

    expectProblem(await call(t, "GET", `/v1/notifications/log/${row!.id}`, { token: b.secretKey }), 404, "notification_not_found");
    expectProblem(await call(t, "GET", `/v1/notifications/log/${row!.id}`, { token: ada.token }), 403, "permission_denied");
    expect(await log(b.secretKey, `?notification=${row!.id}`)).toEqual([]);
  });

  it("shows a message as queued from the moment it is written until it is first attempted", async () => {
    const { plan } = await planWithPeople(t, a);
    await app.settle();
    // Written straight to the outbox: nothing delivers them until the test settles.
    const now = t.deps.now();
    const to = `queued.${newId("outbox").slice(4, 12)}@example.com`;
    await enqueue(t.deps.db, email({ to, subject: "Hi", text: "Hello", template: "plan_invite", data: {} }), { orgId: a.org.id, now });
    const reminder = notify({ kind: "plan_voting_closes", subjectId: plan.id, data: { deadline: 1 } });
    await enqueue(t.deps.db, reminder, { orgId: a.org.id, now, dueAt: now + 3_600_000 });
    // A browser's subscription: the log names the push service's host only, never the endpoint's secret path.
    const subscriptionId = newId("pushSubscription");
    await t.deps.db.insert(pushSubscriptions).values({
      id: subscriptionId,
      orgId: a.org.id,
      recipientId: a.participant.id,
      endpoint: "https://fcm.googleapis.com/fcm/send/secret-token-123",
      p256dh: "x",
      auth: "y",
      createdAt: now,
    });
    await enqueue(t.deps.db, push({ subscriptionId, title: "Hi", body: "", template: "plan_finalized" }), {
      orgId: a.org.id,
      now,
      dueAt: now + 3_600_000,
    });

    const queued = await log(a.secretKey, "?status=queued");
    const mail = queued.find((e) => e.to === to);
    expect(mail).toMatchObject({ channel: "email", status: "queued", attempts: 0, provider: "none", providerMessageId: null });
    expect(mail!.notificationId).toMatch(/^obx_/);
    expect(queued.find((e) => e.kind === "plan_voting_closes")).toMatchObject({ channel: "inbox", status: "queued", to: plan.id });
    expect(queued.find((e) => e.channel === "push")).toMatchObject({ to: "fcm.googleapis.com", status: "queued" });

    await app.settle();
    const after = await log(a.secretKey);
    expect(after.find((e) => e.id === mail!.id)).toMatchObject({
      status: "sent",
      attempts: 1,
      provider: "local",
      notificationId: mail!.notificationId,
    });
    // The reminder and the push are due in an hour: still queued.
    expect((await log(a.secretKey, "?status=queued")).map((e) => e.channel).sort()).toEqual(["inbox", "push"]);
    await t.deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, subscriptionId));
    app.advance(3_600_001);
    await app.settle();
    expect(await log(a.secretKey, "?status=queued")).toEqual([]);
    expect((await log(a.secretKey)).find((e) => e.channel === "push")).toMatchObject({
      status: "suppressed",
      error: "the browser unsubscribed before it was sent",
    });
  });
});
