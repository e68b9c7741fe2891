import { newId } from "@gatherkit/core";
import { type Db, inboxItems, pushSubscriptions } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { RoomAccessCheck } from "../../lib/domain.js";
import { notFound } from "../../lib/errors.js";
import { email, enqueue, push, realtime } from "../../lib/outbox.js";
import { personRoom, recipientOf } from "./inbox.service.js";

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
 * them (then `deliverSoon`): the inbox item, an `inbox.changed` to the person's room, and one
 * outbox row per other channel (one per push subscription the person has now).
 */
export async function notificationWrites(db: Db, n: Notification, now: number): Promise<BatchItem<"sqlite">[]> {
  const subs = n.push
    ? await db
        .select({ id: pushSubscriptions.id })
        .from(pushSubscriptions)
        .where(and(eq(pushSubscriptions.orgId, n.orgId), eq(pushSubscriptions.recipientId, n.recipientId)))
    : [];
  const opts = { orgId: n.orgId, now };
  return [
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
    ...(n.email ? [enqueue(db, email({ ...n.email, template: n.kind, data: { subjectId: n.subjectId ?? null } }), opts)] : []),
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
