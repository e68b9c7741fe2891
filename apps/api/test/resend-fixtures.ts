import type { NotificationDelivery, Page } from "@gatherkit/core";
import { deliverOutbox, email, enqueue } from "../src/lib/outbox.js";
import { expectStatus, newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { resendWebhook, startResendStandIn } from "./provider-standins.js";

export const RESEND_KEY = "re_test_key_0123456789";
/** The webhook signing secret the app is configured with (`whsec_` and base64, as Resend's). */
export const RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from("gatherkit-resend-webhook-secret!").toString("base64")}`;

/**
 * An app that sends its emails through a Resend stand-in and takes Resend's signed webhooks, with
 * two organizations: for the tests of what Resend says back (delivery events, suppressions).
 */
export async function resendApp() {
  const resend = await startResendStandIn(RESEND_KEY);
  const t: TestApp = await createTestApp({
    env: {
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: RESEND_KEY,
      RESEND_API_URL: resend.url,
      EMAIL_FROM: "Plans <plans@example.test>",
      RESEND_WEBHOOK_SECRET,
    },
  });
  const a = await newOrg(t);
  const b = await newOrg(t);

  /** The organization's email log, newest first. */
  const emailLog = async (org: TestOrg) =>
    expectStatus<Page<NotificationDelivery>>(
      await call(t, "GET", "/v1/notifications/deliveries?channel=email", { token: org.secretKey }),
      200,
    ).data;

  let sent = 0;
  /** Queues and delivers one email of `org` to `to`, answering its log entry. */
  async function sendEmail(org: TestOrg, to: string): Promise<NotificationDelivery> {
    sent++;
    await enqueue(t.deps.db, email({ to, subject: `Hello ${sent}`, text: "Body", template: "plan_finalized", data: {} }), {
      orgId: org.org.id,
      now: t.deps.now(),
    });
    await deliverOutbox(t.deps);
    const entry = (await emailLog(org)).find((d) => d.to === to);
    if (!entry) throw new Error(`no email to ${to} in the log`);
    return entry;
  }

  let ids = 0;
  /** Posts `event` as Resend does: signed now with the app's secret, unless `opts` says otherwise. */
  function postEvent(
    event: { type: string; data: Record<string, unknown> },
    opts: { secret?: string; ageSeconds?: number; tamper?: (body: string) => string } = {},
  ) {
    ids++;
    const signed = resendWebhook(opts.secret ?? RESEND_WEBHOOK_SECRET, event, {
      id: `msg_test${ids}`,
      timestampSeconds: Math.floor(t.deps.now() / 1000) - (opts.ageSeconds ?? 0),
    });
    return call(t, "POST", "/v1/notifications/email/events", {
      raw: opts.tamper ? opts.tamper(signed.body) : signed.body,
      headers: signed.headers,
    });
  }

  return {
    t,
    a,
    b,
    resend,
    emailLog,
    sendEmail,
    postEvent,
    close: async () => {
      t.close();
      await resend.close();
    },
  };
}
export type ResendApp = Awaited<ReturnType<typeof resendApp>>;
