import {
  type CalendarFeed,
  type CalendarFeedListQuery,
  type CreateCalendarFeed,
  ICS_CONTENT_TYPE,
  type IcsEvent,
  icsSequence,
  newId,
  writeIcs,
} from "@gatherkit/core";
import { calendarFeeds, newFeedToken } from "@gatherkit/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { sha256Hex } from "../../../lib/crypto.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { eventSchedule, guestSchedule, type SessionCalendarItem } from "../../events/index.js";
import { placeCalendarItems } from "../../places/index.js";
import { requireStaff } from "../access.js";

/**
 * Calendar feeds: subscribe URLs that calendar apps poll, for an event's schedule, a place's
 * bookings or a guest's signed-up sessions. Each URL carries a secret token (160 random bits)
 * stored only as its SHA-256 digest. The organizer revokes or rotates a feed; whoever holds the
 * URL (the guest it was given to) may too, by sending its token. A wrong token answers 404 (as if
 * there were no feed); the token of a revoked feed, or the one a rotation replaced, 410 Gone.
 * Bodies are deterministic (no generation time in them), so the ETag is their digest; Last-Modified
 * is when a poll first saw the current body, so it moves when an item is removed too.
 */

type FeedRow = typeof calendarFeeds.$inferSelect;

/** Bookings of a place's feed start this long ago (and go as far ahead as PLACE_SYNC_MAX_BOOKINGS reaches). */
export const FEED_PAST_MS = 30 * 86_400_000;
/** How often subscribing apps are asked to poll. */
const REFRESH_MINUTES = 60;

const feedUrl = (deps: Deps, id: string, token: string) =>
  `${deps.config.publicUrl.replace(/\/+$/, "")}/v1/calendar-feeds/${id}/calendar.ics?token=${token}`;

function toFeed(deps: Deps, r: FeedRow, token: string | null = null): CalendarFeed {
  return {
    id: r.id,
    subject: { type: r.subjectType, id: r.subjectId },
    label: r.label,
    status: r.revokedAt === null ? "active" : "revoked",
    url: token ? feedUrl(deps, r.id, token) : null,
    token,
    createdAt: toIso(r.createdAt),
    rotatedAt: toIso(r.rotatedAt),
    revokedAt: toIso(r.revokedAt),
    lastChangedAt: toIso(r.changedAt),
  };
}

/** The subject exists in the caller's organization, or 404. */
async function checkSubject(deps: Deps, orgId: string, subject: CreateCalendarFeed["subject"]): Promise<void> {
  const found =
    subject.type === "event"
      ? await eventSchedule(deps, orgId, subject.id)
      : subject.type === "guest"
        ? await guestSchedule(deps, orgId, subject.id)
        : await placeCalendarItems(deps, orgId, subject.id, { ids: [] });
  if (!found) throw notFound(subject.type === "event" ? "Event" : subject.type === "guest" ? "Guest" : "Place");
}

export async function createFeed(deps: Deps, caller: Caller | null, input: CreateCalendarFeed): Promise<CalendarFeed> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await checkSubject(deps, staff.orgId, input.subject);
  const token = newFeedToken();
  const row: FeedRow = {
    id: newId("calendarFeed"),
    orgId: staff.orgId,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    label: input.label,
    tokenHash: await sha256Hex(token),
    previousTokenHash: null,
    etag: null,
    changedAt: null,
    createdAt: deps.now(),
    rotatedAt: null,
    revokedAt: null,
  };
  // The answer (with the token, shown once) is sealed with the write: a retry after a crash gets it.
  const created = toFeed(deps, row, token);
  answerOnCommit(deps, 201, created);
  await deps.db.insert(calendarFeeds).values(row);
  return created;
}

export async function listFeeds(deps: Deps, caller: Caller | null, query: CalendarFeedListQuery) {
  const staff = requireStaff(caller);
  return paginate(
    calendarFeeds,
    query,
    (p) =>
      deps.db
        .select()
        .from(calendarFeeds)
        .where(
          and(
            eq(calendarFeeds.orgId, staff.orgId),
            query.subjectType ? eq(calendarFeeds.subjectType, query.subjectType) : undefined,
            query.subjectId ? eq(calendarFeeds.subjectId, query.subjectId) : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r) => toFeed(deps, r),
  );
}

async function loadFeed(deps: Deps, orgId: string, feedId: string): Promise<FeedRow> {
  const [row] = await deps.db
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.id, feedId), eq(calendarFeeds.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Calendar feed");
  return row;
}

const revokedProblem = () =>
  new ApiError(410, "calendar_feed_revoked", "This calendar feed URL was revoked or replaced: ask the organizer for the new one.");

/** A new token for an active feed (the previous one answers 410 from now on), returned once. */
async function rotate(deps: Deps, row: FeedRow): Promise<CalendarFeed> {
  if (row.revokedAt !== null) throw revokedProblem();
  const token = newFeedToken();
  const tokenHash = await sha256Hex(token);
  const now = deps.now();
  const rotated = toFeed(deps, { ...row, tokenHash, previousTokenHash: row.tokenHash, rotatedAt: now }, token);
  // The new URL (shown once) is sealed with the write, where it took effect.
  answerOnCommit(
    deps,
    200,
    rotated,
    sql`EXISTS (SELECT 1 FROM ${calendarFeeds} WHERE ${calendarFeeds.id} = ${row.id} AND ${calendarFeeds.tokenHash} = ${tokenHash})`,
  );
  // Only over the token it read: two rotations at once make one new URL, the other a 409.
  const changed = await deps.db
    .update(calendarFeeds)
    .set({ tokenHash, previousTokenHash: row.tokenHash, rotatedAt: now })
    .where(and(eq(calendarFeeds.id, row.id), eq(calendarFeeds.tokenHash, row.tokenHash), isNull(calendarFeeds.revokedAt)))
    .returning({ id: calendarFeeds.id });
  if (changed.length === 0) throw new ApiError(409, "conflict", "The feed changed meanwhile (rotated or revoked): read it again.");
  return rotated;
}

async function revoke(deps: Deps, row: FeedRow): Promise<void> {
  if (row.revokedAt !== null) return;
  // Revoked by this write or a concurrent one, the answer is the same 204: sealed with the write.
  answerOnCommit(deps, 204, null);
  await deps.db
    .update(calendarFeeds)
    .set({ revokedAt: deps.now() })
    .where(and(eq(calendarFeeds.id, row.id), isNull(calendarFeeds.revokedAt)));
}

export async function rotateFeed(deps: Deps, caller: Caller | null, feedId: string): Promise<CalendarFeed> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  return rotate(deps, await loadFeed(deps, staff.orgId, feedId));
}

export async function revokeFeed(deps: Deps, caller: Caller | null, feedId: string): Promise<void> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await revoke(deps, await loadFeed(deps, staff.orgId, feedId));
}

/**
 * The feed whose current token is `token`: 404 when there is no such feed or the token is not
 * its current or previous one; 410 when it is the previous one or the feed was revoked.
 */
async function feedByToken(deps: Deps, feedId: string, token: string | undefined): Promise<FeedRow> {
  const missing = notFound("Calendar feed");
  if (!token || !/^[0-9a-f]{40}$/.test(token)) throw missing;
  const [row] = await deps.db.select().from(calendarFeeds).where(eq(calendarFeeds.id, feedId)).limit(1);
  if (!row) throw missing;
  const hash = await sha256Hex(token);
  if (hash === row.tokenHash) {
    if (row.revokedAt !== null) throw revokedProblem();
    return row;
  }
  if (hash === row.previousTokenHash) throw revokedProblem();
  throw missing;
}

/** The holder of the URL replaces its token (the old URL answers 410). */
export async function rotateFeedByToken(deps: Deps, feedId: string, token: string): Promise<CalendarFeed> {
  return rotate(deps, await feedByToken(deps, feedId, token));
}

/** The holder of the URL ends it. Revoking a revoked feed with its token is 410. */
export async function revokeFeedByToken(deps: Deps, feedId: string, token: string): Promise<void> {
  await revoke(deps, await feedByToken(deps, feedId, token));
}

const sequenceOf = (r: { createdAt: number; updatedAt: number }) => icsSequence(r.createdAt, r.updatedAt);

function sessionEvents(host: string, sessions: SessionCalendarItem[], eventTitle: string, venue: string | null, cancelled: boolean) {
  return sessions.map(
    (s): IcsEvent => ({
      uid: `${s.id}@${host}`,
      stamp: s.updatedAt,
      sequence: sequenceOf(s),
      start: s.startsAt,
      end: s.endsAt,
      summary: `${s.title} (${eventTitle})`,
      description: s.description || null,
      location: s.room ?? venue,
      status: cancelled ? "CANCELLED" : "CONFIRMED",
      lastModified: s.updatedAt,
    }),
  );
}

/** The feed's calendar as it is now. The subject gone (deleted) is an empty calendar, not an error: apps keep polling. */
async function feedBody(deps: Deps, row: FeedRow): Promise<string> {
  const host = new URL(deps.config.publicUrl).hostname;
  if (row.subjectType === "place") {
    const place = await placeCalendarItems(deps, row.orgId, row.subjectId, { from: deps.now() - FEED_PAST_MS });
    const bookings = (place?.bookings ?? []).filter((b) => b.holds);
    return writeIcs(
      {
        product: "Feeds",
        method: "PUBLISH",
        name: place ? `${place.name}: bookings` : "Bookings",
        timeZone: place?.timeZone,
        refreshMinutes: REFRESH_MINUTES,
      },
      bookings.map((b) => ({
        uid: `${b.id}@${host}`,
        stamp: b.updatedAt,
        sequence: sequenceOf(b),
        start: b.startsAt,
        end: b.endsAt,
        summary: `Booking: ${b.contactName}${b.vehiclePlate ? ` (${b.vehiclePlate})` : ""}`,
        location: place ? [place.name, place.address].filter(Boolean).join(", ") : null,
        status: "CONFIRMED",
        lastModified: b.updatedAt,
      })),
    );
  }
  const guestRead = row.subjectType === "guest" ? await guestSchedule(deps, row.orgId, row.subjectId) : null;
  const schedule = row.subjectType === "guest" ? guestRead : await eventSchedule(deps, row.orgId, row.subjectId);
  if (!schedule) return writeIcs({ product: "Feeds", method: "PUBLISH", name: "Schedule", refreshMinutes: REFRESH_MINUTES }, []);
  const e = schedule.event;
  // A draft or unpublished event is not on anyone's calendar yet (or any more); a cancelled one says so.
  // A guest's feed holds the event while they are going (maybe: tentative), with the sessions they picked.
  const guest = guestRead?.guest ?? null;
  const going = !guest || guest.status === "confirmed" || guest.status === "maybe";
  const listed = going && (e.status === "published" || e.status === "cancelled");
  const cancelled = e.status === "cancelled";
  const status = cancelled ? "CANCELLED" : guest?.status === "maybe" ? "TENTATIVE" : "CONFIRMED";
  const items: IcsEvent[] = listed
    ? [
        {
          uid: `${e.eventId}@${host}`,
          stamp: e.updatedAt,
          sequence: sequenceOf(e),
          start: e.startsAt,
          end: e.endsAt,
          summary: e.title,
          description: e.description || null,
          location: e.venue,
          status,
          lastModified: e.updatedAt,
        },
        ...(guest && guest.status !== "confirmed" ? [] : sessionEvents(host, schedule.sessions, e.title, e.venue, cancelled)),
      ]
    : [];
  return writeIcs({ product: "Feeds", method: "PUBLISH", name: e.title, timeZone: e.timeZone, refreshMinutes: REFRESH_MINUTES }, items);
}

export interface FeedAnswer {
  status: 200 | 304;
  body: string | null;
  headers: Record<string, string>;
}

const httpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

/** Whether `If-None-Match` names `etag` (weak comparison, `*` too). */
const matches = (header: string, etag: string) =>
  header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag.replace(/^W\//, ""));

/**
 * GET of a feed URL: the calendar with its ETag and Last-Modified, or 304 when the app's
 * `If-None-Match` (or, without one, `If-Modified-Since`) says it has this version already.
 */
export async function serveFeed(
  deps: Deps,
  feedId: string,
  token: string | undefined,
  conditional: { ifNoneMatch?: string | undefined; ifModifiedSince?: string | undefined },
): Promise<FeedAnswer> {
  const row = await feedByToken(deps, feedId, token);
  const body = await feedBody(deps, row);
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  let changedAt = row.changedAt;
  if (row.etag !== etag || changedAt === null) {
    changedAt = deps.now();
    // Remembered only over what this poll read: concurrent polls of a change write it once.
    await deps.db
      .update(calendarFeeds)
      .set({ etag, changedAt })
      .where(and(eq(calendarFeeds.id, row.id), row.etag === null ? isNull(calendarFeeds.etag) : eq(calendarFeeds.etag, row.etag)));
  }
  const headers = {
    etag,
    "last-modified": httpDate(changedAt),
    "cache-control": "private, max-age=300",
  };
  const since = conditional.ifModifiedSince ? Date.parse(conditional.ifModifiedSince) : Number.NaN;
  const fresh =
    conditional.ifNoneMatch !== undefined
      ? matches(conditional.ifNoneMatch, etag)
      : Number.isFinite(since) && Math.floor(changedAt / 1000) * 1000 <= since;
  if (fresh) return { status: 304, body: null, headers };
  return {
    status: 200,
    body,
    headers: { ...headers, "content-type": ICS_CONTENT_TYPE, "content-disposition": `inline; filename="${row.id}.ics"` },
  };
}
