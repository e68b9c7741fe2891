import { newId } from "@gatherkit/core";
import { events, guests, outbox } from "@gatherkit/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../../platform/notifications/index.js";
import type { EventRow } from "../access.js";

/**
 * Telling the guests who picked a session that it changed or was cancelled, through the
 * notifications platform: one `notify` row per change, naming the guests who held the session
 * when the change was written (read by the same statement, in the change's batch, so a pick
 * landing meanwhile is either named or not there yet, and a deleted session's picks are read
 * before they go). At send time each guest gets it in their inbox, by email, SMS and push as their
 * preferences allow — unless they stopped being confirmed, or the whole event was cancelled.
 */
const KINDS = ["session_changed", "session_cancelled"] as const;
type Kind = (typeof KINDS)[number];

const formatAt = (event: Pick<EventRow, "timeZone">, at: number) =>
  new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(at);

/** The `notify` row for `kind` about session `session`, written only when it has pickers and `when` holds. */
export function pickersNotified(
  deps: Deps,
  event: EventRow,
  kind: Kind,
  session: { id: string; title: string; startsAt: number; room: string | null },
  when: SQL,
): BatchItem<"sqlite"> {
  const now = deps.now();
  const key = newId("outbox");
  const data = sql`json_object('eventId', ${event.id}, 'sessionTitle', ${session.title}, 'eventTitle', ${event.title},
    'startsAt', ${`${formatAt(event, session.startsAt)} (${event.timeZone})`}, 'room', ${session.room}, 'guestIds', json(p.ids))`;
  return deps.db.insert(outbox).select(
    sql`SELECT ${newId("outbox")}, ${event.orgId}, 'notify',
          json_object('kind', ${kind}, 'subjectId', ${session.id}, 'data', ${data}, 'key', ${key}),
          0, ${now}, NULL, NULL, NULL, ${now}, ${key}
        FROM (SELECT json_group_array(guest_id) AS ids, count(*) AS n FROM session_signups WHERE session_id = ${session.id}) p
        WHERE p.n > 0 AND ${when}`,
  );
}

function resolver(kind: Kind): NotificationResolver {
  return async (deps, orgId, n) => {
    const d = n.data;
    const ids = Array.isArray(d.guestIds) ? d.guestIds.filter((x): x is string => typeof x === "string") : [];
    if (typeof d.eventId !== "string" || ids.length === 0) return null;
    const [event] = await deps.db
      .select({ id: events.id, status: events.status })
      .from(events)
      .where(and(eq(events.id, d.eventId), eq(events.orgId, orgId)))
      .limit(1);
    if (!event || event.status === "cancelled") return null;
    const recipients = await deps.db
      .select({ recipientId: guests.id, email: guests.email, phone: guests.phone })
      .from(guests)
      .where(and(eq(guests.eventId, event.id), inArray(guests.id, ids), eq(guests.status, "confirmed")));
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const data = {
      sessionTitle: text(d.sessionTitle),
      eventTitle: text(d.eventTitle),
      startsAt: text(d.startsAt),
      room: typeof d.room === "string" ? d.room : null,
    };
    return {
      recipients,
      render: (o) => {
        const r = renderNotification(kind, data, o);
        // An SMS says what happened, not only the title: it is read on its own.
        return { ...r, sms: r.inbox.body.slice(0, 320) };
      },
    };
  };
}

export const SESSION_NOTIFICATIONS: Record<Kind, NotificationResolver> = {
  session_changed: resolver("session_changed"),
  session_cancelled: resolver("session_cancelled"),
};
