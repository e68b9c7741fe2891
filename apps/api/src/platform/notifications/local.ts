import { newId } from "@gatherkit/core";
import { type Db, localMessages } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import type { EmailProvider, SmsProvider } from "./providers.js";

/**
 * The embedded default's providers: a message is "sent" by recording it in `local_messages`,
 * where the outbox viewer shows it as its recipient would see it. The idempotency key is unique
 * per channel, so a repeated send records nothing new and answers the first message's id.
 */
async function record(
  db: Db,
  now: () => number,
  row: Omit<typeof localMessages.$inferInsert, "id" | "createdAt">,
): Promise<{ providerMessageId: string }> {
  await db
    .insert(localMessages)
    .values({ ...row, id: newId("localMessage"), createdAt: now() })
    .onConflictDoNothing();
  const [stored] = await db
    .select({ id: localMessages.id })
    .from(localMessages)
    .where(and(eq(localMessages.channel, row.channel), eq(localMessages.idempotencyKey, row.idempotencyKey)));
  if (!stored) throw new Error("local message not recorded");
  return { providerMessageId: stored.id };
}

export function createLocalEmailProvider(opts: { db: Db; from: string; now: () => number }): EmailProvider {
  return {
    name: "local",
    idempotent: true,
    send: (m, key) =>
      record(opts.db, opts.now, {
        orgId: m.orgId,
        channel: "email",
        idempotencyKey: key,
        from: opts.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html ?? null,
        headers: m.headers ?? {},
      }),
  };
}

export function createLocalSmsProvider(opts: { db: Db; from: string; now: () => number }): SmsProvider {
  return {
    name: "local",
    idempotent: true,
    send: (m, key) =>
      record(opts.db, opts.now, {
        orgId: m.orgId,
        channel: "sms",
        idempotencyKey: key,
        from: opts.from,
        to: m.to,
        subject: null,
        text: m.text,
        html: null,
        headers: {},
      }),
  };
}
