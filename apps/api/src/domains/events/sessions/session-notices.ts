import { newId } from "@gatherkit/core";
import { events, guests, outbox } from "@gatherkit/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../../lib/types.js";
import { type NotificationResolver, renderNotification } from "../../../platform/notifications/index.js";
import type { EventRow } from "../access.js";
import { type IcsSession, icsHost, itipAttachment, sessionItip } from "../ics.js";

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

/**
 * The `notify` row for `kind` about session `session`, written only when it has pickers and `when`
 * holds. It carries the session as changed (or as it was, when deleted) with its new SEQUENCE, for
 * each picker's iTIP REQUEST (changed) or CANCEL (deleted) attachment.
 */
export function pickersNotified(deps: Deps, event: EventRow, kind: Kind, session: IcsSession, when: SQL): BatchItem<"sqlite"> {
  const now = deps.now();
  const key = newId("outbox");
  const snapshot = JSON.stringify({
    id: session.id,
    title: session.title,
    description: session.description,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    room: session.room,
    icsSequence: session.icsSequence,
    // The UIDs' domain and the fallback organizer, as the API's public URL names them now (the deliverer has no config).
    ...icsHost(deps.config),
  });
  const data = sql`json_object('eventId', ${event.id}, 'sessionTitle', ${session.title}, 'eventTitle', ${event.title},
    'startsAt', ${`${formatAt(event, session.startsAt)} (${event.timeZone})`}, 'room', ${session.room}, 'session', json(${snapshot}), 'guestIds', json(p.ids))`;
  return deps.db.insert(outbox).select(
    sql`SELECT ${newId("outbox")}, ${event.orgId}, 'notify',
          json_object('kind', ${kind}, 'subjectId', ${session.id}, 'data', ${data}, 'key', ${key}),
          0, ${now}, NULL, NULL, NULL, ${now}, ${key}
        FROM (SELECT json_group_array(guest_id) AS ids, count(*) AS n FROM session_signups WHERE session_id = ${session.id}) p
        WHERE p.n > 0 AND ${when}`,
  );
}

/** The session snapshot a notice carries (rows queued before snapshots were carried have none: no attachment). */
function sessionOf(v: unknown): (IcsSession & { uidDomain: string; fallbackOrganizer: string }) | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === "string" ? x : null);
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
  const id = str(o.id);
  const title = str(o.title);
  const startsAt = num(o.startsAt);
  const endsAt = num(o.endsAt);
  const icsSequence = num(o.icsSequence);
  const uidDomain = str(o.uidDomain);
  const fallbackOrganizer = str(o.fallbackOrganizer);
  if (!id || !title || startsAt === null || endsAt === null || icsSequence === null || !uidDomain || !fallbackOrganizer) return null;
  return {
    id,
    title,
    description: str(o.description) ?? "",
    startsAt,
    endsAt,
    room: str(o.room),
    icsSequence,
    uidDomain,
    fallbackOrganizer,
  };
}

function resolver(kind: Kind): NotificationResolver {
  return async (deps, orgId, n) => {
    const d = n.data;
    const ids = Array.isArray(d.guestIds) ? d.guestIds.filter((x): x is string => typeof x === "string") : [];
    if (typeof d.eventId !== "string" || ids.length === 0) return null;
    const [event] = await deps.db
      .select()
      .from(events)
      .where(and(eq(events.id, d.eventId), eq(events.orgId, orgId)))
      .limit(1);
    if (!event || event.status === "cancelled") return null;
    const recipients = await deps.db
      .select({ recipientId: guests.id, email: guests.email, phone: guests.phone, name: guests.name })
      .from(guests)
      .where(and(eq(guests.eventId, event.id), inArray(guests.id, ids), eq(guests.status, "confirmed")));
    const session = sessionOf(d.session);
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
        const guest = recipients.find((g) => g.recipientId === o.recipientId);
        // The picker's calendar copy of the session: replaced (REQUEST, higher SEQUENCE) or removed (CANCEL).
        const attachments =
          session && guest?.email
            ? [
                itipAttachment(
                  `session-${session.id}.ics`,
                  sessionItip(event, session, kind === "session_changed" ? "REQUEST" : "CANCEL", {
                    uidDomain: session.uidDomain,
                    fallbackOrganizer: session.fallbackOrganizer,
                    now: deps.now(),
                    attendee: { name: guest.name, email: guest.email, status: "ACCEPTED" },
                  }),
                ),
              ]
            : [];
        // An SMS says what happened, not only the title: it is read on its own.
        return { ...r, email: { ...r.email, attachments }, sms: r.inbox.body.slice(0, 320) };
      },
    };
  };
}

export const SESSION_NOTIFICATIONS: Record<Kind, NotificationResolver> = {
  session_changed: resolver("session_changed"),
  session_cancelled: resolver("session_cancelled"),
};
