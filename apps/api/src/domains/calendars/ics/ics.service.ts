import { type CalendarJob, type IcsEvent, type IcsImportPreview, type IcsTime, type ImportIcs, writeIcs } from "@gatherkit/core";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, requireStaff } from "../access.js";
import { eventsPath, type GoogleEvent } from "../calendar-events/calendar-events.service.js";
import { calendarApi } from "../google.js";
import { type ImportJobRow, insertJob } from "../jobs/jobs.service.js";
import { importRows } from "./ics-import.js";

/** Most events one export reads (Google pages of 250). */
export const ICS_EXPORT_MAX_EVENTS = 2500;

/** A Google event as the writer's VEVENT; none when it has no start and end it can read. */
function vevent(e: GoogleEvent & { iCalUID?: string; sequence?: number }, stamp: number): IcsEvent | null {
  // A series keeps its zone (TZID and a VTIMEZONE), so its occurrences stay at the same local time
  // across daylight-saving changes; a single event is written in UTC.
  const series = Boolean(e.recurrence?.length);
  const when = (t: GoogleEvent["start"]): IcsTime | null => {
    if (t?.date) return { date: t.date };
    const at = t?.dateTime ? Date.parse(t.dateTime) : Number.NaN;
    if (Number.isNaN(at)) return null;
    return series && t?.timeZone ? { at, timeZone: t.timeZone } : at;
  };
  const start = when(e.start);
  const end = when(e.end);
  if (start === null || end === null) return null;
  const updated = e.updated ? Date.parse(e.updated) : Number.NaN;
  return {
    uid: e.iCalUID ?? `${e.id}@google.com`,
    sequence: e.sequence ?? 0,
    // When Google last changed it: the same export twice is the same file (no generation time in it).
    stamp: Number.isNaN(updated) ? stamp : updated,
    start,
    end,
    summary: e.summary ?? "",
    description: e.description ?? null,
    location: e.location ?? null,
    // Google keeps RRULE/EXRULE/RDATE/EXDATE as iCalendar lines already (validated with rrule when written here).
    recurrence: e.recurrence ?? [],
    status: e.status === "tentative" ? "TENTATIVE" : "CONFIRMED",
    lastModified: Number.isNaN(updated) ? null : updated,
  };
}

/**
 * A client's calendar as iCalendar (RFC 5545): every event (series as one VEVENT with its RRULE,
 * not expanded), at most ICS_EXPORT_MAX_EVENTS, written by core's one iCalendar writer (single
 * events in UTC, series in their zone). Google's iCalUID is each event's UID, so importing it elsewhere updates, not duplicates;
 * an event without a readable start and end is left out.
 */
export async function exportCalendar(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  range: { timeMin?: string | undefined; timeMax?: string | undefined },
): Promise<string> {
  const client = await loadClient(deps, caller, clientId);
  const stamp = deps.now();
  const events: IcsEvent[] = [];
  let pageToken: string | undefined;
  let count = 0;
  do {
    const page = await calendarApi<{ items?: GoogleEvent[]; nextPageToken?: string }>(
      deps,
      client.orgId,
      clientId,
      "GET",
      eventsPath(calendarId),
      {
        query: { maxResults: "250", pageToken, timeMin: range.timeMin, timeMax: range.timeMax, singleEvents: "false" },
        notFound: "Calendar",
      },
    );
    for (const e of page?.items ?? []) {
      const event = e.status === "cancelled" || count >= ICS_EXPORT_MAX_EVENTS ? null : vevent(e, stamp);
      if (!event) continue;
      events.push(event);
      count++;
    }
    pageToken = page?.nextPageToken;
  } while (pageToken && count < ICS_EXPORT_MAX_EVENTS);
  return writeIcs({ product: "Calendars", method: "PUBLISH", name: `${client.name}: ${calendarId}` }, events);
}

/**
 * Imports an .ics into one of the client's calendars as a bulk job (see ics-import.ts for what is
 * read and how): a malformed file is refused at once (400 `ics_invalid` with the line), nothing
 * queued; otherwise each VEVENT is a row of the job, created at Google under an id derived from its
 * UID (or updated, when a previous import made it), a VEVENT that cannot be one failing alone.
 */
export async function importCalendar(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  input: ImportIcs,
): Promise<CalendarJob> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  const client = await loadClient(deps, caller, clientId);
  const rows = importRows(input.ics, client.timeZone);
  const items: ImportJobRow[] = rows.map((r) => ({ calendarId, uid: r.uid, ...(r.event ? { event: r.event } : { error: r.error }) }));
  return insertJob(deps, staff.orgId, clientId, "import_ics", items);
}

/**
 * What `importCalendar` would queue, without queuing it: the same rows from the same parser (so the
 * errors shown are the ones the job would report, at the same indexes), for a form to preview.
 */
export async function previewImport(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  _calendarId: string,
  input: ImportIcs,
): Promise<IcsImportPreview> {
  requireStaff(caller, ["owner", "admin"]);
  const client = await loadClient(deps, caller, clientId);
  const rows = importRows(input.ics, client.timeZone);
  const failing = rows.filter((r) => !r.event).length;
  return {
    total: rows.length,
    importable: rows.length - failing,
    failing,
    items: rows.map((r, index) => ({
      index,
      line: r.line,
      uid: r.uid,
      title: r.event?.title ?? null,
      start: r.event?.start ?? null,
      recurring: Boolean(r.event?.recurrence?.length),
      error: r.event ? null : (r.error ?? "cannot be imported"),
    })),
  };
}
