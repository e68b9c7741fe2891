import { type CreateEventSession, type EventSession, newId, type UpdateEventSession } from "@gatherkit/core";
import { eventSessions, guests, sessionSignups } from "@gatherkit/db";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit, rerunOnRetry } from "../../../lib/idempotent-writes.js";
import { deliverSoon, email, enqueueWhen } from "../../../lib/outbox.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type EventRow, loadEvent } from "../access.js";
import { enqueueEventMessage, enqueueRoomRow, eventRoom } from "../events.js";
import { guestOfToken } from "../guests/guest-link.service.js";
import { icsHost, itipAttachment, sessionItip } from "../ics.js";
import { pickersNotified } from "./session-notices.js";

type SessionRow = typeof eventSessions.$inferSelect;

function toSession(row: SessionRow): EventSession {
  return {
    id: row.id,
    eventId: row.eventId,
    title: row.title,
    description: row.description,
    startsAt: toIso(row.startsAt),
    endsAt: toIso(row.endsAt),
    room: row.room,
    track: row.track,
    speakers: row.speakers,
    capacity: row.capacity,
    signedUp: row.signedUp,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

async function organizerEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<EventRow> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  if (event.status === "cancelled") throw new ApiError(409, "invalid_event_transition", "A cancelled event's agenda cannot be changed.");
  return event;
}

/** A session must lie within the event's own time (422 `session_outside_event`). */
function withinEvent(event: EventRow, startsAt: number, endsAt: number): void {
  if (endsAt <= startsAt) {
    const message = "must be after startsAt";
    throw new ApiError(400, "validation_failed", `body.endsAt: ${message}`, { errors: [{ path: "body.endsAt", message }] });
  }
  if (startsAt < event.startsAt || endsAt > event.endsAt) {
    throw new ApiError(
      422,
      "session_outside_event",
      `A session must lie within the event (${toIso(event.startsAt)} to ${toIso(event.endsAt)}).`,
    );
  }
}

async function loadSession(deps: Deps, event: EventRow, sessionId: string): Promise<SessionRow> {
  const [row] = await deps.db
    .select()
    .from(eventSessions)
    .where(and(eq(eventSessions.id, sessionId), eq(eventSessions.eventId, event.id)))
    .limit(1);
  if (!row) throw notFound("Session");
  return row;
}

export async function createSession(deps: Deps, caller: Caller | null, eventId: string, input: CreateEventSession): Promise<EventSession> {
  const event = await organizerEvent(deps, caller, eventId);
  const startsAt = fromIso(input.startsAt);
  const endsAt = fromIso(input.endsAt);
  withinEvent(event, startsAt, endsAt);
  const now = deps.now();
  const row: SessionRow = {
    id: newId("eventSession"),
    orgId: event.orgId,
    eventId: event.id,
    title: input.title,
    description: input.description,
    startsAt,
    endsAt,
    room: input.room ?? null,
    track: input.track ?? null,
    speakers: input.speakers,
    capacity: input.capacity,
    signedUp: 0,
    icsSequence: 0,
    createdAt: now,
    updatedAt: now,
  };
  const created = toSession(row);
  answerOnCommit(deps, 201, created);
  await deps.db.batch([deps.db.insert(eventSessions).values(row), agendaChanged(deps, event, row.id, 0)]);
  deliverSoon(deps);
  return created;
}

/** The agenda in time order: organizers for any event of theirs, everyone else for published events. */
export async function listSessions(deps: Deps, caller: Caller | null, eventId: string): Promise<{ data: EventSession[] }> {
  const { event } = await loadEvent(deps, caller, eventId);
  const rows = await deps.db
    .select()
    .from(eventSessions)
    .where(eq(eventSessions.eventId, event.id))
    .orderBy(asc(eventSessions.startsAt), asc(eventSessions.track), asc(eventSessions.id));
  return { data: rows.map(toSession) };
}

export async function getSession(deps: Deps, caller: Caller | null, eventId: string, sessionId: string): Promise<EventSession> {
  const { event } = await loadEvent(deps, caller, eventId);
  return toSession(await loadSession(deps, event, sessionId));
}

/**
 * Edits a session (organizers). The capacity cannot go below the guests signed up (409
 * `session_full`). A change of time, room or title notifies the guests who picked it (a
 * `session_changed` notification, queued in the same batch as the change).
 */
export async function updateSession(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  sessionId: string,
  input: UpdateEventSession,
): Promise<EventSession> {
  const event = await organizerEvent(deps, caller, eventId);
  const row = await loadSession(deps, event, sessionId);
  const startsAt = input.startsAt === undefined ? row.startsAt : fromIso(input.startsAt);
  const endsAt = input.endsAt === undefined ? row.endsAt : fromIso(input.endsAt);
  withinEvent(event, startsAt, endsAt);
  const updatedAt = Math.max(deps.now(), row.updatedAt + 1);
  const capacity = input.capacity === undefined ? row.capacity : input.capacity;
  const db = deps.db;
  const written = sql`EXISTS (SELECT 1 FROM event_sessions WHERE id = ${row.id} AND updated_at = ${updatedAt})`;
  const title = input.title ?? row.title;
  const room = input.room === undefined ? row.room : input.room;
  const noticeable = startsAt !== row.startsAt || endsAt !== row.endsAt || room !== row.room || title !== row.title;
  const [[done]] = await db.batch([
    db
      .update(eventSessions)
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.room !== undefined && { room: input.room }),
        ...(input.track !== undefined && { track: input.track }),
        ...(input.speakers !== undefined && { speakers: input.speakers }),
        ...(input.capacity !== undefined && { capacity: input.capacity }),
        // A change the pickers' calendars show raises the session's SEQUENCE (their REQUEST replaces the old copy).
        ...(noticeable && { icsSequence: row.icsSequence + 1 }),
        startsAt,
        endsAt,
        updatedAt,
      })
      .where(
        and(
          eq(eventSessions.id, row.id),
          eq(eventSessions.updatedAt, row.updatedAt),
          capacity === null ? undefined : sql`${eventSessions.signedUp} <= ${capacity}`,
        ),
      )
      .returning(),
    agendaChanged(deps, event, row.id, sql`(SELECT signed_up FROM event_sessions WHERE id = ${row.id})`, written),
    ...(noticeable
      ? [
          pickersNotified(
            deps,
            event,
            "session_changed",
            {
              id: row.id,
              title,
              description: input.description ?? row.description,
              startsAt,
              endsAt,
              room,
              icsSequence: row.icsSequence + 1,
            },
            written,
          ),
        ]
      : []),
  ]);
  if (!done) {
    const now = await loadSession(deps, event, sessionId);
    if (now.updatedAt === row.updatedAt && capacity !== null && now.signedUp > capacity) {
      throw new ApiError(409, "session_full", `${now.signedUp} guests already signed up: the capacity cannot be lower.`);
    }
    throw conflict("The session changed while this edit was on its way: read it again and retry.");
  }
  deliverSoon(deps);
  return toSession(done);
}

/** The `event.agenda_changed` message of a session (its sign-ups as SQL, as the statement runs), when `when` holds. */
function agendaChanged(
  deps: Deps,
  event: EventRow,
  sessionId: string,
  signedUp: number | ReturnType<typeof sql> | null,
  when?: ReturnType<typeof sql>,
) {
  if (typeof signedUp !== "object" || signedUp === null) {
    return enqueueEventMessage(
      deps,
      event.orgId,
      event.id,
      { type: "event.agenda_changed", data: { eventId: event.id, sessionId, signedUp } },
      when,
    );
  }
  const room = eventRoom(event.id);
  const payload = sql`json_object('room', ${room}, 'event', json_object('type', 'event.agenda_changed', 'data', json_object('eventId', ${event.id}, 'sessionId', ${sessionId}, 'signedUp', ${signedUp})))`;
  return enqueueRoomRow(deps, event.orgId, room, payload, when ?? sql`1`);
}

/** Deletes a session (organizers); the guests who picked it get a `session_cancelled` notification. */
export async function deleteSession(deps: Deps, caller: Caller | null, eventId: string, sessionId: string): Promise<void> {
  const event = await organizerEvent(deps, caller, eventId);
  const row = await loadSession(deps, event, sessionId);
  const db = deps.db;
  // Who picked it is read (for their notice) before the picks go with it: their personal agenda
  // and calendar file no longer list it.
  await db.batch([
    // Their CANCEL outranks every REQUEST they had (a higher SEQUENCE, the same UID).
    pickersNotified(deps, event, "session_cancelled", { ...row, icsSequence: row.icsSequence + 1 }, sql`1`),
    db.delete(sessionSignups).where(eq(sessionSignups.sessionId, row.id)),
    db.delete(eventSessions).where(eq(eventSessions.id, row.id)),
    agendaChanged(deps, event, row.id, null),
  ]);
  deliverSoon(deps);
}

// --- A guest's picks (their personal link) ------------------------------------------------------

/** The email that puts a picked session in the guest's calendar (REQUEST) or takes a dropped one out (CANCEL), when `when` holds. */
function sessionMail(
  deps: Deps,
  event: EventRow,
  session: SessionRow,
  guest: { id: string; name: string; email: string | null },
  method: "REQUEST" | "CANCEL",
  when: SQL,
): BatchItem<"sqlite">[] {
  if (!guest.email) return [];
  const ics = sessionItip(event, session, method, {
    ...icsHost(deps.config),
    now: deps.now(),
    attendee: { name: guest.name, email: guest.email, status: "ACCEPTED" },
  });
  const message = email({
    to: guest.email,
    subject: `${method === "REQUEST" ? "On your agenda" : "Off your agenda"}: ${session.title} (${event.title})`,
    text: `Hello ${guest.name},\n\n"${session.title}" ${method === "REQUEST" ? "is on" : "is no longer on"} your agenda for ${event.title}. The attached invitation ${method === "REQUEST" ? "adds it to" : "removes it from"} your calendar.\n`,
    attachments: [itipAttachment(`session-${session.id}.ics`, ics)],
    template: method === "REQUEST" ? "session_picked" : "session_dropped",
    data: { eventId: event.id, guestId: guest.id, sessionId: session.id },
  });
  return [enqueueWhen(deps.db, message, when, { orgId: event.orgId, now: deps.now() })];
}

/** The sessions a guest picked, in time order. */
export async function pickedSessions(deps: Deps, guestId: string): Promise<SessionRow[]> {
  const rows = await deps.db
    .select({ s: eventSessions })
    .from(sessionSignups)
    .innerJoin(eventSessions, eq(eventSessions.id, sessionSignups.sessionId))
    .where(eq(sessionSignups.guestId, guestId))
    .orderBy(asc(eventSessions.startsAt), asc(eventSessions.id));
  return rows.map((r) => r.s);
}

export async function personalAgenda(deps: Deps, eventId: string, token: string): Promise<{ data: EventSession[] }> {
  const { guest } = await guestOfToken(deps, eventId, token);
  return { data: (await pickedSessions(deps, guest.id)).map(toSession) };
}

/**
 * A confirmed guest picks a session through their personal link. One batch: the session's counter
 * moves only while it has room, the guest is still confirmed, has no pick overlapping it and has
 * not picked it already; the pick is inserted only if the counter moved. So of any number of
 * concurrent picks, no more than the capacity land, and a guest never holds two overlapping
 * sessions. Refusals: 409 `session_full`, 409 `session_overlap`, 409 `guest_not_confirmed`,
 * 409 `rsvp_closed` (cancelled event). Picking a session one already has answers it again.
 */
export async function pickSession(deps: Deps, eventId: string, token: string, sessionId: string): Promise<EventSession> {
  const { event, guest } = await guestOfToken(deps, eventId, token);
  if (event.status === "cancelled") throw new ApiError(409, "rsvp_closed", "This event is cancelled.");
  const session = await loadSession(deps, event, sessionId);
  const db = deps.db;
  const target = sql`(SELECT starts_at FROM event_sessions WHERE id = ${session.id})`;
  const targetEnd = sql`(SELECT ends_at FROM event_sessions WHERE id = ${session.id})`;
  const overlapping = sql`SELECT s.id, s.title FROM session_signups p JOIN event_sessions s ON s.id = p.session_id
    WHERE p.guest_id = ${guest.id} AND s.id <> ${session.id} AND s.starts_at < ${targetEnd} AND s.ends_at > ${target}`;
  const counter = db
    .update(eventSessions)
    .set({ signedUp: sql`${eventSessions.signedUp} + 1` })
    .where(
      and(
        eq(eventSessions.id, session.id),
        sql`(${eventSessions.capacity} IS NULL OR ${eventSessions.signedUp} < ${eventSessions.capacity})`,
        sql`EXISTS (SELECT 1 FROM guests WHERE id = ${guest.id} AND status = 'confirmed')`,
        sql`NOT EXISTS (SELECT 1 FROM session_signups WHERE session_id = ${session.id} AND guest_id = ${guest.id})`,
        sql`NOT EXISTS (${overlapping})`,
      ),
    );
  const pickId = newId("sessionSignup");
  const pick = insertWhen(
    db,
    sessionSignups,
    { id: pickId, orgId: event.orgId, eventId: event.id, sessionId: session.id, guestId: guest.id, createdAt: deps.now() },
    sql`changes() > 0`,
  ).returning({ id: sessionSignups.id });
  // Picking a session one has answers it again: a retry after a crash runs again.
  rerunOnRetry(deps);
  return guardedWrite(
    deps,
    [
      counter,
      pick,
      agendaChanged(deps, event, session.id, sql`(SELECT signed_up FROM event_sessions WHERE id = ${session.id})`, sql`changes() > 0`),
      // The session lands in the guest's calendar as its own iTIP REQUEST, once the pick is written.
      ...sessionMail(deps, event, session, guest, "REQUEST", sql`EXISTS (SELECT 1 FROM session_signups WHERE id = ${pickId})`),
    ],
    {
      written: ([, rows]) => (rows[0] ? true : undefined),
      explain: async () => {
        const [mine] = await db
          .select({ id: sessionSignups.id })
          .from(sessionSignups)
          .where(and(eq(sessionSignups.sessionId, session.id), eq(sessionSignups.guestId, guest.id)))
          .limit(1);
        if (mine) return true;
        const [g] = await db.select({ status: guests.status }).from(guests).where(eq(guests.id, guest.id)).limit(1);
        if (g?.status !== "confirmed") {
          throw new ApiError(
            409,
            "guest_not_confirmed",
            `Only confirmed guests pick sessions (this guest is ${g?.status ?? "gone"}): answer yes first.`,
          );
        }
        const [clash] = (await db.all(overlapping)) as { id: string; title: string }[];
        if (clash)
          throw new ApiError(409, "session_overlap", `This session overlaps "${clash.title}", which you already picked: drop it first.`);
        const now = await loadSession(deps, event, session.id);
        if (now.capacity !== null && now.signedUp >= now.capacity) {
          throw new ApiError(409, "session_full", `"${now.title}" is full (${now.capacity} places).`);
        }
        throw conflict("The agenda changed while this pick was on its way: try again.");
      },
    },
  ).then(async () => toSession(await loadSession(deps, event, session.id)));
}

/** Drops a guest's pick (their personal link); dropping one they do not have changes nothing. */
export async function dropSession(deps: Deps, eventId: string, token: string, sessionId: string): Promise<void> {
  const { event, guest } = await guestOfToken(deps, eventId, token);
  const session = await loadSession(deps, event, sessionId);
  const db = deps.db;
  const picked = sql`EXISTS (SELECT 1 FROM session_signups WHERE session_id = ${session.id} AND guest_id = ${guest.id})`;
  await db.batch([
    db
      .update(eventSessions)
      .set({ signedUp: sql`${eventSessions.signedUp} - 1`, icsSequence: sql`${eventSessions.icsSequence} + 1` })
      .where(and(eq(eventSessions.id, session.id), picked)),
    db
      .delete(sessionSignups)
      .where(and(eq(sessionSignups.sessionId, session.id), eq(sessionSignups.guestId, guest.id), sql`changes() > 0`)),
    // The dropped session leaves the guest's calendar: a CANCEL with its UID and the raised SEQUENCE
    // (written only if the pick went, so the next statement's `changes()` still says whether it did).
    ...sessionMail(deps, event, { ...session, icsSequence: session.icsSequence + 1 }, guest, "CANCEL", sql`changes() > 0`),
    agendaChanged(deps, event, session.id, sql`(SELECT signed_up FROM event_sessions WHERE id = ${session.id})`, sql`changes() > 0`),
  ]);
  deliverSoon(deps);
}
