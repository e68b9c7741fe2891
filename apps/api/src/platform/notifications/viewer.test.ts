import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg, type TestOrg } from "../../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../../test/harness.js";
import { deliverOutbox, enqueue, sms } from "../../lib/outbox.js";
import { templatedEmail } from "./unsubscribe.service.js";
import { outboxViewer } from "./viewer.js";

let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
});
afterAll(() => t.close());

describe("outbox viewer (embedded default)", () => {
  it("lists what the local providers sent and shows an email as its recipient sees it, with working links and nothing of it able to run", async () => {
    expect(await (await outboxViewer(t.deps.db, "/_dev/outbox"))!.text()).toContain("Nothing sent yet");
    const title = `<script>alert("x")</script> trip`;
    await enqueue(
      t.deps.db,
      await templatedEmail(t.deps, {
        orgId: a.org.id,
        to: "ada@example.com",
        kind: "plan_invite",
        data: { planTitle: title, link: "https://host.example/j/1" },
      }),
      { orgId: a.org.id, now: t.deps.now() },
    );
    await enqueue(
      t.deps.db,
      sms({ to: "+14155550123", text: "Reminder https://host.example/b/1", template: "booking_reminder", data: {} }),
      {
        orgId: a.org.id,
        now: t.deps.now(),
      },
    );
    await deliverOutbox(t.deps);

    const list = await (await outboxViewer(t.deps.db, "/_dev/outbox"))!.text();
    expect(list).toContain("ada@example.com");
    expect(list).toContain("+14155550123");
    expect(list).not.toContain("<script>");
    const ids = [...list.matchAll(/href="\/_dev\/outbox\/(lm_[0-9a-z]+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);

    const pages = await Promise.all(ids.map(async (id) => (await outboxViewer(t.deps.db, `/_dev/outbox/${id}`))!));
    const texts = await Promise.all(pages.map((p) => p.text()));
    const mail = texts.find((x) => x.includes("<iframe"))!;
    expect(pages[0]!.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(mail).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(mail).not.toContain("allow-scripts");
    expect(mail).not.toContain("<script>");
    // The email's own HTML is inside srcdoc, escaped once; its link and the text version's link work.
    expect(mail).toMatch(/srcdoc="[^"]*&lt;a href=&quot;https:\/\/host.example\/j\/1&quot;/);
    expect(mail).toContain('<a href="https://host.example/j/1" target="_blank" rel="noopener">');
    expect(mail).toContain("List-Unsubscribe-Post");
    const text = texts.find((x) => !x.includes("<iframe"))!;
    expect(text).toContain('<a href="https://host.example/b/1" target="_blank" rel="noopener">');
    expect((await outboxViewer(t.deps.db, "/_dev/outbox/lm_doesnotexist0"))!.status).toBe(404);
    expect(await outboxViewer(t.deps.db, "/_dev/outbox/../../etc")).toBeUndefined();
  });
});
