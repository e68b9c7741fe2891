import type { LocalMessage, Page } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { deliverOutbox, enqueue, sms } from "../../lib/outbox.js";
import { templatedEmail } from "./unsubscribe.service.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

describe("the local outbox over the API (the dashboard's outbox viewer)", () => {
  it("lists an organization's recorded messages newest first and opens one; another organization's is 404; participants get 403", async () => {
    const mail = await templatedEmail(t.deps, {
      orgId: a.org.id,
      to: "ada@example.com",
      kind: "plan_invite",
      data: { planTitle: "Lisbon", link: "https://host.example/j/1" },
    });
    await enqueue(t.deps.db, mail, { orgId: a.org.id, now: t.deps.now() });
    await enqueue(t.deps.db, sms({ to: "+14155550199", text: "Lot A: see you", template: "place_booking_confirmed", data: {} }), {
      orgId: b.org.id,
      now: t.deps.now(),
    });
    await deliverOutbox(t.deps);

    const mine = expectStatus<Page<LocalMessage>>(await call(t, "GET", "/v1/notifications/outbox", { token: a.secretKey }), 200).data;
    const email = mine.find((m) => m.to === "ada@example.com");
    expect(email).toMatchObject({ channel: "email", subject: "You're invited to join a plan" });
    expect(email?.html).toContain('<a href="https://host.example/j/1">Join the plan</a>');
    expect(email?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mine.some((m) => m.to === "+14155550199")).toBe(false);

    const one = expectStatus<LocalMessage>(await call(t, "GET", `/v1/notifications/outbox/${email!.id}`, { token: a.ownerToken }), 200);
    expect(one).toEqual(email);
    expectProblem(await call(t, "GET", `/v1/notifications/outbox/${email!.id}`, { token: b.secretKey }), 404, "not_found");
    expectProblem(await call(t, "GET", "/v1/notifications/outbox", { token: a.participantToken }), 403, "permission_denied");
  });
});
