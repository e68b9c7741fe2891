import { type CalendarJob, escapeIcsText, foldIcsLine, type ImportIcs } from "@gatherkit/core";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, requireStaff } from "../access.js";
import { eventsPath, type GoogleEvent } from "../calendar-events/calendar-events.service.js";
import { calendarApi } from "../google.js";
import { type ImportJobRow, insertJob } from "../jobs/jobs.service.js";
import { importRows } from "./ics-import.js";

/** Most events one export reads (Google pages of 250). */
export const ICS_EXPORT_MAX_EVENTS = 2500;

/** `2030-07-01T09:00:00+02:00` → `20300701T070000Z`; `2030-07-01` → `20300701`. */
const utc = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
const day = (date: string) => date.replaceAll("-", "");

function vevent(e: GoogleEvent & { iCalUID?: string; sequence?: number }, stamp: string): string[] {
  if (!e.start || !e.end) return [];
  const when = (name: "DTSTART" | "DTEND", t: NonNullable<GoogleEvent["start"]>) =>
    t.date ? `${name};VALUE=DATE:${day(t.date)}` : `${name}:${utc(t.dateTime ?? "")}`;
  return [
    "BEGIN:VEVENT",
    `UID:${escapeIcsText(e.iCalUID ?? `${e.id}@google.com`)}`,
    // When Google last changed it: the same export twice is the same file (no generation time in it).
    `DTSTAMP:${e.updated ? utc(e.updated) : stamp}`,
    when("DTSTART", e.start),
    when("DTEND", e.end),
    `SUMMARY:${escapeIcsText(e.summary ?? "")}`,
    ...(e.description ? [`DESCRIPTION:${escapeIcsText(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${escapeIcsText(e.location)}`] : []),
    // Google keeps RRULE/EXRULE/RDATE/EXDATE as iCalendar lines already (validated with rrule when written here).
    ...(e.recurrence ?? []).filter((l) => /^(RRULE|EXRULE|RDATE|EXDATE)[:;]/.test(l)),
    `SEQUENCE:${e.sequence ?? 0}`,
    `STATUS:${e.status === "tentative" ? "TENTATIVE" : "CONFIRMED"}`,
    ...(e.updated ? [`LAST-MODIFIED:${utc(e.updated)}`] : []),
    "END:VEVENT",
  ];
}

/**
 * A client's calendar as iCalendar (RFC 5545): every event (series as one VEVENT with its RRULE,
 * not expanded), at most ICS_EXPORT_MAX_EVENTS, escaped and folded by the same helpers as the
 * plans' feed. Google's iCalUID is each event's UID, so importing it elsewhere updates, not duplicates.
 */
export async function exportCalendar(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  calendarId: string,
  range: { timeMin?: string | undefined; timeMax?: string | undefined },
): Promise<string> {
  const client = await loadClient(deps, caller, clientId);
  const stamp = utc(new Date(deps.now()).toISOString());
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Gatherkit//Calendars//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"];
  lines.push(`X-WR-CALNAME:${escapeIcsText(`${client.name}: ${calendarId}`)}`);
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
      if (e.status === "cancelled" || count >= ICS_EXPORT_MAX_EVENTS) continue;
      lines.push(...vevent(e, stamp));
      count++;
    }
    pageToken = page?.nextPageToken;
  } while (pageToken && count < ICS_EXPORT_MAX_EVENTS);
  lines.push("END:VCALENDAR");
  return `${lines.map(foldIcsLine).join("\r\n")}\r\n`;
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
