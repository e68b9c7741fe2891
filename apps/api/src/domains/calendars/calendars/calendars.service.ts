import type { Calendar } from "@gatherkit/core";
import { calendarConnections } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError } from "../../../lib/errors.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, type Target } from "../access.js";
import { calendarApi } from "../google.js";
import { cachedCalendars, forgetCalendars, rememberCalendars } from "./calendar-list-cache.js";

const enc = encodeURIComponent;

/** A calendarList entry as Google sends it, as far as we read it. */
export interface GoogleCalendarEntry {
  id: string;
  summary?: string;
  summaryOverride?: string;
  timeZone?: string;
  accessRole: Calendar["accessRole"];
  primary?: boolean;
}

function toCalendar(c: GoogleCalendarEntry): Calendar {
  return {
    id: c.id,
    summary: c.summaryOverride ?? c.summary ?? c.id,
    timeZone: c.timeZone ?? null,
    accessRole: c.accessRole,
    primary: c.primary === true,
  };
}

/**
 * The client's calendars: from this process's cache while fresh (see calendar-list-cache.ts),
 * else from Google (every page), then cached. `ageSeconds`: how old the list is.
 */
export async function listCalendars(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
): Promise<{ body: { data: Calendar[] }; ageSeconds: number }> {
  const client = await loadClient(deps, caller, clientId);
  const t = { orgId: client.orgId, clientId };
  const [conn] = await deps.db
    .select({ status: calendarConnections.status, connectedAt: calendarConnections.connectedAt })
    .from(calendarConnections)
    .where(and(eq(calendarConnections.clientId, clientId), eq(calendarConnections.orgId, t.orgId)))
    .limit(1);
  const connectedAt = conn?.status === "valid" ? conn.connectedAt : null;
  if (connectedAt !== null) {
    const hit = cachedCalendars(deps, t, connectedAt);
    if (hit) return { body: { data: hit.data }, ageSeconds: Math.floor(hit.ageMs / 1000) };
  } else {
    forgetCalendars(deps, t);
  }
  const fetchedAt = deps.now();
  const data: Calendar[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const body = await calendarApi<{ items?: GoogleCalendarEntry[]; nextPageToken?: string }>(
      deps,
      t.orgId,
      t.clientId,
      "GET",
      "/users/me/calendarList",
      {
        query: { maxResults: "250", pageToken },
      },
    );
    data.push(...(body?.items ?? []).map(toCalendar));
    pageToken = body?.nextPageToken;
    if (!pageToken) break;
  }
  if (connectedAt !== null) rememberCalendars(deps, t, connectedAt, fetchedAt, data);
  return { body: { data }, ageSeconds: 0 };
}

/** 403 `calendar_not_writable` unless the connection may write events on the calendar. */
export async function requireWritable(deps: Deps, t: Target, calendarId: string): Promise<void> {
  const entry = await calendarApi<GoogleCalendarEntry>(deps, t.orgId, t.clientId, "GET", `/users/me/calendarList/${enc(calendarId)}`, {
    notFound: "Calendar",
  });
  if (!entry || (entry.accessRole !== "owner" && entry.accessRole !== "writer")) {
    throw new ApiError(
      403,
      "calendar_not_writable",
      `This connection can only read calendar ${calendarId} (${entry?.accessRole ?? "no access"}): choose a calendar it may write.`,
    );
  }
}
