import {
  CALENDAR_JOB_MAX_ITEMS,
  type CreateCalendarEvent,
  CreateCalendarEventSchema,
  canonicalTimeZone,
  ICS_IMPORT_MAX_BYTES,
  ICS_IMPORT_MAX_LINE,
} from "@gatherkit/core";
import { ApiError } from "../../../lib/errors.js";
import { recurrenceIssue } from "../calendar-events/recurrence.js";

/**
 * Reading an .ics file (RFC 5545) into events to create on a Google calendar. Strict about the
 * syntax (a malformed file is refused whole, 400 `ics_invalid` naming the line), lenient about
 * content (a VEVENT that cannot become a Google event fails alone, with its reason, in the job).
 *
 * - Lines are unfolded (CRLF or LF, continuation lines start with a space or tab); each content
 *   line must be `NAME;PARAM=…:value`; BEGIN/END must nest. At most ICS_IMPORT_MAX_BYTES and
 *   ICS_IMPORT_MAX_LINE octets a line, at most CALENDAR_JOB_MAX_ITEMS events.
 * - Times: `…Z` is UTC; `TZID=` an IANA zone (Google's and Apple's exports), a Windows zone name
 *   (Outlook's) mapped to IANA, or a VTIMEZONE of the file that names an IANA zone
 *   (X-LIC-LOCATION) or has a single fixed offset; a floating time is in the client's zone;
 *   `VALUE=DATE` is all-day. A timed event keeps its zone, so a series repeats in it.
 * - Series stay series: RRULE/EXDATE/RDATE go to Google as they are (checked with `rrule`), not
 *   expanded. An edited occurrence (RECURRENCE-ID) is not imported (its row fails, saying so).
 * - UID is the key: each UID becomes the same Google event id (see the job), so importing the
 *   same file again updates the events instead of duplicating them.
 * - Attendees are not imported (no one is emailed); CANCELLED events are skipped.
 */

export interface ImportRow {
  uid: string;
  /** Line of the VEVENT's BEGIN, for the failure report. */
  line: number;
  event?: CreateCalendarEvent;
  error?: string;
}

interface Prop {
  name: string;
  params: Record<string, string>;
  value: string;
  line: number;
}
interface Comp {
  name: string;
  props: Prop[];
  children: Comp[];
  line: number;
}

const invalid = (line: number, why: string) => new ApiError(400, "ics_invalid", `line ${line}: ${why}`);

const CONTENT_LINE = /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)$/s;
const PARAM = /;([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)/g;

/** A control character other than tab (what RFC 5545 forbids in a content line). */
function hasControl(l: string): boolean {
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** The file as components, or 400 `ics_invalid` with the first bad line. */
export function parseIcs(text: string): Comp {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > ICS_IMPORT_MAX_BYTES) {
    throw new ApiError(413, "payload_too_large", `The .ics is ${bytes} bytes; an import takes at most ${ICS_IMPORT_MAX_BYTES}.`);
  }
  const raw = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const logical: { text: string; line: number }[] = [];
  raw.forEach((l, i) => {
    const last = logical.at(-1);
    if ((l.startsWith(" ") || l.startsWith("\t")) && last) last.text += l.slice(1);
    else logical.push({ text: l, line: i + 1 });
    const now = logical.at(-1);
    if (now && now.text.length > ICS_IMPORT_MAX_LINE) throw invalid(now.line, `longer than ${ICS_IMPORT_MAX_LINE} characters`);
  });
  const stack: Comp[] = [];
  let root: Comp | null = null;
  for (const { text: l, line } of logical) {
    if (l.trim() === "") continue;
    if (hasControl(l)) throw invalid(line, "has a control character");
    const m = CONTENT_LINE.exec(l);
    if (!m) throw invalid(line, `is not a content line (NAME;PARAM=value:value): ${JSON.stringify(l.slice(0, 60))}`);
    const name = (m[1] ?? "").toUpperCase();
    const value = m[3] ?? "";
    if (name === "BEGIN") {
      const comp: Comp = { name: value.toUpperCase().trim(), props: [], children: [], line };
      if (!/^[A-Z0-9-]+$/.test(comp.name)) throw invalid(line, "BEGIN needs a component name");
      if (stack.length === 0) {
        if (root) throw invalid(line, "content after END:VCALENDAR");
        if (comp.name !== "VCALENDAR") throw invalid(line, "the file must start with BEGIN:VCALENDAR");
        root = comp;
      } else {
        stack.at(-1)?.children.push(comp);
      }
      if (stack.length >= 4) throw invalid(line, "components nested too deep");
      stack.push(comp);
      continue;
    }
    if (name === "END") {
      const open = stack.pop();
      if (!open) throw invalid(line, `END:${value} without a BEGIN`);
      if (open.name !== value.toUpperCase().trim())
        throw invalid(line, `END:${value} does not close BEGIN:${open.name} (line ${open.line})`);
      continue;
    }
    const comp = stack.at(-1);
    if (!comp) throw invalid(line, "content outside BEGIN:VCALENDAR … END:VCALENDAR");
    const params: Record<string, string> = {};
    for (const p of (m[2] ?? "").matchAll(PARAM)) params[(p[1] ?? "").toUpperCase()] = (p[2] ?? "").replace(/^"|"$/g, "");
    comp.props.push({ name, params, value, line });
  }
  const open = stack.at(-1);
  if (open) throw invalid(open.line, `BEGIN:${open.name} never ends`);
  if (!root) throw invalid(1, "no BEGIN:VCALENDAR: this is not an iCalendar file");
  return root;
}

/** Outlook's Windows zone names (the common ones) as IANA zones. */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Romance Standard Time": "Europe/Paris",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "E. Europe Standard Time": "Europe/Chisinau",
  "FLE Standard Time": "Europe/Kiev",
  "GTB Standard Time": "Europe/Bucharest",
  "Russian Standard Time": "Europe/Moscow",
  "Eastern Standard Time": "America/New_York",
  "Central Standard Time": "America/Chicago",
  "Mountain Standard Time": "America/Denver",
  "US Mountain Standard Time": "America/Phoenix",
  "Pacific Standard Time": "America/Los_Angeles",
  "Alaskan Standard Time": "America/Anchorage",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Atlantic Standard Time": "America/Halifax",
  "E. South America Standard Time": "America/Sao_Paulo",
  "India Standard Time": "Asia/Kolkata",
  "China Standard Time": "Asia/Shanghai",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Korea Standard Time": "Asia/Seoul",
  "Singapore Standard Time": "Asia/Singapore",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "New Zealand Standard Time": "Pacific/Auckland",
  "South Africa Standard Time": "Africa/Johannesburg",
  "Arabian Standard Time": "Asia/Dubai",
  "Israel Standard Time": "Asia/Jerusalem",
  "Turkey Standard Time": "Europe/Istanbul",
};

type Zone = { iana: string } | { fixedMinutes: number };

/** The zones of the file's VTIMEZONEs that can be read (see the header). */
function fileZones(root: Comp): Map<string, Zone> {
  const out = new Map<string, Zone>();
  for (const tz of root.children.filter((c) => c.name === "VTIMEZONE")) {
    const tzid = tz.props.find((p) => p.name === "TZID")?.value.trim();
    if (!tzid) continue;
    const named = [tz.props.find((p) => p.name === "X-LIC-LOCATION")?.value.trim(), tzid, WINDOWS_ZONES[tzid]]
      .map((n) => (n ? canonicalTimeZone(n) : null))
      .find((n) => n);
    if (named) {
      out.set(tzid, { iana: named });
      continue;
    }
    const parts = tz.children.filter((c) => c.name === "STANDARD" || c.name === "DAYLIGHT");
    const offsets = new Set(parts.map((p) => p.props.find((x) => x.name === "TZOFFSETTO")?.value.trim()));
    const [only] = [...offsets];
    const m = only && offsets.size === 1 ? /^([+-])(\d{2})(\d{2})$/.exec(only) : null;
    if (m) out.set(tzid, { fixedMinutes: (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) });
  }
  return out;
}

function zoneOf(tzid: string, zones: Map<string, Zone>): Zone | null {
  const cleaned = tzid.replace(/^\//, "");
  const iana = canonicalTimeZone(cleaned) ?? (WINDOWS_ZONES[cleaned] ? canonicalTimeZone(WINDOWS_ZONES[cleaned]) : null);
  return iana ? { iana } : (zones.get(tzid) ?? null);
}

/** Minutes `zone` is ahead of UTC at the instant `ms`. */
function offsetAt(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Math.round((Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - ms) / 60_000);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
const offsetText = (minutes: number) => `${minutes < 0 ? "-" : "+"}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;

type Time = { date: string } | { dateTime: string; timeZone?: string };

/** A DTSTART/DTEND value as a Google event time, or why not. */
function timeOf(p: Prop, zones: Map<string, Zone>, clientZone: string): Time | string {
  const v = p.value.trim();
  if (p.params.VALUE === "DATE" || /^\d{8}$/.test(v)) {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
    if (!m) return `${p.name} ${JSON.stringify(v)} is not a date (YYYYMMDD)`;
    return { date: `${m[1]}-${m[2]}-${m[3]}` };
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return `${p.name} ${JSON.stringify(v.slice(0, 40))} is not a date-time (YYYYMMDDTHHMMSS, Z for UTC)`;
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  if (Number.isNaN(Date.parse(`${local}Z`))) return `${p.name} ${v} is not a real date`;
  if (m[7] === "Z") return { dateTime: `${local}Z` };
  const tzid = p.params.TZID;
  const zone: Zone | null = tzid ? zoneOf(tzid, zones) : { iana: clientZone };
  if (!zone)
    return `${p.name} has time zone ${JSON.stringify(tzid)}, which is neither an IANA nor a known Windows zone, nor defined readably in the file`;
  const asUtc = Date.parse(`${local}Z`);
  if ("fixedMinutes" in zone) return { dateTime: `${local}${offsetText(zone.fixedMinutes)}` };
  // The offset at that wall-clock time: two passes settle it across a DST change.
  let offset = offsetAt(zone.iana, asUtc);
  offset = offsetAt(zone.iana, asUtc - offset * 60_000);
  return { dateTime: `${local}${offsetText(offset)}`, timeZone: zone.iana };
}

/** `PT1H30M`, `P1D`, `P1W` in ms, or null. */
function durationMs(v: string): number | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(v.trim());
  if (!m || v.trim() === "P" || v.trim().endsWith("T")) return null;
  const [, sign, w, d, h, min, s] = m;
  const ms = ((+(w ?? 0) * 7 + +(d ?? 0)) * 86_400 + +(h ?? 0) * 3600 + +(min ?? 0) * 60 + +(s ?? 0)) * 1000;
  return sign === "-" ? -ms : ms;
}

const unescapeText = (v: string) => v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));

function addTo(t: Time, ms: number): Time {
  if ("date" in t) return { date: new Date(Date.parse(`${t.date}T00:00:00Z`) + ms).toISOString().slice(0, 10) };
  const offset = t.dateTime.endsWith("Z") ? "Z" : t.dateTime.slice(-6);
  const utcMs = Date.parse(t.dateTime) + ms;
  if (offset === "Z") return { dateTime: new Date(utcMs).toISOString().replace(/\.000Z$/, "Z") };
  // Same zone as the start: the wall-clock end in that zone.
  const zoneMinutes = t.timeZone
    ? offsetAt(t.timeZone, utcMs)
    : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const wall = new Date(utcMs + zoneMinutes * 60_000).toISOString().slice(0, 19);
  return { dateTime: `${wall}${offsetText(zoneMinutes)}`, ...(t.timeZone ? { timeZone: t.timeZone } : {}) };
}

function rowOf(v: Comp, zones: Map<string, Zone>, clientZone: string): ImportRow | null {
  const one = (name: string) => v.props.find((p) => p.name === name);
  const uid = one("UID")?.value.trim() || `line-${v.line}`;
  const fail = (error: string): ImportRow => ({
    uid,
    line: v.line,
    error: `VEVENT at line ${v.line} (UID ${uid.slice(0, 100)}): ${error}`,
  });
  if (one("STATUS")?.value.trim().toUpperCase() === "CANCELLED") return null;
  const rid = one("RECURRENCE-ID");
  if (rid) {
    const row = fail("an edited occurrence of a series (RECURRENCE-ID) is not imported; the series is");
    return { ...row, uid: `${uid}|${rid.value.trim()}` };
  }
  const startProp = one("DTSTART");
  if (!startProp) return fail("has no DTSTART");
  const start = timeOf(startProp, zones, clientZone);
  if (typeof start === "string") return fail(start);
  const endProp = one("DTEND");
  const duration = one("DURATION");
  let end: Time | string;
  if (endProp) end = timeOf(endProp, zones, clientZone);
  else if (duration) {
    const ms = durationMs(duration.value);
    end = ms === null ? `DURATION ${JSON.stringify(duration.value.slice(0, 40))} is not a duration such as PT1H` : addTo(start, ms);
  } else if ("date" in start) end = addTo(start, 86_400_000);
  else return fail("has neither DTEND nor DURATION");
  if (typeof end === "string") return fail(end);
  // Recurrence lines keep their zone: a Windows TZID is written as the IANA zone it maps to.
  const recurrence = v.props
    .filter((p) => ["RRULE", "EXDATE", "RDATE", "EXRULE"].includes(p.name))
    .map((p) => {
      const params = Object.entries(p.params).map(([k, val]) => {
        if (k !== "TZID") return `;${k}=${val}`;
        const z = zoneOf(val, zones);
        return `;TZID=${z && "iana" in z ? z.iana : val}`;
      });
      return `${p.name}${params.join("")}:${p.value.trim()}`;
    });
  for (const line of recurrence) {
    const issue = recurrenceIssue(line);
    if (issue) return fail(`${line.slice(0, 80)}: ${issue}`);
  }
  if (recurrence.length && "dateTime" in start && !start.timeZone) start.timeZone = "UTC";
  const text = (name: string, max: number) => {
    const p = one(name);
    return p ? unescapeText(p.value).slice(0, max) : undefined;
  };
  const candidate = {
    title: text("SUMMARY", 1024)?.trim() || "(no title)",
    ...(text("DESCRIPTION", 8000) ? { description: text("DESCRIPTION", 8000) } : {}),
    ...(text("LOCATION", 1024) ? { location: text("LOCATION", 1024) } : {}),
    start,
    end: "dateTime" in end && "dateTime" in start && start.timeZone && !end.timeZone ? { ...end, timeZone: start.timeZone } : end,
    ...(recurrence.length ? { recurrence: recurrence.slice(0, 20) } : {}),
  };
  const parsed = CreateCalendarEventSchema.safeParse(candidate);
  if (!parsed.success) {
    return fail(parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; "));
  }
  return { uid, line: v.line, event: parsed.data };
}

/** The file's events as rows of an import job (each an event to write, or why it cannot be one). */
export function importRows(text: string, clientZone: string): ImportRow[] {
  const root = parseIcs(text);
  const zones = fileZones(root);
  const vevents = root.children.filter((c) => c.name === "VEVENT");
  if (vevents.length > CALENDAR_JOB_MAX_ITEMS) {
    throw new ApiError(
      413,
      "payload_too_large",
      `The .ics has ${vevents.length} events; an import takes at most ${CALENDAR_JOB_MAX_ITEMS}.`,
    );
  }
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const v of vevents) {
    const row = rowOf(v, zones, clientZone);
    if (!row) continue;
    // The same UID twice in one file (a series and its edits aside): the later one wins, once.
    const at = seen.get(row.uid);
    if (at !== undefined && row.event) rows[at] = row;
    else if (at === undefined) {
      seen.set(row.uid, rows.length);
      rows.push(row);
    }
  }
  return rows;
}
