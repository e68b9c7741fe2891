import { NOTIFICATION_KINDS, type NotificationPreferences } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, type TestOrg } from "../../../test/fixtures.js";
import { call, type TestApp } from "../../../test/harness.js";
import { emailsTo, finalizePlan, inboxOf, type NotifyingApp, notifyingApp, planWithPeople } from "../../../test/notify-fixtures.js";
import { DOMAIN_RENDERED_KINDS, TEMPLATES, transactionalReason } from "./templates.js";
import { unsubscribeUrl } from "./unsubscribe.service.js";

let app: NotifyingApp;
let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  app = await notifyingApp();
  ({ t, a } = app);
});
afterAll(() => t.close());

const prefs = async (token: string) =>
  expectStatus<NotificationPreferences>(await call(t, "GET", "/v1/notifications/preferences", { token }), 200);
const change = (token: string, changes: unknown) => call(t, "PATCH", "/v1/notifications/preferences", { token, body: { changes } });
const channelsOf = (p: NotificationPreferences, kind: string) => p.data.find((k) => k.kind === kind)?.channels;

describe("notification preferences", () => {
  it("lists every kind with every channel on until the person turns one off; on again undoes it", async () => {
    expect([...Object.keys(TEMPLATES), ...Object.keys(DOMAIN_RENDERED_KINDS)].sort()).toEqual([...NOTIFICATION_KINDS].sort());
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    const start = await prefs(me.token);
    expect(start.data.map((k) => k.kind)).toEqual([...NOTIFICATION_KINDS]);
    for (const k of start.data)
      expect(k).toMatchObject({
        channels: { inbox: true, email: true, sms: true, push: true },
        transactional: transactionalReason(k.kind) || null,
      });

    const off = expectStatus<NotificationPreferences>(
      await change(me.token, [
        { kind: "plan_finalized", channel: "email", enabled: false },
        { kind: "plan_voting_closes", channel: "push", enabled: false },
      ]),
      200,
    );
    expect(channelsOf(off, "plan_finalized")).toEqual({ inbox: true, email: false, sms: true, push: true });
    expect(channelsOf(off, "plan_voting_closes")).toEqual({ inbox: true, email: true, sms: true, push: false });
    // Again changes nothing; someone else's are their own.
    expectStatus(await change(me.token, [{ kind: "plan_finalized", channel: "email", enabled: false }]), 200);
    const other = await createParticipantToken(t, a.secretKey, { name: "Grace" });
    expect(channelsOf(await prefs(other.token), "plan_finalized")?.email).toBe(true);

    const on = expectStatus<NotificationPreferences>(
      await change(me.token, [{ kind: "plan_finalized", channel: "email", enabled: true }]),
      200,
    );
    expect(channelsOf(on, "plan_finalized")?.email).toBe(true);
    expect(channelsOf(on, "plan_voting_closes")?.push).toBe(false);
  });

  it("are honoured when a notification is sent: a channel turned off is skipped for that kind only", async () => {
    const { plan, ada, bob } = await planWithPeople(t, a);
    expectStatus(await change(ada.token, [{ kind: "plan_finalized", channel: "email", enabled: false }]), 200);
    expectStatus(await change(bob.token, [{ kind: "plan_finalized", channel: "inbox", enabled: false }]), 200);
    await finalizePlan(t, a, plan);
    await app.settle();
    expect((await inboxOf(t, ada.token)).map((i) => i.kind)).toEqual(["plan_finalized"]);
    expect(await emailsTo(t, ada.email)).toEqual([]);
    // The organizer's delivery log says why it did not go out.
    const log = expectStatus<{ data: { to: string; status: string; error: string | null }[] }>(
      await call(t, "GET", "/v1/notifications/deliveries?channel=email", { token: a.secretKey }),
      200,
    ).data;
    expect(log.find((d) => d.to === ada.email)).toMatchObject({
      status: "suppressed",
      error: "the recipient turned off plan_finalized by email",
    });
    expect(await inboxOf(t, bob.token)).toEqual([]);

    // Another kind still reaches them everywhere.
    const second = await planWithPeople(t, a);
    expectStatus(await change(second.ada.token, [{ kind: "plan_finalized", channel: "email", enabled: false }]), 200);
    expectStatus(await call(t, "POST", `/v1/plans/${second.plan.id}/cancel`, { token: a.secretKey }), 200);
    await app.settle();
    expect(await emailsTo(t, second.ada.email)).toHaveLength(1);
  });

  it("an email's one-click unsubscribe turns off the same preference, and turning it on again brings the emails back", async () => {
    const { plan, ada } = await planWithPeople(t, a);
    const link = await unsubscribeUrl(t.deps, { orgId: a.org.id, recipient: ada.participantId, kind: "plan_cancelled" });
    const res = await call(t, "POST", new URL(link).pathname, {
      raw: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(channelsOf(await prefs(ada.token), "plan_cancelled")).toEqual({ inbox: true, email: false, sms: true, push: true });
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: a.secretKey }), 200);
    await app.settle();
    expect(await emailsTo(t, ada.email)).toEqual([]);
    expect((await inboxOf(t, ada.token)).map((i) => i.kind)).toEqual(["plan_cancelled"]);

    expectStatus(await change(ada.token, [{ kind: "plan_cancelled", channel: "email", enabled: true }]), 200);
    const again = await planWithPeople(t, a);
    const body = { participantId: ada.participantId };
    expectStatus(await call(t, "POST", `/v1/plans/${again.plan.id}/participants`, { token: a.secretKey, body }), 201);
    expectStatus(await call(t, "POST", `/v1/plans/${again.plan.id}/cancel`, { token: a.secretKey }), 200);
    await app.settle();
    expect((await emailsTo(t, ada.email)).map((m) => m.subject)).toEqual([`${again.plan.title} was cancelled`]);
  });

  it("bad input is a 400 problem, keys have no preferences (403)", async () => {
    const me = await createParticipantToken(t, a.secretKey, { name: "Ada" });
    expectProblem(await change(me.token, [{ kind: "plan_exploded", channel: "email", enabled: false }]), 400, "validation_failed");
    expectProblem(await change(me.token, [{ kind: "plan_finalized", channel: "pigeon", enabled: false }]), 400, "validation_failed");
    expectProblem(await change(me.token, [{ kind: "plan_finalized", channel: "email", enabled: "no" }]), 400, "validation_failed");
    expectProblem(await change(me.token, []), 400, "validation_failed");
    expectProblem(await call(t, "GET", "/v1/notifications/preferences", { token: a.secretKey }), 403, "permission_denied");
    expectProblem(await call(t, "GET", "/v1/notifications/preferences"), 401, "authentication_required");
  });
});
