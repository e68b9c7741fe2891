import type { Plan } from "@gatherkit/core";
import { notificationDeliveries, outbox } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatus, type TestOrg } from "../../../test/fixtures.js";
import { call, type TestApp } from "../../../test/harness.js";
import { emailsTo, finalizePlan, inboxOf, type NotifyingApp, notifyingApp, planWithPeople } from "../../../test/notify-fixtures.js";
import { joinPlan, newPlan } from "../../../test/plan-fixtures.js";
import { enqueue, notify } from "../../lib/outbox.js";
import { VOTING_REMINDER_BEFORE_MS } from "./notify.js";

/**
 * Plans notify their participants end to end: the API change writes a `notify` row in its batch,
 * the outbox fans it out when due (inbox, email through the local provider), and a reminder is
 * checked again when it is due.
 */
let t: TestApp;
let a: TestOrg;
let app: NotifyingApp;
const HOUR = 60 * 60_000;

beforeAll(async () => {
  app = await notifyingApp();
  ({ t, a } = app);
});
afterAll(() => t.close());

const settle = () => app.settle();
const inbox = (token: string) => inboxOf(t, token);
const planWith = (body: Record<string, unknown>) => planWithPeople(t, a, body);
const finalize = (plan: Plan, token?: string) => finalizePlan(t, a, plan, token);
const address = (name: string) => `${name}.${Math.random().toString(36).slice(2)}@example.com`;

describe("plans notify their participants", () => {
  it("'finalized': an inbox item for every participant and an email to those with an address, with one-click unsubscribe; not to whoever finalized", async () => {
    const { plan, ada, bob } = await planWith({ title: "Lisbon <b>weekend</b>" });
    const org = await joinPlan(t, a, plan, "Orla");
    await call(t, "PATCH", `/v1/plans/${plan.id}/participants/${org.participantId}`, { token: a.secretKey, body: { role: "organizer" } });
    await finalize(plan, org.token);
    await settle();
    for (const who of [ada, bob]) {
      const items = await inbox(who.token);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ kind: "plan_finalized", title: "Lisbon <b>weekend</b> is on", subjectId: plan.id, readAt: null });
    }
    expect(await inbox(org.token)).toEqual([]);
    const [mail, ...more] = await emailsTo(t, ada.email);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ subject: "Lisbon <b>weekend</b> is on" });
    expect(mail!.html).toContain("Lisbon &lt;b&gt;weekend&lt;/b&gt;");
    expect(mail!.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/api\.test\/v1\/unsubscribe\/[^>]+>$/);
    expect(mail!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("'cancelled' likewise; a plan whose organizers did not choose to notify sends nothing", async () => {
    const { plan, ada, bob } = await planWith({});
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: a.secretKey }), 200);
    const quiet = await newPlan(t, a, {});
    expect(quiet.notifyParticipants).toBe(false);
    const carl = await joinPlan(t, a, quiet, "Carl", address("carl"));
    await finalize(quiet);
    await settle();
    expect((await inbox(ada.token)).map((i) => i.title)).toEqual([`${plan.title} was cancelled`]);
    expect((await inbox(bob.token)).map((i) => i.kind)).toEqual(["plan_cancelled"]);
    expect(await emailsTo(t, ada.email)).toHaveLength(1);
    expect(await inbox(carl.token)).toEqual([]);
  });

  it("'voting closes soon' goes out an hour before the deadline, once, to the participants of that time", async () => {
    const deadline = t.deps.now() + 3 * HOUR;
    const { plan, ada, bob } = await planWith({ votingDeadline: new Date(deadline).toISOString() });
    await settle();
    expect(await inbox(ada.token)).toEqual([]);
    app.advance(2 * HOUR - 60_000); // a minute before the reminder is due
    await settle();
    expect(await inbox(ada.token)).toEqual([]);
    const late = await joinPlan(t, a, plan, "Late");
    app.advance(2 * 60_000);
    await settle();
    await settle();
    for (const who of [ada, bob, late]) {
      expect((await inbox(who.token)).map((i) => [i.kind, i.title])).toEqual([
        ["plan_voting_closes", `Voting on ${plan.title} closes soon`],
      ]);
    }
    expect((await emailsTo(t, ada.email))[0]!.text).toContain(new Date(deadline).toISOString());
  });

  it("a reminder is not sent once the plan is finalized or cancelled, and moves with the deadline", async () => {
    const at = (h: number) => new Date(t.deps.now() + h * HOUR).toISOString();
    const finalized = await planWith({ votingDeadline: at(3) });
    const cancelled = await planWith({ votingDeadline: at(3) });
    const moved = await planWith({ votingDeadline: at(3) });
    const turnedOff = await planWith({ votingDeadline: at(3) });
    await finalize(finalized.plan);
    expectStatus(await call(t, "POST", `/v1/plans/${cancelled.plan.id}/cancel`, { token: a.secretKey }), 200);
    expectStatus(await call(t, "PATCH", `/v1/plans/${moved.plan.id}`, { token: a.secretKey, body: { votingDeadline: at(6) } }), 200);
    expectStatus(
      await call(t, "PATCH", `/v1/plans/${turnedOff.plan.id}`, { token: a.secretKey, body: { notifyParticipants: false } }),
      200,
    );
    app.advance(2 * HOUR + 60_000);
    await settle();
    expect((await inbox(finalized.ada.token)).map((i) => i.kind)).toEqual(["plan_finalized"]);
    expect((await inbox(cancelled.ada.token)).map((i) => i.kind)).toEqual(["plan_cancelled"]);
    expect(await inbox(moved.ada.token)).toEqual([]);
    expect(await inbox(turnedOff.ada.token)).toEqual([]);
    app.advance(3 * HOUR);
    await settle();
    expect((await inbox(moved.ada.token)).map((i) => i.kind)).toEqual(["plan_voting_closes"]);
    expect(await inbox(turnedOff.ada.token)).toEqual([]);
  });

  it("checks a reminder again when it is due: one scheduled for a deadline the plan no longer has is logged as suppressed, not sent", async () => {
    const deadline = t.deps.now() + 3 * HOUR;
    const { plan, ada } = await planWith({ votingDeadline: new Date(deadline).toISOString() });
    // As if the deadline had moved while this reminder was already on its way (so nothing deleted it).
    const stale = notify({ kind: "plan_voting_closes", subjectId: plan.id, data: { deadline: deadline - HOUR } });
    await enqueue(t.deps.db, stale, { orgId: a.org.id, now: t.deps.now() });
    await settle();
    expect(await inbox(ada.token)).toEqual([]);
    const [row] = await t.deps.db.select().from(outbox).where(eq(outbox.payload, stale.payload));
    const [log] = await t.deps.db
      .select()
      .from(notificationDeliveries)
      .where(and(eq(notificationDeliveries.sourceId, row!.id), eq(notificationDeliveries.channel, "inbox")));
    expect(log).toMatchObject({ status: "suppressed", template: "plan_voting_closes" });
    expect(VOTING_REMINDER_BEFORE_MS).toBe(HOUR);
  });

  it("fans out once: a retry after a crash between the fan-out and the outbox's mark writes nothing twice", async () => {
    const { plan, ada } = await planWith({});
    const message = notify({ kind: "plan_finalized", subjectId: plan.id, data: { actor: null } });
    if (message.kind !== "notify") throw new Error("not a notify message");
    const row = { id: "obx_crashtest0000000000", orgId: a.org.id };
    const sender = t.deps.notifications!;
    await sender.notify(t.deps, message.payload, row);
    await sender.notify(t.deps, message.payload, row);
    await Promise.all([sender.notify(t.deps, message.payload, row), sender.notify(t.deps, message.payload, row)]);
    await settle();
    expect(await inbox(ada.token)).toHaveLength(1);
    expect(await emailsTo(t, ada.email)).toHaveLength(1);
  });
});
