import { localMessages, notificationDeliveries, notificationPreferences, outbox } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { deliverOutbox, enqueue } from "../../lib/outbox.js";
import { templatedEmail } from "./unsubscribe.service.js";

let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

async function sendInvite(to: string) {
  const message = await templatedEmail(t.deps, {
    orgId: a.org.id,
    to,
    kind: "plan_invite",
    data: { planTitle: "Lisbon", link: "https://host.example/j/1" },
  });
  await enqueue(t.deps.db, message, { orgId: a.org.id, now: t.deps.now() });
  await deliverOutbox(t.deps);
  return message;
}

describe("one-click unsubscribe (RFC 8058)", () => {
  it("every templated email carries List-Unsubscribe + List-Unsubscribe-Post; the link's POST works without signing in and stops the next one", async () => {
    await sendInvite("ada@example.com");
    const [sent] = await t.deps.db.select().from(localMessages).where(eq(localMessages.to, "ada@example.com"));
    expect(sent!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(sent!.headers["List-Unsubscribe"]!)![1]!;
    expect(sent!.text).toContain(link);
    const path = new URL(link).pathname;

    // Opening the link shows a button and changes nothing (mail scanners follow links).
    const page = await call(t, "GET", path);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(String(page.body)).toContain('<form method="post">');
    expect(await t.deps.db.select().from(notificationPreferences)).toEqual([]);

    // The mail client's one-click POST: form body, no credentials.
    const res = await call(t, "POST", path, {
      raw: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(await t.deps.db.select().from(notificationPreferences)).toMatchObject([
      { orgId: a.org.id, recipient: "ada@example.com", kind: "plan_invite", channel: "email" },
    ]);
    expect((await call(t, "POST", path)).status).toBe(200); // again is fine

    // The next invite to that address is not sent (logged as suppressed); another address still gets its own.
    await sendInvite("ada@example.com");
    await sendInvite("grace@example.com");
    expect((await t.deps.db.select().from(localMessages).where(eq(localMessages.to, "ada@example.com"))).length).toBe(1);
    expect((await t.deps.db.select().from(localMessages).where(eq(localMessages.to, "grace@example.com"))).length).toBe(1);
    const suppressed = await t.deps.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.status, "suppressed"));
    expect(suppressed.map((d) => d.to)).toEqual(["ada@example.com"]);
    const unsent = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"));
    expect(unsent.every((r) => r.sentAt !== null)).toBe(true);
  });

  it("a tampered or cut link is a 400 problem and records nothing", async () => {
    await sendInvite("eve@example.com");
    const [sent] = await t.deps.db.select().from(localMessages).where(eq(localMessages.to, "eve@example.com"));
    const link = /^<(.+)>$/.exec(sent!.headers["List-Unsubscribe"]!)![1]!;
    const token = new URL(link).pathname.split("/").at(-1)!;
    const [payload, sig] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ o: a.org.id, r: "someone@else.example", k: "plan_invite" })).toString("base64url");
    const before = (await t.deps.db.select().from(notificationPreferences)).length;
    for (const bad of [`${forged}.${sig}`, `${payload}.${sig.slice(0, -2)}AA`, payload, `${payload}.${sig}.x`, "x".repeat(20)]) {
      expectProblem(await call(t, "POST", `/v1/unsubscribe/${bad}`), 400, "unsubscribe_link_invalid");
      expectProblem(await call(t, "GET", `/v1/unsubscribe/${bad}`), 400, "unsubscribe_link_invalid");
    }
    expect((await t.deps.db.select().from(notificationPreferences)).length).toBe(before);
  });
});
