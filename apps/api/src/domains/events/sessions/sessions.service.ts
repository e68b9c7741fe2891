import { type CreateEventSession, type EventSession, newId, type UpdateEventSession } from "@gatherkit/core";
import { eventSessions } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type EventRow, loadEvent } from "../access.js";

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
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.insert(eventSessions).values(row);
  return toSession(row);
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
  const [written] = await deps.db
    .update(eventSessions)
    .set({
      ...(input.title !== undefined && { title: input.title }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.room !== undefined && { room: input.room }),
      ...(input.track !== undefined && { track: input.track }),
      ...(input.speakers !== undefined && { speakers: input.speakers }),
      startsAt,
      endsAt,
      updatedAt,
    })
    .where(and(eq(eventSessions.id, row.id), eq(eventSessions.updatedAt, row.updatedAt)))
    .returning();
  if (!written) throw conflict("The session changed while this edit was on its way: read it again and retry.");
  return toSession(written);
}

export async function deleteSession(deps: Deps, caller: Caller | null, eventId: string, sessionId: string): Promise<void> {
  const event = await organizerEvent(deps, caller, eventId);
  const row = await loadSession(deps, event, sessionId);
  await deps.db.delete(eventSessions).where(eq(eventSessions.id, row.id));
}
