import type { NotificationDelivery, Page } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { startTwilioStandIn } from "../../../test/provider-standins.js";
import { deliverOutbox, enqueue, sms } from "../../lib/outbox.js";
import { twilioSignature } from "./twilio.js";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-0123456789";
const CALLBACK = "http://api.test/v1/notifications/sms/status";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let twilio: Awaited<ReturnType<typeof startTwilioStandIn>>;
beforeAll(async () => {
  twilio = await startTwilioStandIn(SID, TOKEN);
  t = await createTestApp({
    env: {
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      SMS_FROM: "+15005550006",
      TWILIO_API_URL: twilio.url,
    },
  });
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(async () => {
  t.close();
  await twilio.close();
});

async function sendSms(org: TestOrg, to: string) {
  await enqueue(t.deps.db, sms({ to, text: "Your spot is booked", template: "booking_confirmed", data: {} }), {
    orgId: org.org.id,
    now: t.deps.now(),
  });
  await deliverOutbox(t.deps);
  const entry = (await smsLog(org)).find((d) => d.to === to);
  if (!entry?.providerMessageId) throw new Error(`no SMS to ${to} in the log`);
  return entry;
}
const smsLog = async (org: TestOrg) =>
  expectStatus<Page<NotificationDelivery>>(await call(t, "GET", "/v1/notifications/deliveries?channel=sms", { token: org.secretKey }), 200)
    .data;

async function callback(params: Record<string, string>, signature?: string) {
  const form = new URLSearchParams(params);
  const sig = signature ?? (await twilioSignature(TOKEN, CALLBACK, form));
  return call(t, "POST", "/v1/notifications/sms/status", {
    raw: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig },
  });
}

describe("Twilio's status callback", () => {
  it("signs as Twilio documents it (its own example request)", async () => {
    const params = new URLSearchParams({
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675310",
      Digits: "1234",
      From: "+14158675310",
      To: "+18005551212",
    });
    expect(await twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
  });

  it("asks Twilio for callbacks; a signed 'delivered' or 'undelivered' updates that message's log entry", async () => {
    const first = await sendSms(a, "+14155550101");
    const second = await sendSms(a, "+14155550102");
    expect(twilio.sent.at(-1)!.form.get("StatusCallback")).toBe(CALLBACK);
    expect(first).toMatchObject({ status: "sent", provider: "twilio" });

    expect((await callback({ MessageSid: first.providerMessageId!, MessageStatus: "sent", AccountSid: SID })).status).toBe(204);
    expect((await callback({ MessageSid: first.providerMessageId!, MessageStatus: "delivered", AccountSid: SID })).status).toBe(204);
    const undelivered = { MessageSid: second.providerMessageId!, MessageStatus: "undelivered", ErrorCode: "30003", AccountSid: SID };
    expect((await callback(undelivered)).status).toBe(204);
    const log = await smsLog(a);
    expect(log.find((d) => d.id === first.id)).toMatchObject({ status: "delivered", error: null });
    expect(log.find((d) => d.id === second.id)).toMatchObject({ status: "failed", error: "Twilio: undelivered (error 30003)" });
  });

  it("refuses a callback that is not signed by Twilio's auth token or was changed (400 invalid_signature), and changes nothing", async () => {
    const sent = await sendSms(b, "+14155550103");
    const params = { MessageSid: sent.providerMessageId!, MessageStatus: "failed", AccountSid: SID };
    expectProblem(await callback(params, "bm90IHR3aWxpbw=="), 400, "invalid_signature");
    const wrongKey = await twilioSignature("another-token", CALLBACK, new URLSearchParams(params));
    expectProblem(await callback(params, wrongKey), 400, "invalid_signature");
    const signedForDelivered = await twilioSignature(TOKEN, CALLBACK, new URLSearchParams({ ...params, MessageStatus: "delivered" }));
    expectProblem(await callback(params, signedForDelivered), 400, "invalid_signature");
    expectProblem(
      await call(t, "POST", "/v1/notifications/sms/status", {
        raw: new URLSearchParams(params).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      400,
      "invalid_signature",
    );
    expect((await smsLog(b)).find((d) => d.id === sent.id)).toMatchObject({ status: "sent" });
  });

  it("is 404 where SMS do not go through Twilio (the local provider)", async () => {
    const local = await createTestApp();
    try {
      const r = await call(local, "POST", "/v1/notifications/sms/status", {
        raw: "MessageSid=SM1&MessageStatus=delivered",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" },
      });
      expectProblem(r, 404, "not_found");
    } finally {
      local.close();
    }
  });
});
