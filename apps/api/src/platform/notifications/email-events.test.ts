import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { resendWebhook } from "../../../test/provider-standins.js";
import { RESEND_WEBHOOK_SECRET, type ResendApp, resendApp } from "../../../test/resend-fixtures.js";
import { verifySvix } from "./resend.js";

let r: ResendApp;
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  r = await resendApp();
  ({ t, a, b } = r);
});
afterAll(() => r.close());

describe("Resend's email webhooks", () => {
  it("verify Svix signatures as Svix documents them (its own example), with the five-minute window", async () => {
    const h = { id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" };
    const body = '{"test": 2432232314}';
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const at = 1614265330_000;
    expect(await verifySvix(secret, h, body, at)).toBe(true);
    // Several signatures while a secret rotates: any one may match.
    expect(await verifySvix(secret, { ...h, signature: `v1,AAAA v1a,xyz ${h.signature}` }, body, at)).toBe(true);
    expect(await verifySvix(secret, h, body, at + 5 * 60_000 + 1)).toBe(false);
    expect(await verifySvix(secret, h, '{"test": 2432232315}', at)).toBe(false);
    expect(await verifySvix(secret, { ...h, id: "msg_other" }, body, at)).toBe(false);
    expect(await verifySvix(secret, { ...h, signature: undefined }, body, at)).toBe(false);
  });

  it("'delivered' marks the log entry delivered; a permanent bounce marks it bounced and stops every later email to the address, in any organization", async () => {
    const ok = await r.sendEmail(a, "ada@example.test");
    expect(ok).toMatchObject({ status: "sent", provider: "resend" });
    expect((await r.postEvent({ type: "email.delivered", data: { email_id: ok.providerMessageId } })).status).toBe(204);
    expect((await r.emailLog(a)).find((d) => d.id === ok.id)).toMatchObject({ status: "delivered", error: null });

    const bad = await r.sendEmail(a, "gone@example.test");
    const bounce = { type: "Permanent", subType: "General", message: "550 5.1.1 user unknown" };
    const res = await r.postEvent({ type: "email.bounced", data: { email_id: bad.providerMessageId, to: ["gone@example.test"], bounce } });
    expect(res.status).toBe(204);
    expect((await r.emailLog(a)).find((d) => d.id === bad.id)).toMatchObject({
      status: "bounced",
      error: "bounced (Permanent, General): 550 5.1.1 user unknown",
    });

    const sentBefore = r.resend.sent.length;
    const again = await r.sendEmail(a, "gone@example.test");
    const elsewhere = await r.sendEmail(b, "GONE@example.test");
    expect(r.resend.sent.length).toBe(sentBefore);
    for (const d of [again, elsewhere]) {
      expect(d).toMatchObject({ status: "suppressed", provider: "none" });
      expect(d.error).toMatch(/^the address hard-bounced on .*; no more email is sent to it$/);
    }
    // Other addresses still go out.
    expect(await r.sendEmail(a, "still@example.test")).toMatchObject({ status: "sent" });
  });

  it("a transient bounce is logged but does not suppress; a complaint suppresses the address for that organization only", async () => {
    const soft = await r.sendEmail(a, "full@example.test");
    await r.postEvent({
      type: "email.bounced",
      data: { email_id: soft.providerMessageId, bounce: { type: "Transient", subType: "MailboxFull" } },
    });
    expect((await r.emailLog(a)).find((d) => d.id === soft.id)).toMatchObject({
      status: "bounced",
      error: "bounced (Transient, MailboxFull)",
    });
    expect(await r.sendEmail(a, "full@example.test")).toMatchObject({ status: "sent" });

    const annoyed = await r.sendEmail(a, "annoyed@example.test");
    expect((await r.postEvent({ type: "email.complained", data: { email_id: annoyed.providerMessageId } })).status).toBe(204);
    expect((await r.sendEmail(a, "annoyed@example.test")).error).toMatch(/marked an email as spam/);
    expect(await r.sendEmail(b, "annoyed@example.test")).toMatchObject({ status: "sent" });
  });

  it("refuse an unsigned, wrongly signed, changed or stale webhook (400 invalid_signature) and change nothing", async () => {
    const sent = await r.sendEmail(b, "keep@example.test");
    const event = { type: "email.bounced", data: { email_id: sent.providerMessageId, bounce: { type: "Permanent" } } };
    const otherSecret = `whsec_${Buffer.from("another-secret-of-32-bytes-long!").toString("base64")}`;
    expectProblem(await r.postEvent(event, { secret: otherSecret }), 400, "invalid_signature");
    expectProblem(await r.postEvent(event, { tamper: (body) => body.replace('"Permanent"', '"Transient"') }), 400, "invalid_signature");
    expectProblem(await r.postEvent(event, { ageSeconds: 6 * 60 }), 400, "invalid_signature");
    const signed = resendWebhook(RESEND_WEBHOOK_SECRET, event, { id: "msg_nosig", timestampSeconds: Math.floor(t.deps.now() / 1000) });
    expectProblem(
      await call(t, "POST", "/v1/notifications/email/events", { raw: signed.body, headers: { "content-type": "application/json" } }),
      400,
      "invalid_signature",
    );
    // Signed but not an email event.
    expectProblem(await r.postEvent({ type: "email.bounced", data: {} }), 400, "bad_request");
    expect((await r.emailLog(b)).find((d) => d.id === sent.id)).toMatchObject({ status: "sent" });
    expect(await r.sendEmail(b, "keep@example.test")).toMatchObject({ status: "sent" });
    // An event about an email that is not ours, or one we do not act on, changes nothing.
    expect((await r.postEvent({ type: "email.bounced", data: { email_id: "re_not_ours" } })).status).toBe(204);
    expect((await r.postEvent({ type: "email.opened", data: { email_id: sent.providerMessageId } })).status).toBe(204);
  });

  it("is 404 where email does not go through Resend (the local provider)", async () => {
    const local = await createTestApp();
    try {
      const signed = resendWebhook(
        RESEND_WEBHOOK_SECRET,
        { type: "email.delivered", data: { email_id: "re_1" } },
        { id: "msg_1", timestampSeconds: 1 },
      );
      expectProblem(
        await call(local, "POST", "/v1/notifications/email/events", { raw: signed.body, headers: signed.headers }),
        404,
        "not_found",
      );
    } finally {
      local.close();
    }
  });
});
