import { newId } from "@gatherkit/core";
import { type Db, inboxItems, notificationPreferences, pushSubscriptions } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { RoomAccessCheck } from "../../lib/domain.js";
import { notFound } from "../../lib/errors.js";
import { email, enqueue, push, realtime } from "../../lib/outbox.js";
import { personRoom, recipientOf } from "./inbox.service.js";
import { isTransactional } from "./templates.js";

/** One notification for one person: what their inbox shows, and on which other channels it goes out. */
export interface Notification {
  orgId: string;
  /** `ptc_…` or `usr_…`. */
  recipientId: string;
  kind: string;
  title: string;
  body: string;
  link?: string;
  subjectId?: string;
  /** Also email it (already rendered: subject, text and HTML). */
  email?: { to: string; subject: string; text: string; html?: string; headers?: Record<string, string> };
  /** Also push it to every browser the person subscribed. */
  push?: boolean;
}

/**
 * The writes that notify a person, to put in the same `db.batch` as the change that causes
 * them (then `deliverSoon`): the inbox item and an `inbox.changed` to the person's room (unless
 * they turned the kind's inbox off), and one outbox row per other channel (one per push
 * subscription the person has now), whose preference the deliverer checks when it sends.
 */
export async function notificationWrites(db: Db, n: Notification, now: number): Promise<BatchItem<"sqlite">[]> {
  // The inbox is written now, so its preference is read now; email and push rows are checked
  // again by the deliverer when they go out (the person may change their mind meanwhile).
  const [inboxOff] = isTransactional(n.kind)
    ? []
    : await db
        .select({ at: notificationPreferences.optedOutAt })
        .from(notificationPreferences)
        .where(
          and(
            eq(notificationPreferences.orgId, n.orgId),
            eq(notificationPreferences.recipient, n.recipientId),
            eq(notificationPreferences.kind, n.kind),
            eq(notificationPreferences.channel, "inbox"),
          ),
        );
  const subs = n.push
    ? await db
        .select({ id: pushSubscriptions.id })
        .from(pushSubscriptions)
        .where(and(eq(pushSubscriptions.orgId, n.orgId), eq(pushSubscriptions.recipientId, n.recipientId)))
    : [];
  const opts = { orgId: n.orgId, now };
  const inbox = inboxOff
    ? []
    : [
        db.insert(inboxItems).values({
          id: newId("inboxItem"),
          orgId: n.orgId,
          recipientId: n.recipientId,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link ?? null,
          subjectId: n.subjectId ?? null,
          readAt: null,
          createdAt: now,
        }),
        enqueue(db, realtime(personRoom(n.recipientId), { type: "inbox.changed", data: { id: n.recipientId } }), opts),
      ];
  return [
    ...inbox,
    ...(n.email
      ? [enqueue(db, email({ ...n.email, template: n.kind, data: { recipient: n.recipientId, subjectId: n.subjectId ?? null } }), opts)]
      : []),
    ...subs.map((s) =>
      enqueue(db, push({ subscriptionId: s.id, title: n.title, body: n.body, ...(n.link ? { url: n.link } : {}), template: n.kind }), opts),
    ),
  ];
}

/** Who may join `person:<id>`: that person only (anyone else gets the 404 of a room that is not theirs). */
export const personRoomAccess: RoomAccessCheck = async (_deps, caller, objectId) => {
  const who = caller.kind === "participant" || caller.kind === "user" ? recipientOf(caller) : undefined;
  if (!who || who.recipientId !== objectId) throw notFound("Room");
};
