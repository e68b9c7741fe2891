import type { EmailSuppression, EmailSuppressionLift, NotificationDelivery, Page } from "@gatherkit/core";
import { emailSuppressionLifts } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createSecretKey, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, type TestApp } from "../../../test/harness.js";
import { type ResendApp, resendApp } from "../../../test/resend-fixtures.js";

let r: ResendApp;
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  r = await resendApp();
  ({ t, a, b } = r);
});
afterAll(() => r.close());

/** Resend tells the API `type` happened to an email. */
async function resendSays(type: string, data: Record<string, unknown>) {
  expect((await r.postEvent({ type, data })).status).toBe(204);
}
const hardBounce = (d: NotificationDelivery) =>
  resendSays("email.bounced", {
    email_id: d.providerMessageId,
    bounce: { type: "Permanent", subType: "General", message: "550 user unknown" },
  });
const complaint = (d: NotificationDelivery) => resendSays("email.complained", { email_id: d.providerMessageId });

const list = async (org: TestOrg, token = org.secretKey) =>
  expectStatus<Page<EmailSuppression>>(await call(t, "GET", "/v1/notifications/suppressions", { token }), 200).data;
const lift = (token: string, address: string, scope: "organization" | "global") =>
  call(t, "POST", "/v1/notifications/suppressions/lift", { token, body: { address, scope } });

describe("email suppressions", () => {
  it("an admin lifts the organization's own suppression: the lift is kept for audit, the next email goes, a new complaint suppresses again", async () => {
    const first = await r.sendEmail(a, "annoyed@example.test");
    await complaint(first);
    expect(await r.sendEmail(a, "annoyed@example.test")).toMatchObject({ status: "suppressed" });
    expect(await list(a)).toContainEqual(
      expect.objectContaining({ address: "annoyed@example.test", scope: "organization", reason: "complained", liftable: true }),
    );

    const lifted = expectStatus<EmailSuppressionLift>(await lift(a.ownerToken, "Annoyed@Example.test", "organization"), 200);
    expect(lifted).toMatchObject({ address: "annoyed@example.test", scope: "organization", reason: "complained", liftedBy: a.user.id });
    const [audit] = await t.deps.db.select().from(emailSuppressionLifts).where(eq(emailSuppressionLifts.id, lifted.id));
    expect(audit).toMatchObject({ orgId: a.org.id, scope: a.org.id, address: "annoyed@example.test", liftedBy: a.user.id });
    expect((await list(a)).map((s) => s.address)).not.toContain("annoyed@example.test");

    const sentBefore = r.resend.sent.length;
    const next = await r.sendEmail(a, "annoyed@example.test");
    expect(next).toMatchObject({ status: "sent" });
    expect(r.resend.sent.length).toBe(sentBefore + 1);

    // Lifted already: nothing left to lift.
    expectProblem(await lift(a.ownerToken, "annoyed@example.test", "organization"), 404, "suppression_not_found");
    // They complain again: suppressed again.
    await complaint(next);
    expect(await r.sendEmail(a, "annoyed@example.test")).toMatchObject({ status: "suppressed" });
  });

  it("another organization's suppression is 404 and invisible; staff may list but not lift", async () => {
    const d = await r.sendEmail(b, "b-only@example.test");
    await complaint(d);
    expect((await list(b)).map((s) => s.address)).toContain("b-only@example.test");
    expect((await list(a)).map((s) => s.address)).not.toContain("b-only@example.test");
    expectProblem(await lift(a.secretKey, "b-only@example.test", "organization"), 404, "suppression_not_found");
    expectProblem(await lift(a.secretKey, "b-only@example.test", "global"), 404, "suppression_not_found");
    expect(await r.sendEmail(b, "b-only@example.test")).toMatchObject({ status: "suppressed" });

    const staff = await addMember(t, b, "staff");
    expect((await list(b, staff.accessToken)).map((s) => s.address)).toContain("b-only@example.test");
    expectProblem(await lift(staff.accessToken, "b-only@example.test", "organization"), 403, "permission_denied");
    const staffKey = await createSecretKey(t, b.ownerToken, "staff key", "staff");
    expectProblem(await lift(staffKey.secret, "b-only@example.test", "organization"), 403, "permission_denied");
    expectProblem(await lift(b.participantToken, "b-only@example.test", "organization"), 403, "permission_denied");
    expectProblem(
      await call(t, "POST", "/v1/notifications/suppressions/lift", {
        token: b.secretKey,
        body: { address: "not an address", scope: "organization" },
      }),
      400,
      "validation_failed",
    );
  });

  it("a hard bounce is lifted only by the organization whose email bounced; a re-bounce suppresses again", async () => {
    const gone = await r.sendEmail(a, "gone@example.test");
    await hardBounce(gone);
    // b emailed the address too (suppressed): it sees the global suppression but may not lift it.
    expect(await r.sendEmail(b, "gone@example.test")).toMatchObject({ status: "suppressed" });
    expect((await list(b)).find((s) => s.address === "gone@example.test")).toMatchObject({ scope: "global", liftable: false });
    expectProblem(await lift(b.secretKey, "gone@example.test", "global"), 403, "suppression_not_liftable");
    // An organization that never emailed it does not learn of it.
    const c = await newOrg(t);
    expect(await list(c)).toEqual([]);
    expectProblem(await lift(c.secretKey, "gone@example.test", "global"), 404, "suppression_not_found");

    expect((await list(a)).find((s) => s.address === "gone@example.test")).toMatchObject({ scope: "global", liftable: true });
    expectStatus(await lift(a.secretKey, "gone@example.test", "global"), 200);
    const retry = await r.sendEmail(a, "gone@example.test");
    expect(retry).toMatchObject({ status: "sent" });
    expect(await r.sendEmail(b, "gone@example.test")).toMatchObject({ status: "sent" });

    await hardBounce(retry);
    expect(await r.sendEmail(a, "gone@example.test")).toMatchObject({ status: "suppressed" });
    expect(await r.sendEmail(b, "gone@example.test")).toMatchObject({ status: "suppressed" });
  });

  it("pages through suppressions with a cursor, and refuses a cursor it did not hand out", async () => {
    const org = await newOrg(t);
    for (const i of [1, 2, 3]) await complaint(await r.sendEmail(org, `page${i}@example.test`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<EmailSuppression> = expectStatus(
        await call(t, "GET", `/v1/notifications/suppressions?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: org.secretKey }),
        200,
      );
      seen.push(...page.data.map((s) => s.address));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(["page1@example.test", "page2@example.test", "page3@example.test"]);
    expectProblem(await call(t, "GET", "/v1/notifications/suppressions?cursor=nope", { token: org.secretKey }), 400, "validation_failed");
  });
});
