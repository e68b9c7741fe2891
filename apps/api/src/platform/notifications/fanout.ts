import { newId } from "@gatherkit/core";
import { inboxItems, notificationDeliveries, notificationPreferences, pushSubscriptions } from "@gatherkit/db";
import { and, eq, inArray, ne, notExists } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { insertWhen } from "../../lib/guarded-insert.js";
import { type DeliveryDeps, DeliveryError, email, enqueueWhen, type NotifyPayload, push, realtime, sms } from "../../lib/outbox.js";
import type { Config } from "../../lib/types.js";
import { personRoom } from "./inbox.service.js";
import { isTransactional, type Rendered } from "./templates.js";
import { unsubscribeUrl } from "./unsubscribe.service.js";

/** The channels a person can turn a kind of notification off on. */
export const CHANNELS = ["inbox", "email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who gets a notification now and what it says, as the owning domain decides at send time. */
export interface ResolvedNotification {
  /** People (`ptc_…`, `usr_…`, `gst_…`), the address their email goes to and the E.164 number their SMS goes to, if they have one. */
  recipients: { recipientId: string; email?: string | null; phone?: string | null }[];
  /** The notification rendered for one recipient (their unsubscribe link in it; their own attachments, e.g. an invitation naming them). */
  render(opts: { unsubscribeUrl?: string; recipientId: string }): Rendered;
}

/**
 * A domain's side of the notification kinds it owns: who gets one about `subjectId` now, or
 * `null` when it no longer holds (the reminder's plan was finalized, its deadline moved).
 */
export type NotificationResolver = (deps: DeliveryDeps, orgId: string, n: NotifyPayload) => Promise<ResolvedNotification | null>;

export interface FanOutDeps {
  /** Per notification kind, the domain that sends it. */
  resolvers: Record<string, NotificationResolver>;
  /** To sign unsubscribe links (`jwtSecret`, `publicUrl`). */
  config: Pick<Config, "jwtSecret" | "publicUrl">;
}

/**
 * Sends one `notify` outbox row: asks its domain who gets it (and whether it still holds), then
 * writes in ONE batch each recipient's inbox item and an `inbox.changed` to their room (unless
 * they turned this kind's inbox off; transactional kinds ignore that), and their email, SMS and push
 * rows (whose deliverer applies the person's preference when it sends, logging a skipped one). The batch ends with the row's `inbox` delivery log entry and every write is
 * guarded by its absence, so a retry after a crash between the batch and the outbox's mark
 * writes nothing twice.
 */
export async function fanOut(deps: DeliveryDeps, fan: FanOutDeps | undefined, p: NotifyPayload, row: { id: string; orgId: string | null }) {
  if (!fan) throw new DeliveryError("notifications are not wired to the domains (resolvers)", { permanent: true });
  const orgId = row.orgId;
  if (!orgId) throw new DeliveryError("a notification belongs to an organization", { permanent: true });
  const resolve = fan.resolvers[p.kind];
  if (!resolve) throw new DeliveryError(`no domain sends ${p.kind} notifications`, { permanent: true });
  const { db } = deps;
  // Its log entry, once fanned out (the outbox wrote it `queued` with the row).
  const done = and(
    eq(notificationDeliveries.sourceId, row.id),
    eq(notificationDeliveries.channel, "inbox"),
    ne(notificationDeliveries.status, "queued"),
  );
  const [earlier] = await db.select({ id: notificationDeliveries.id }).from(notificationDeliveries).where(done);
  if (earlier) return;
  const now = deps.now();
  const log = (status: "sent" | "suppressed", to: string, error: string | null) =>
    db
      .insert(notificationDeliveries)
      .values({
        id: newId("delivery"),
        orgId,
        sourceId: row.id,
        notificationId: row.id,
        channel: "inbox",
        to,
        template: p.kind,
        status,
        provider: "inbox",
        attempts: 1,
        error,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [notificationDeliveries.sourceId, notificationDeliveries.channel],
        set: { to, status, attempts: 1, error, provider: "inbox", updatedAt: now },
        setWhere: eq(notificationDeliveries.status, "queued"),
      });

  const resolved = await resolve(deps, orgId, p);
  if (!resolved) {
    await log("suppressed", p.subjectId, "no longer applies (its subject changed since it was scheduled)");
    return;
  }
  const ids = resolved.recipients.map((r) => r.recipientId);
  const transactional = isTransactional(p.kind);
  const off = new Set(
    transactional || ids.length === 0
      ? []
      : (
          await db
            .select({ recipient: notificationPreferences.recipient, channel: notificationPreferences.channel })
            .from(notificationPreferences)
            .where(
              and(
                eq(notificationPreferences.orgId, orgId),
                eq(notificationPreferences.kind, p.kind),
                inArray(notificationPreferences.recipient, ids),
              ),
            )
        ).map((o) => `${o.recipient} ${o.channel}`),
  );
  const on = (recipientId: string, channel: Channel) => !off.has(`${recipientId} ${channel}`);
  const subs =
    ids.length === 0
      ? []
      : await db
          .select({ id: pushSubscriptions.id, recipientId: pushSubscriptions.recipientId })
          .from(pushSubscriptions)
          .where(and(eq(pushSubscriptions.orgId, orgId), inArray(pushSubscriptions.recipientId, ids)));

  const notDone = notExists(db.select({ one: notificationDeliveries.id }).from(notificationDeliveries).where(done));
  const opts = { orgId, now };
  const writes: BatchItem<"sqlite">[] = [];
  for (const r of resolved.recipients) {
    const link = transactional
      ? undefined
      : await unsubscribeUrl({ config: fan.config }, { orgId, recipient: r.recipientId, kind: p.kind });
    const rendered = resolved.render({ unsubscribeUrl: link, recipientId: r.recipientId });
    if (on(r.recipientId, "inbox")) {
      writes.push(
        insertWhen(
          db,
          inboxItems,
          {
            id: newId("inboxItem"),
            orgId,
            recipientId: r.recipientId,
            kind: p.kind,
            title: rendered.inbox.title,
            body: rendered.inbox.body,
            link: rendered.inbox.link ?? null,
            subjectId: p.subjectId,
            readAt: null,
            createdAt: now,
          },
          notDone,
        ),
        enqueueWhen(db, realtime(personRoom(r.recipientId), { type: "inbox.changed", data: { id: r.recipientId } }), notDone, opts),
      );
    }
    // Email and push rows are written whatever the person chose: their deliverer checks the
    // preference when it sends (it may change meanwhile) and logs a skipped one as suppressed,
    // so the organizer's delivery log says why it did not go out.
    if (r.email) {
      const message = email({
        to: r.email,
        ...rendered.email,
        ...(link ? { headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
        template: p.kind,
        data: { recipient: r.recipientId, subjectId: p.subjectId },
        notification: row.id,
      });
      writes.push(enqueueWhen(db, message, notDone, opts));
    }
    if (r.phone) {
      const message = sms({
        to: r.phone,
        text: rendered.sms,
        template: p.kind,
        data: { recipient: r.recipientId, subjectId: p.subjectId },
      });
      writes.push(enqueueWhen(db, message, notDone, opts));
    }
    for (const s of subs.filter((s) => s.recipientId === r.recipientId)) {
      const message = push({ subscriptionId: s.id, ...rendered.push, template: p.kind, notification: row.id });
      writes.push(enqueueWhen(db, message, notDone, opts));
    }
  }
  writes.push(log("sent", `${resolved.recipients.length} recipient(s)`, null));
  const [first, ...rest] = writes;
  await db.batch([first!, ...rest]);
}
