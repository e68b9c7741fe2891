import type { NotificationDelivery, Page } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, type TestOrg } from "../../../test/fixtures.js";
import { call, type TestApp } from "../../../test/harness.js";
import { finalizePlan, type NotifyingApp, notifyingApp, planWithPeople } from "../../../test/notify-fixtures.js";
import { enqueue, notify } from "../../lib/outbox.js";

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
});
