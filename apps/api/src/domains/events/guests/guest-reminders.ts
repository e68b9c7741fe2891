import { eventRsvp, events, guests, outbox } from "@gatherkit/db";
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { enqueueWhen, notify } from "../../../lib/outbox.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../../platform/notifications/index.js";
import type { EventRow } from "../access.js";

/**
 * Reminders to an event's guests, through the notifications platform's scheduled `notify` rows:
 * one row per reminder the organizer set (minutes before the start), due then. At send time the
 * resolver checks again that it still holds — the event is published (not cancelled), starts when
 * it did when the reminder was scheduled, and the reminder is still set — and sends it to the
 * guests who said yes or maybe as they are then (never to those who declined or withdrew): in
 * their inbox, by email, by SMS to the phone number they gave and by push to the browsers they
 * subscribed through their link, each as the guest's preferences allow when it is sent.
 */
const KIND = "event_reminder";

const pending = (eventId: string) =>
  and(
    eq(outbox.kind, "notify"),
    isNull(outbox.sentAt),
    sql`json_extract(${outbox.payload}, '$.kind') = ${KIND}`,
    sql`json_extract(${outbox.payload}, '$.subjectId') = ${eventId}`,
  );

/**
 * Replaces the event's pending reminders by one per entry of `reminders` still ahead, all only if
 * `when` holds (the change they belong to was written). Undefined `reminders` keeps them as they are.
 */
export function reminderWrites(
  deps: Deps,
  event: Pick<EventRow, "id" | "orgId" | "startsAt">,
  reminders: number[] | undefined,
  when: SQL,
): BatchItem<"sqlite">[] {
  if (reminders === undefined) return [];
  const db = deps.db;
  const now = deps.now();
  const writes: BatchItem<"sqlite">[] = [db.delete(outbox).where(and(pending(event.id), when))];
  for (const before of reminders) {
    const dueAt = event.startsAt - before * 60_000;
    if (dueAt <= now) continue;
    const message = notify({ kind: KIND, subjectId: event.id, data: { startsAt: event.startsAt, before } });
    writes.push(enqueueWhen(db, message, when, { orgId: event.orgId, now, dueAt }));
  }
  return writes;
}

/**
 * When an event's start moves: its reminders again, for the new start (the ones scheduled for the
 * old start would be suppressed at send time). For the batch of the event's update, guarded by `when`.
 */
export function rescheduleReminders(deps: Deps, event: Pick<EventRow, "id" | "orgId" | "startsAt">, when: SQL): BatchItem<"sqlite">[] {
  const db = deps.db;
  const now = deps.now();
  const writes: BatchItem<"sqlite">[] = [db.delete(outbox).where(and(pending(event.id), when))];
  // One row per reminder still ahead, written by SQL from the settings as the statement runs.
  const start = event.startsAt;
  writes.push(
    db.insert(outbox).select(
      sql`SELECT 'obx_' || lower(hex(randomblob(10))), r.org_id, 'notify',
            json_object('kind', ${KIND}, 'subjectId', r.event_id, 'data', json_object('startsAt', ${start}, 'before', j.value),
              'key', r.event_id || ':reminder:' || j.value || ':' || ${now}),
            0, ${start} - j.value * 60000, NULL, NULL, NULL, ${now}, r.event_id || ':reminder:' || j.value || ':' || ${now}
          FROM event_rsvp r, json_each(r.reminders) j
          WHERE r.event_id = ${event.id} AND ${start} - j.value * 60000 > ${now} AND ${when}`,
    ),
  );
  return writes;
}

export const GUEST_NOTIFICATIONS: Record<typeof KIND, NotificationResolver> = {
  [KIND]: async (deps, orgId, n) => {
    const [event] = await deps.db
      .select()
      .from(events)
      .where(and(eq(events.id, n.subjectId), eq(events.orgId, orgId)))
      .limit(1);
    const [settings] = await deps.db.select().from(eventRsvp).where(eq(eventRsvp.eventId, n.subjectId)).limit(1);
    if (
      event?.status !== "published" ||
      event.startsAt !== n.data.startsAt ||
      event.startsAt <= deps.now() ||
      typeof n.data.before !== "number" ||
      !settings?.reminders.includes(n.data.before)
    ) {
      return null;
    }
    const rows = await deps.db
      .select({ recipientId: guests.id, email: guests.email, phone: guests.phone })
      .from(guests)
      .where(and(eq(guests.eventId, event.id), inArray(guests.status, ["confirmed", "maybe"])));
    const at = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
    const data = {
      eventTitle: event.title,
      startsAt: `${at} (${event.timeZone})`,
      venue: event.venueName,
      iso: toIso(event.startsAt) ?? "",
    };
    // The text says when (and where), not only the title: a reminder by SMS is read on its own.
    const text = [`Reminder: ${event.title} starts ${data.startsAt}.`, event.venueName ? ` ${event.venueName}` : ""].join("");
    return { recipients: rows, render: (o) => ({ ...renderNotification(KIND, data, o), sms: text.slice(0, 320) }) };
  },
};
