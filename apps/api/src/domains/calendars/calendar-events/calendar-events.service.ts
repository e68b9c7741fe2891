import type { CalendarEvent, CalendarEventListQuery, CreateCalendarEvent, EventTime, Page, UpdateCalendarEvent } from "@gatherkit/core";
import { ApiError } from "../../../lib/errors.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, type Target } from "../access.js";
import { requireWritable } from "../calendars/calendars.service.js";
import { calendarApi } from "../google.js";
import { googleEventIdFor } from "../sync.js";
import { recurrenceIssue } from "./recurrence.js";

/** Google's shapes, as far as we read them. */
export interface GoogleEvent {
  id: string;
  status?: string;
  summary?: string;
  description?: string;
  location?: string;
  start?: { dateTime?: string; date?: string; timeZone?: string };
  end?: { dateTime?: string; date?: string; timeZone?: string };
  attendees?: { email?: string; displayName?: string; optional?: boolean; responseStatus?: string }[];
  recurrence?: string[];
  recurringEventId?: string;
  reminders?: { useDefault?: boolean; overrides?: { method: "email" | "popup"; minutes: number }[] };
  hangoutLink?: string;
  extendedProperties?: { shared?: Record<string, string> };
  colorId?: string;
  htmlLink?: string;
  updated?: string;
}

const CONFERENCE_KEY = "gk_conference_link";
const enc = encodeURIComponent;
export const eventsPath = (calendarId: string) => `/calendars/${enc(calendarId)}/events`;

async function target(deps: Deps, caller: Caller | null, clientId: string): Promise<Target> {
  const client = await loadClient(deps, caller, clientId);
  return { orgId: client.orgId, clientId };
}

function toTime(t: GoogleEvent["start"]): EventTime {
  if (t?.date) return { date: t.date };
  return { dateTime: t?.dateTime ?? "1970-01-01T00:00:00Z", ...(t?.timeZone ? { timeZone: t.timeZone } : {}) };
}

export function toEvent(calendarId: string, e: GoogleEvent): CalendarEvent {
  return {
    id: e.id,
    calendarId,
    status: e.status ?? "confirmed",
    title: e.summary ?? "",
    description: e.description ?? null,
    location: e.location ?? null,
    start: toTime(e.start),
    end: toTime(e.end),
    attendees: (e.attendees ?? []).map((a) => ({
      email: a.email ?? "",
      displayName: a.displayName ?? null,
      optional: a.optional === true,
      responseStatus: a.responseStatus ?? null,
    })),
    recurrence: e.recurrence ?? [],
    recurringEventId: e.recurringEventId ?? null,
    reminders: { useDefault: e.reminders?.useDefault ?? true, overrides: e.reminders?.overrides ?? [] },
    conferenceLink: e.extendedProperties?.shared?.[CONFERENCE_KEY] ?? e.hangoutLink ?? null,
    colorId: e.colorId ?? null,
    htmlLink: e.htmlLink ?? null,
    updatedAt: e.updated ?? null,
  };
}

/** The rules the schema cannot check alone: recurrence lines (with rrule), and a zone for a recurring timed event. */
export function checkRecurrence(input: UpdateCalendarEvent) {
  const errors: { path: string; message: string }[] = [];
  input.recurrence?.forEach((line, i) => {
    const issue = recurrenceIssue(line);
    if (issue) errors.push({ path: `body.recurrence.${i}`, message: issue });
  });
  if (input.recurrence?.length && input.start && "dateTime" in input.start && !input.start.timeZone) {
    errors.push({ path: "body.start.timeZone", message: "a recurring timed event needs the time zone its rule repeats in" });
  }
  if (errors.length > 0) {
    throw new ApiError(400, "validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { errors });
  }
}

/** Our fields as Google's (only those sent: PATCH semantics). */
export function toGoogle(input: UpdateCalendarEvent): Partial<GoogleEvent> {
  const out: Partial<GoogleEvent> = {};
  if (input.title !== undefined) out.summary = input.title;
  if (input.description !== undefined) out.description = input.description;
  if (input.location !== undefined) out.location = input.location;
  if (input.start) out.start = input.start;
  if (input.end) out.end = input.end;
  if (input.attendees) out.attendees = input.attendees.map((a) => ({ email: a.email, displayName: a.displayName, optional: a.optional }));
  if (input.recurrence) out.recurrence = input.recurrence;
  if (input.reminders) out.reminders = { useDefault: input.reminders.useDefault, overrides: input.reminders.overrides ?? [] };
  if (input.conferenceLink !== undefined) out.extendedProperties = { shared: { [CONFERENCE_KEY]: input.conferenceLink } };
  if (input.colorId !== undefined) out.colorId = input.colorId;
  return out;
}

const cursorOf = (pageToken: string) => btoa(pageToken).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function pageTokenOf(cursor: string): string {
  try {
    return atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    const message = "is not a cursor from this list: pass the nextCursor of the previous page unchanged";
    throw new ApiError(400, "validation_failed", `query.cursor: ${message}`, { errors: [{ path: "query.cursor", message }] });
  }
}

export async function listEvents(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  q: CalendarEventListQuery,
): Promise<Page<CalendarEvent>> {
  const t = await target(deps, caller, clientId);
  const body = await calendarApi<{ items?: GoogleEvent[]; nextPageToken?: string }>(
    deps,
    t.orgId,
    t.clientId,
    "GET",
    eventsPath(calendarId),
    {
      query: {
        maxResults: String(q.limit),
        pageToken: q.cursor === undefined ? undefined : pageTokenOf(q.cursor),
        timeMin: q.timeMin,
        timeMax: q.timeMax,
        q: q.q,
        singleEvents: q.singleEvents === undefined ? undefined : String(q.singleEvents),
        ...(q.singleEvents ? { orderBy: "startTime" } : {}),
      },
      notFound: "Calendar",
    },
  );
  return {
    data: (body?.items ?? []).map((e) => toEvent(calendarId, e)),
    nextCursor: body?.nextPageToken ? cursorOf(body.nextPageToken) : null,
  };
}

export async function getEvent(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  eventId: string,
): Promise<CalendarEvent> {
  const t = await target(deps, caller, clientId);
  const e = await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "GET", `${eventsPath(calendarId)}/${enc(eventId)}`, {
    notFound: "Event",
  });
  if (!e) throw new ApiError(502, "calendar_unavailable", "Google answered without the event.");
  return toEvent(calendarId, e);
}

export type SendUpdates = "all" | "externalOnly" | "none";

/**
 * Creates the event on a calendar the connection may write (attendees emailed per `sendUpdates`).
 * With `eventId` (a create under an Idempotency-Key: the id derived from it), Google is asked for
 * that id: a retry of a create whose answer was lost finds its event there (409) and answers it.
 */
export async function createEventFor(
  deps: Deps,
  t: Target,
  calendarId: string,
  input: CreateCalendarEvent,
  sendUpdates: SendUpdates,
  eventId?: string,
): Promise<CalendarEvent> {
  checkRecurrence(input);
  await requireWritable(deps, t, calendarId);
  let e: GoogleEvent | null;
  try {
    e = await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "POST", eventsPath(calendarId), {
      query: { sendUpdates },
      body: eventId ? { ...toGoogle(input), id: eventId } : toGoogle(input),
      notFound: "Calendar",
    });
  } catch (err) {
    if (!(eventId && err instanceof ApiError && err.code === "conflict")) throw err;
    e = await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "GET", `${eventsPath(calendarId)}/${enc(eventId)}`, {
      notFound: "Event",
    });
  }
  if (!e) throw new ApiError(502, "calendar_unavailable", "Google answered without the event.");
  return toEvent(calendarId, e);
}

export async function updateEventFor(
  deps: Deps,
  t: Target,
  calendarId: string,
  eventId: string,
  patch: UpdateCalendarEvent,
  sendUpdates: SendUpdates,
): Promise<CalendarEvent> {
  checkRecurrence(patch);
  await requireWritable(deps, t, calendarId);
  const e = await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "PATCH", `${eventsPath(calendarId)}/${enc(eventId)}`, {
    query: { sendUpdates },
    body: toGoogle(patch),
    notFound: "Event",
  });
  if (!e) throw new ApiError(502, "calendar_unavailable", "Google answered without the event.");
  return toEvent(calendarId, e);
}

export async function deleteEventFor(deps: Deps, t: Target, calendarId: string, eventId: string, sendUpdates: SendUpdates): Promise<void> {
  await requireWritable(deps, t, calendarId);
  await calendarApi(deps, t.orgId, t.clientId, "DELETE", `${eventsPath(calendarId)}/${enc(eventId)}`, {
    query: { sendUpdates },
    notFound: "Event",
  });
}

export async function createEvent(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  input: CreateCalendarEvent,
  sendUpdates: SendUpdates,
  requestKey?: string,
) {
  // The event is written at Google, not here (nothing of the request's own is stored): a retry after
  // a crash runs again and asks Google for the same id, so the calendar gets one event.
  const eventId = requestKey === undefined ? undefined : await googleEventIdFor(`request:${clientId}:${calendarId}`, requestKey);
  return createEventFor(deps, await target(deps, caller, clientId), calendarId, input, sendUpdates, eventId);
}

export async function updateEvent(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  eventId: string,
  patch: UpdateCalendarEvent,
  sendUpdates: SendUpdates,
) {
  return updateEventFor(deps, await target(deps, caller, clientId), calendarId, eventId, patch, sendUpdates);
}

export async function deleteEvent(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  eventId: string,
  sendUpdates: SendUpdates,
) {
  return deleteEventFor(deps, await target(deps, caller, clientId), calendarId, eventId, sendUpdates);
}
