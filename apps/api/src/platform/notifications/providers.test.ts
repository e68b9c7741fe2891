import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, type Db, localMessages, notificationDeliveries, organizations, outbox } from "@gatherkit/db";
import { createLibsqlDb, type LibsqlHandle } from "@gatherkit/db/libsql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startResendStandIn, startTwilioStandIn } from "../../../test/provider-standins.js";
import { silentLogger } from "../../lib/logger.js";
import { type DeliveryDeps, deliverOutbox, email, enqueue, type MessageSender, PARKED, sms } from "../../lib/outbox.js";
import { notificationsFromEnv, providersFromEnv } from "./config.js";
import { createMessageSender } from "./deliver.js";
import { toE164 } from "./phone.js";
import { retryAfterMs } from "./providers.js";

let dir: string;
let handle: LibsqlHandle;
let db: Db;
const ORG = "org_notifytest0001";
const clock = { now: Date.UTC(2026, 11, 6, 12) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gk-notify-"));
  handle = createLibsqlDb({ url: pathToFileURL(join(dir, "n.db")).href });
  await handle.client.execute("PRAGMA journal_mode = WAL");
  await handle.client.execute("PRAGMA busy_timeout = 5000");
  await applyMigrations(handle.migrations);
  db = handle.db;
  await db.insert(organizations).values({ id: ORG, name: "Notify", createdAt: clock.now });
});
afterAll(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.delete(outbox);
  await db.delete(notificationDeliveries);
  await db.delete(localMessages);
});

const RESEND_KEY = "re_test_key_0123456789";
const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-0123456789";

function depsWith(sender: MessageSender): DeliveryDeps {
  return {
    db,
    logger: silentLogger,
    now: () => clock.now,
    publisher: { publish: async () => {} },
    notifications: sender,
  };
}
function senderFor(env: Record<string, string>) {
  return notificationsFromEnv(env, { db, now: () => clock.now });
}
const resendEnv = (url: string) => ({
  EMAIL_PROVIDER: "resend",
  RESEND_API_KEY: RESEND_KEY,
  RESEND_API_URL: url,
  EMAIL_FROM: "Plans <plans@example.test>",
});
const twilioEnv = (url: string) => ({
  SMS_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_API_URL: url,
  SMS_FROM: "+14155550100",
});

const anEmail = (to = "ada@example.test") =>
  email({
    to,
    subject: "You're invited: Lisbon <3",
    text: "Join here: http://x.test/j/abc",
    html: '<p>Join <a href="http://x.test/j/abc">here</a></p>',
    headers: { "List-Unsubscribe": "<http://x.test/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    template: "plan_invite",
    data: {},
  });
const anSms = (to = "+14155550123") => sms({ to, text: "Your booking ends in 30 minutes.", template: "booking_reminder", data: {} });

async function rowsOf(kind: string) {
  return db.select().from(outbox).where(eq(outbox.kind, kind));
}
async function logOf(sourceId: string) {
  const [row] = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.sourceId, sourceId));
  return row;
}

describe("email through Resend (stand-in)", () => {
  it("sends an email row once with the key, sender, recipient, both bodies and the unsubscribe headers, and logs the provider's id", async () => {
    const resend = await startResendStandIn(RESEND_KEY);
    try {
      await enqueue(db, anEmail(), { orgId: ORG, now: clock.now });
      const r = await deliverOutbox(depsWith(senderFor(resendEnv(resend.url))));
      expect(r).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
      expect(resend.sent).toHaveLength(1);
      const [row] = await rowsOf("email");
      expect(row!.sentAt).not.toBeNull();
      expect(resend.received[0]!.headers["idempotency-key"]).toBe(row!.id);
      expect(resend.sent[0]!.body).toEqual({
        from: "Plans <plans@example.test>",
        to: ["ada@example.test"],
        subject: "You're invited: Lisbon <3",
        text: "Join here: http://x.test/j/abc",
        html: '<p>Join <a href="http://x.test/j/abc">here</a></p>',
        headers: { "List-Unsubscribe": "<http://x.test/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      expect(await logOf(row!.id)).toMatchObject({
        status: "sent",
        provider: "resend",
        providerMessageId: "re_1",
        orgId: ORG,
        channel: "email",
      });
    } finally {
      await resend.close();
    }
  });

  it("passes attachments (e.g. a ticket's .ics) to Resend as filename, base64 content and content type", async () => {
    const resend = await startResendStandIn(RESEND_KEY);
    try {
      const ics = btoa("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
      await enqueue(
        db,
        email({
          to: "ada@example.test",
          subject: "Tickets",
          text: "Attached.",
          template: "order_confirmation",
          data: {},
          attachments: [{ filename: "event.ics", contentType: "text/calendar; method=PUBLISH", content: ics }],
        }),
        { orgId: ORG, now: clock.now },
      );
      expect(await deliverOutbox(depsWith(senderFor(resendEnv(resend.url))))).toMatchObject({ sent: 1 });
      expect((resend.sent[0]!.body as { attachments?: unknown }).attachments).toEqual([
        { filename: "event.ics", content: ics, content_type: "text/calendar; method=PUBLISH" },
      ]);
    } finally {
      await resend.close();
    }
  });

  it("waits out a 429's Retry-After before trying again, then sends", async () => {
    let limited = 1;
    const resend = await startResendStandIn(RESEND_KEY, () =>
      limited-- > 0 ? { status: 429, headers: { "retry-after": "120" }, body: { name: "rate_limit_exceeded" } } : undefined,
    );
    try {
      await enqueue(db, anEmail(), { orgId: ORG, now: clock.now });
      const deps = depsWith(senderFor(resendEnv(resend.url)));
      expect(await deliverOutbox(deps)).toMatchObject({ sent: 0, failed: 1 });
      const [row] = await rowsOf("email");
      expect(row!.nextAttemptAt).toBeGreaterThanOrEqual(clock.now + 120_000);
      expect(row!.lastError).toContain("resend answered 429");
      expect(await logOf(row!.id)).toMatchObject({ status: "retrying" });
      // Not due yet a minute later; due after the two minutes it asked for.
      clock.now += 60_000;
      expect(await deliverOutbox(deps)).toMatchObject({ claimed: 0 });
      clock.now += 61_000;
      expect(await deliverOutbox(deps)).toMatchObject({ sent: 1 });
      expect(resend.sent).toHaveLength(1);
      expect(await logOf(row!.id)).toMatchObject({ status: "sent", attempts: 2 });
    } finally {
      await resend.close();
    }
  });

  it("parks a message Resend refuses (422) with its reason at once, and still sends the others", async () => {
    const resend = await startResendStandIn(RESEND_KEY);
    try {
      await enqueue(db, anEmail("nobody@invalid.test"), { orgId: ORG, now: clock.now });
      await enqueue(db, anEmail("grace@example.test"), { orgId: ORG, now: clock.now });
      const r = await deliverOutbox(depsWith(senderFor(resendEnv(resend.url))));
      expect(r).toMatchObject({ claimed: 2, sent: 1, failed: 1 });
      const rows = await rowsOf("email");
      const bad = rows.find((x) => (x.payload as { to: string }).to === "nobody@invalid.test")!;
      expect(bad.nextAttemptAt).toBe(PARKED);
      expect(bad.attempts).toBe(1);
      expect(bad.lastError).toMatch(/^refused: resend answered 422: .*Invalid `to` field/);
      expect(await logOf(bad.id)).toMatchObject({ status: "failed" });
      expect(resend.sent.map((s) => s.body.to)).toEqual([["grace@example.test"]]);
    } finally {
      await resend.close();
    }
  });

  it("retries 5xx and parks after the last attempt with the reason", async () => {
    const resend = await startResendStandIn(RESEND_KEY, () => ({ status: 503, body: { name: "internal_server_error" } }));
    try {
      await enqueue(db, anEmail(), { orgId: ORG, now: clock.now });
      const deps = depsWith(senderFor(resendEnv(resend.url)));
      for (let i = 0; i < 10; i++) {
        await deliverOutbox(deps);
        clock.now += 20 * 60_000;
      }
      const [row] = await rowsOf("email");
      expect(row!.nextAttemptAt).toBe(PARKED);
      expect(row!.lastError).toMatch(/^gave up after 10 attempts: resend answered 503/);
      expect(resend.received).toHaveLength(10);
    } finally {
      await resend.close();
    }
  });

  it("a crash between Resend's answer and its record sends nothing twice: the retry carries the same idempotency key", async () => {
    const resend = await startResendStandIn(RESEND_KEY);
    try {
      await enqueue(db, anEmail(), { orgId: ORG, now: clock.now });
      const [row] = await rowsOf("email");
      await crashAfterSend(resendEnv(resend.url), row!);
      expect(resend.sent).toHaveLength(1);
      expect(await logOf(row!.id)).toMatchObject({ status: "sending" });
      // The process is gone; the row was never marked. The next deliverer sends it again.
      const r = await deliverOutbox(depsWith(senderFor(resendEnv(resend.url))));
      expect(r).toMatchObject({ sent: 1 });
      expect(resend.received).toHaveLength(2);
      expect(resend.sent).toHaveLength(1);
      expect(await logOf(row!.id)).toMatchObject({ status: "sent", providerMessageId: "re_1" });
    } finally {
      await resend.close();
    }
  });
});

/**
 * One delivery of `row` through the providers `env` configures, whose provider call completes
 * (the provider has the message) and whose process then dies before anything records the answer:
 * the send's promise never settles. Returns once the provider has answered.
 */
async function crashAfterSend(env: Record<string, string>, row: typeof outbox.$inferSelect) {
  const real = providersFromEnv(env, { db, now: () => clock.now });
  let answered!: () => void;
  const providerAnswered = new Promise<void>((r) => (answered = r));
  const dies = <M>(p: { name: string; idempotent: boolean; send(m: M, key: string): Promise<{ providerMessageId: string }> }) => ({
    ...p,
    async send(m: M, key: string) {
      await p.send(m, key);
      answered();
      return new Promise<never>(() => {});
    },
  });
  const dying = createMessageSender({ email: dies(real.email), sms: dies(real.sms) });
  const deps = depsWith(dying);
  void (row.kind === "email" ? dying.email(deps, row.payload as never, row) : dying.sms(deps, row.payload as never, row));
  await providerAnswered;
}

describe("SMS through Twilio (stand-in)", () => {
  it("posts To, From and Body with basic auth and logs the message sid", async () => {
    const twilio = await startTwilioStandIn(SID, TOKEN);
    try {
      await enqueue(db, anSms(), { orgId: ORG, now: clock.now });
      expect(await deliverOutbox(depsWith(senderFor(twilioEnv(twilio.url))))).toMatchObject({ sent: 1 });
      expect(twilio.sent).toHaveLength(1);
      expect(Object.fromEntries(twilio.sent[0]!.form)).toEqual({
        To: "+14155550123",
        From: "+14155550100",
        Body: "Your booking ends in 30 minutes.",
      });
      const [row] = await rowsOf("sms");
      expect(await logOf(row!.id)).toMatchObject({ status: "sent", provider: "twilio", providerMessageId: twilio.sent[0]!.sid });
    } finally {
      await twilio.close();
    }
  });

  it("parks a number Twilio refuses (400, 21211) and sends the next one", async () => {
    const twilio = await startTwilioStandIn(SID, TOKEN);
    try {
      await enqueue(db, anSms("+15005550001"), { orgId: ORG, now: clock.now });
      await enqueue(db, anSms("+14155550124"), { orgId: ORG, now: clock.now });
      expect(await deliverOutbox(depsWith(senderFor(twilioEnv(twilio.url))))).toMatchObject({ sent: 1, failed: 1 });
      const bad = (await rowsOf("sms")).find((x) => (x.payload as { to: string }).to === "+15005550001")!;
      expect(bad.nextAttemptAt).toBe(PARKED);
      expect(bad.lastError).toContain("21211");
      expect(twilio.sent.map((s) => s.form.get("To"))).toEqual(["+14155550124"]);
    } finally {
      await twilio.close();
    }
  });

  it("retries a 429 with Retry-After", async () => {
    let limited = 1;
    const twilio = await startTwilioStandIn(SID, TOKEN, () =>
      limited-- > 0 ? { status: 429, headers: { "retry-after": "30" }, body: { code: 20429, message: "Too Many Requests" } } : undefined,
    );
    try {
      await enqueue(db, anSms(), { orgId: ORG, now: clock.now });
      const deps = depsWith(senderFor(twilioEnv(twilio.url)));
      expect(await deliverOutbox(deps)).toMatchObject({ failed: 1 });
      const [row] = await rowsOf("sms");
      expect(row!.nextAttemptAt).toBeGreaterThanOrEqual(clock.now + 30_000);
      clock.now += 31_000;
      expect(await deliverOutbox(deps)).toMatchObject({ sent: 1 });
      expect(twilio.sent).toHaveLength(1);
    } finally {
      await twilio.close();
    }
  });

  it("a crash between Twilio's answer and its record is not sent again (Twilio has no idempotency key): parked, saying it may have gone out", async () => {
    const twilio = await startTwilioStandIn(SID, TOKEN);
    try {
      await enqueue(db, anSms(), { orgId: ORG, now: clock.now });
      const [row] = await rowsOf("sms");
      await crashAfterSend(twilioEnv(twilio.url), row!);
      expect(twilio.sent).toHaveLength(1);
      const r = await deliverOutbox(depsWith(senderFor(twilioEnv(twilio.url))));
      expect(r).toMatchObject({ sent: 0, failed: 1 });
      expect(twilio.received).toHaveLength(1);
      const [after] = await rowsOf("sms");
      expect(after!.nextAttemptAt).toBe(PARKED);
      expect(after!.lastError).toContain("may have been sent");
      expect(await logOf(row!.id)).toMatchObject({ status: "failed" });
    } finally {
      await twilio.close();
    }
  });
});

describe("local providers (embedded default)", () => {
  it("record each email and SMS once in local_messages, even when a crash makes the outbox send again", async () => {
    await enqueue(db, anEmail(), { orgId: ORG, now: clock.now });
    await enqueue(db, anSms(), { orgId: ORG, now: clock.now });
    const rows = [...(await rowsOf("email")), ...(await rowsOf("sms"))];
    for (const row of rows) await crashAfterSend({}, row);
    expect(await deliverOutbox(depsWith(senderFor({})))).toMatchObject({ sent: 2 });
    const stored = await db.select().from(localMessages);
    expect(stored.map((m) => [m.channel, m.to]).sort()).toEqual([
      ["email", "ada@example.test"],
      ["sms", "+14155550123"],
    ]);
    const mail = stored.find((m) => m.channel === "email")!;
    expect(mail).toMatchObject({ subject: "You're invited: Lisbon <3", orgId: ORG });
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    for (const row of rows) expect(await logOf(row.id)).toMatchObject({ status: "sent", provider: "local" });
  });
});

describe("configuration", () => {
  it("refuses an unknown provider or a real one without its settings", () => {
    expect(() => senderFor({ EMAIL_PROVIDER: "sendgrid" })).toThrow(/EMAIL_PROVIDER/);
    expect(() => senderFor({ EMAIL_PROVIDER: "resend" })).toThrow(/RESEND_API_KEY/);
    expect(() => senderFor({ SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: SID })).toThrow(/TWILIO_AUTH_TOKEN/);
  });
});

describe("helpers", () => {
  it("toE164 normalises valid numbers and rejects the rest", () => {
    expect(toE164("(415) 555-0132", "US")).toBe("+14155550132");
    expect(toE164("+44 20 7946 0958")).toBe("+442079460958");
    expect(toE164("020 7946 0958", "GB")).toBe("+442079460958");
    expect(toE164("12345")).toBeUndefined();
    expect(toE164("not a number", "US")).toBeUndefined();
  });
  it("retryAfterMs reads delta-seconds and HTTP dates", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
