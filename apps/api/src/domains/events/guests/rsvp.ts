import { type Guest, newId } from "@gatherkit/core";
import { eventRsvp, eventSessions, guestRsvpChanges, guests, outbox, sessionSignups } from "@gatherkit/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError, conflict } from "../../../lib/errors.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { resumedFrom, resumeOnCommit, rootDb } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import { calendarSourceChanged } from "../../calendars/index.js";
import type { EventRow } from "../access.js";
import { eventIcs, type IcsAttachment, type IcsAttendee, type IcsSession, icsHost, itipAttachment, sessionItip } from "../ics.js";
import { guestCalendarWithdrawn } from "./guest-calendar-notices.js";

/**
 * The RSVP engine: every change of a guest's status goes through `changeGuest`, one `db.batch`
 * that moves the event's seat counter, the guest, the guest's history and its notifications
 * together, each statement guarded so that a concurrent change makes the whole write a no-op
 * (then re-read and explained). The seat counter only moves while it has room (and the CHECK on
 * `event_rsvp` refuses an overshoot regardless); a `yes` that finds no room joins the waitlist in
 * the same statement. Seats freed in a write are offered to the waitlist, in order, in that write.
 */

export type GuestRow = typeof guests.$inferSelect;
export type SettingsRow = typeof eventRsvp.$inferSelect;
type Status = GuestRow["status"];
export type ChangedBy = "guest" | "organizer" | "waitlist";

/** Seats a guest holds in the headcount: themself and their plus-ones, while confirmed. */
export const seatsOf = (g: Pick<GuestRow, "status" | "plusOnes">) => (g.status === "confirmed" ? 1 + g.plusOnes : 0);

/** An event's RSVP settings row, created with the defaults (invite only, no limit) the first time it is needed. */
export async function ensureSettings(deps: Deps, event: EventRow): Promise<SettingsRow> {
  // The default settings row is created on first use, outside the request's Idempotency-Key
  // (`rootDb`): it is not the request's effect, and a create that follows stays its only write.
  const db = rootDb(deps.db);
  const [, rows] = await db.batch([
    db.insert(eventRsvp).values({ eventId: event.id, orgId: event.orgId, updatedAt: deps.now() }).onConflictDoNothing(),
    db.select().from(eventRsvp).where(eq(eventRsvp.eventId, event.id)).limit(1),
  ]);
  const row = rows[0];
  if (!row) throw new Error(`event ${event.id} has no RSVP settings`);
  return row;
}

/** The time after which answers cannot change: the settings' deadline, else the event's start. */
export const deadlineOf = (event: EventRow, settings: SettingsRow) => settings.deadline ?? event.startsAt;

/** A guest's plus-one limit: their own, else the event's. */
export const plusOneLimit = (settings: SettingsRow, guest: Pick<GuestRow, "maxPlusOnes">) => guest.maxPlusOnes ?? settings.maxPlusOnes;

/** Waitlist positions (1 = next to move up) of an event's waitlisted guests. */
export async function waitlistPositions(deps: Deps, eventId: string): Promise<Map<string, number>> {
  const rows = await deps.db
    .select({ id: guests.id })
    .from(guests)
    .where(and(eq(guests.eventId, eventId), eq(guests.status, "waitlisted")))
    .orderBy(guests.waitlistedAt, guests.id);
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

export function toGuest(row: GuestRow, positions: Map<string, number>): Guest {
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    tags: row.tags,
    notes: row.notes,
    maxPlusOnes: row.maxPlusOnes,
    status: row.status,
    plusOnes: row.plusOnes,
    plusOneNames: row.plusOneNames,
    answers: row.answers,
    waitlistPosition: positions.get(row.id) ?? null,
    invitedAt: toIso(row.invitedAt),
    respondedAt: toIso(row.respondedAt),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** The history row of the write `writeId` for the guest it changed (nothing when it changed none); its id is `writeId`. */
function historyOf(deps: Deps, writeId: string, by: ChangedBy, now: number) {
  return deps.db
    .insert(guestRsvpChanges)
    .select(
      sql`SELECT ${writeId}, g.org_id, g.event_id, g.id, g.status, g.plus_ones, g.plus_one_names, ${by}, ${now} FROM guests g WHERE g.write_id = ${writeId}`,
    );
}

/**
 * A confirmed guest's calendar invitations as email attachments: the event as an iTIP REQUEST
 * (the guest's calendar keeps it and replaces it on updates; CANCEL once the event is cancelled),
 * with the guest as ATTENDEE when given, and each of their picked sessions as its own REQUEST (an
 * iTIP message carries one UID) — at most 4, the outbox's limit being 5 files per email.
 */
export function icsAttachment(
  deps: Pick<Deps, "config" | "now">,
  event: EventRow,
  attendee?: IcsAttendee,
  sessions: readonly IcsSession[] = [],
): IcsAttachment[] {
  const common = { ...icsHost(deps.config), now: deps.now(), attendee };
  return [
    itipAttachment("invite.ics", eventIcs(event, { method: "REQUEST", ...common })),
    ...sessions.slice(0, 4).map((s) => itipAttachment(`session-${s.id}.ics`, sessionItip(event, s, "REQUEST", common))),
  ];
}
type Attachment = IcsAttachment;

/** The sessions a guest picked, in time order (what their invitations carry). */
export async function picksOf(deps: Deps, guestId: string): Promise<(typeof eventSessions.$inferSelect)[]> {
  const rows = await deps.db
    .select({ s: eventSessions })
    .from(sessionSignups)
    .innerJoin(eventSessions, eq(eventSessions.id, sessionSignups.sessionId))
    .where(eq(sessionSignups.guestId, guestId))
    .orderBy(eventSessions.startsAt, eventSessions.id);
  return rows.map((r) => r.s);
}

/** A new outbox id made by SQL, for messages inserted by `INSERT … SELECT`. */
const sqlOutboxId = sql`'obx_' || lower(hex(randomblob(10)))`;

/**
 * Notifies the guest changed by `writeId`, if they now have `status`: an email (when they have an
 * address) and an SMS (when they have a phone number), written by SQL so that a guest the write
 * moved up from the waitlist (whom the request never read) is notified in the same batch.
 */
function notifyIf(
  deps: Deps,
  writeId: string,
  status: Status,
  event: EventRow,
  subject: string,
  body: SQL,
  template: string,
  attachments?: Attachment[],
  /** Per guest id, their own attachments (an invitation naming them), used instead of `attachments` for the guests in it. */
  named?: Record<string, Attachment[]>,
) {
  const now = deps.now();
  const files = !attachments
    ? sql``
    : named
      ? sql`, 'attachments', json(coalesce(json_extract(${JSON.stringify(named)}, '$.' || g.id), ${JSON.stringify(attachments)}))`
      : sql`, 'attachments', json(${JSON.stringify(attachments)})`;
  const data = sql`json_object('eventId', g.event_id, 'guestId', g.id)`;
  const text = sql`'Hello ' || g.name || ',' || char(10) || char(10) || ${body}`;
  return [
    deps.db.insert(outbox).select(
      sql`SELECT ${sqlOutboxId}, g.org_id, 'email', json_object('to', g.email, 'subject', ${subject}, 'text', ${text}, 'template', ${template}, 'data', json(${data})${files}), 0, ${now}, NULL, NULL, NULL, ${now}, g.email
          FROM guests g WHERE g.write_id = ${writeId} AND g.status = ${status} AND g.email IS NOT NULL`,
    ),
    deps.db.insert(outbox).select(
      sql`SELECT ${sqlOutboxId}, g.org_id, 'sms', json_object('to', g.phone, 'text', substr(${`${event.title}: `} || ${body}, 1, 1600), 'template', ${template}, 'data', json(${data})), 0, ${now}, NULL, NULL, NULL, ${now}, g.phone
          FROM guests g WHERE g.write_id = ${writeId} AND g.status = ${status} AND g.phone IS NOT NULL`,
    ),
  ];
}

function when(event: EventRow): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
}

/** The notifications of a guest's new status, when it is news to them (the waitlist moved, the organizer decided). */
export function statusNotifications(
  deps: Deps,
  writeId: string,
  event: EventRow,
  by: ChangedBy,
  /** The guest this write changes (unknown for those the waitlist moves up) and their picked sessions, for their confirmation's invitations. */
  guest?: { attendee: IcsAttendee; sessions: readonly IcsSession[] },
  /** For those the waitlist moves up: the invitation naming each guest who may be (by id). */
  named?: Record<string, Attachment[]>,
): BatchItem<"sqlite">[] {
  const invitations = icsAttachment(deps, event, guest?.attendee, guest?.sessions);
  const on = `${event.title} on ${when(event)}`;
  if (by === "waitlist") {
    return notifyIf(
      deps,
      writeId,
      "confirmed",
      event,
      `You're in: ${event.title}`,
      sql`${`A place opened up: you are now confirmed for ${on}.`}`,
      "rsvp_waitlist_promoted",
      invitations,
      named,
    );
  }
  if (by === "organizer") {
    return [
      ...notifyIf(
        deps,
        writeId,
        "confirmed",
        event,
        `You're confirmed: ${event.title}`,
        sql`${`Your place at ${on} is confirmed.`}`,
        "rsvp_approved",
        invitations,
      ),
      ...notifyIf(
        deps,
        writeId,
        "waitlisted",
        event,
        `You're on the waitlist: ${event.title}`,
        sql`${`Your request for ${on} was approved, but the event is full: you are on the waitlist and will hear from us when a place opens up.`}`,
        "rsvp_waitlisted",
      ),
      ...notifyIf(
        deps,
        writeId,
        "rejected",
        event,
        `Your request for ${event.title}`,
        sql`${`Sorry, your request to attend ${on} was declined.`}`,
        "rsvp_declined",
      ),
    ];
  }
  // The guest's own yes: a confirmation with the event as a calendar invitation.
  return notifyIf(
    deps,
    writeId,
    "confirmed",
    event,
    `You're confirmed: ${event.title}`,
    sql`${`See you at ${on}. The attached invitation adds it to your calendar and keeps it up to date.`}`,
    "rsvp_confirmed",
    invitations,
  );
}

/** Guests on the waitlist ahead of `guestId` (all of them when it is not on it). */
const headSql = (eventId: string) =>
  sql`(SELECT id FROM guests WHERE event_id = ${eventId} AND status = 'waitlisted' ORDER BY waitlisted_at, id LIMIT 1)`;

/** How many guests past a round's own (as read) its confirmation is also written out for by name, in case the waitlist moved meanwhile. */
const NAMED_AHEAD = 4;

/**
 * Statements moving the waitlist up, in order: each round confirms the first waitlisted guest if
 * their party fits (never skipping ahead of them), records it and notifies them. `rounds` bounds
 * how many can move up in this write. Who moves up is decided by SQL as the batch runs, so each
 * confirmation's calendar invitation naming its guest (ATTENDEE, as every REQUEST) is written out
 * beforehand for the guests the round would move up as the waitlist is read now (round i: the
 * i-th and the next few); only one moved up past those by concurrent changes gets the invitation
 * without ATTENDEE.
 */
export async function promoteWaitlist(deps: Deps, event: EventRow, rounds: number): Promise<BatchItem<"sqlite">[]> {
  if (rounds <= 0) return [];
  const db = deps.db;
  const now = deps.now();
  const head = headSql(event.id);
  const headSeats = sql`(SELECT 1 + plus_ones FROM guests WHERE id = ${head})`;
  const waiting = await db
    .select({ id: guests.id, name: guests.name, email: guests.email })
    .from(guests)
    .where(and(eq(guests.eventId, event.id), eq(guests.status, "waitlisted")))
    .orderBy(guests.waitlistedAt, guests.id)
    .limit(rounds + NAMED_AHEAD);
  const invitationOf = new Map(
    waiting.map((g) => [g.id, icsAttachment(deps, event, { name: g.name, email: g.email, status: "ACCEPTED" })] as const),
  );
  const out: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < rounds; i++) {
    const named = Object.fromEntries(waiting.slice(i, i + 1 + NAMED_AHEAD).map((g) => [g.id, invitationOf.get(g.id) ?? []]));
    const writeId = newId("rsvpChange");
    out.push(
      db
        .update(eventRsvp)
        .set({ seatsUsed: sql`${eventRsvp.seatsUsed} + ${headSeats}`, updatedAt: now })
        .where(
          and(
            eq(eventRsvp.eventId, event.id),
            sql`${head} IS NOT NULL`,
            sql`(${eventRsvp.capacity} IS NULL OR ${eventRsvp.seatsUsed} + ${headSeats} <= ${eventRsvp.capacity})`,
          ),
        ),
      db
        .update(guests)
        .set({ status: "confirmed", waitlistedAt: null, writeId, version: sql`${guests.version} + 1`, updatedAt: now })
        .where(and(sql`${guests.id} = ${head}`, sql`changes() > 0`)),
      historyOf(deps, writeId, "waitlist", now),
      ...statusNotifications(deps, writeId, event, "waitlist", undefined, named),
    );
  }
  return out;
}

/**
 * Statements, for the batch of an RSVP change, that give back the session picks of `guestId` once
 * the guest is no longer confirmed (declined, maybe, waitlisted): each picked session's counter,
 * then the picks; each session's SEQUENCE is raised, as the guest's calendar is sent its CANCEL.
 */
export function releasePicks(deps: Deps, guestId: string, when: SQL): [BatchItem<"sqlite">, BatchItem<"sqlite">] {
  const db = deps.db;
  return [
    db
      .update(eventSessions)
      // Raised SEQUENCE: the guest's calendar is sent CANCEL for each (`guestCalendarWithdrawn`).
      .set({ signedUp: sql`${eventSessions.signedUp} - 1`, icsSequence: sql`${eventSessions.icsSequence} + 1` })
      .where(
        and(
          inArray(
            eventSessions.id,
            db.select({ id: sessionSignups.sessionId }).from(sessionSignups).where(eq(sessionSignups.guestId, guestId)),
          ),
          when,
        ),
      ),
    db.delete(sessionSignups).where(and(eq(sessionSignups.guestId, guestId), when)),
  ];
}

const PARTSTAT_OF: Partial<Record<Status, IcsAttendee["status"]>> = { maybe: "TENTATIVE", declined: "DECLINED", rejected: "DECLINED" };

const notConfirmed = (guestId: string) => sql`NOT EXISTS (SELECT 1 FROM guests WHERE id = ${guestId} AND status = 'confirmed')`;

export interface GuestChange {
  /** `confirmed` means "yes": confirmed if there is room and nobody waits ahead, else waitlisted. */
  status: Status;
  plusOnes: number;
  plusOneNames: string[];
  by: ChangedBy;
  /** Set `responded_at` (an answer from the guest, or recorded for them). */
  answered: boolean;
  /** New answers to the custom questions (replacing the old ones); undefined keeps them. */
  answers?: Record<string, string | boolean>;
}

/**
 * Applies `change` to `guest` as read (its `version`), with the event's counter and waitlist, in
 * one batch. Answers the guest row as written. A guest who is already confirmed and asks for more
 * seats than remain keeps their answer (409 `rsvp_capacity_exceeded`) rather than losing their
 * place to the waitlist.
 */
export async function changeGuest(deps: Deps, event: EventRow, guest: GuestRow, change: GuestChange): Promise<GuestRow> {
  const db = deps.db;
  // The retry of a request that died right after its change committed (the point sealed below):
  // the change is there, so it answers the guest as read now instead of changing them again.
  const point = resumedFrom(deps);
  if (point !== undefined && (await changed(deps, point))) return guest;
  const now = deps.now();
  const writeId = newId("rsvpChange");
  const wantsSeat = change.status === "confirmed";
  const before = seatsOf(guest);
  const after = wantsSeat ? 1 + change.plusOnes : 0;
  const delta = after - before;
  const sameGuest = sql`EXISTS (SELECT 1 FROM guests WHERE id = ${guest.id} AND version = ${guest.version})`;
  // Joining from outside the headcount: nobody may be waiting ahead of this guest.
  const joining = wantsSeat && before === 0;
  const noneAhead = sql`NOT EXISTS (SELECT 1 FROM guests w WHERE w.event_id = ${event.id} AND w.status = 'waitlisted' AND w.id <> ${guest.id}
      AND w.waitlisted_at <= ${guest.status === "waitlisted" && guest.waitlistedAt !== null ? guest.waitlistedAt : now})`;
  const counter = db
    .update(eventRsvp)
    .set({ seatsUsed: sql`${eventRsvp.seatsUsed} + ${delta}`, updatedAt: now })
    .where(
      and(
        eq(eventRsvp.eventId, event.id),
        sameGuest,
        delta > 0 ? sql`(${eventRsvp.capacity} IS NULL OR ${eventRsvp.seatsUsed} + ${delta} <= ${eventRsvp.capacity})` : undefined,
        // Taking places (joining, or a confirmed guest bringing more) never jumps the waitlist.
        delta > 0 ? noneAhead : undefined,
      ),
    );
  const status: SQL | Status = joining ? sql`CASE WHEN changes() > 0 THEN 'confirmed' ELSE 'waitlisted' END` : change.status;
  const waitlistedAt: SQL | null = joining
    ? sql`CASE WHEN changes() > 0 THEN NULL ELSE ${guest.status === "waitlisted" && guest.waitlistedAt !== null ? guest.waitlistedAt : now} END`
    : null;
  const update = db
    .update(guests)
    .set({
      status,
      waitlistedAt,
      plusOnes: change.plusOnes,
      plusOneNames: change.plusOneNames,
      ...(change.answers !== undefined && { answers: change.answers }),
      writeId,
      version: guest.version + 1,
      updatedAt: now,
      ...(change.answered && { respondedAt: now }),
    })
    // A joining guest is written either way (confirmed or waitlisted); any other change only if the counter moved.
    .where(and(eq(guests.id, guest.id), eq(guests.version, guest.version), joining ? undefined : sql`changes() > 0`))
    .returning();
  const freed = Math.max(0, -delta);
  // A confirmed guest who leaves (no, maybe, declined) gets the event and their sessions out of their calendar.
  const leaving = guest.status === "confirmed" && change.status !== "confirmed";
  const left = sql`EXISTS (SELECT 1 FROM guests WHERE id = ${guest.id} AND write_id = ${writeId} AND status <> 'confirmed')`;
  const withdrawn = leaving
    ? guestCalendarWithdrawn(deps, event, guest, PARTSTAT_OF[change.status] ?? "DECLINED", await picksOf(deps, guest.id), left)
    : [];
  resumeOnCommit(deps, writeId, sql`EXISTS (SELECT 1 FROM ${guestRsvpChanges} WHERE ${guestRsvpChanges.id} = ${writeId})`);
  const [, rows] = await guardedWrite(
    deps,
    [
      counter,
      update,
      historyOf(deps, writeId, change.by, now),
      ...statusNotifications(deps, writeId, event, change.by, {
        attendee: { name: guest.name, email: guest.email, status: "ACCEPTED" },
        sessions: wantsSeat && guest.status === "confirmed" ? await picksOf(deps, guest.id) : [],
      }),
      ...(await promoteWaitlist(deps, event, Math.min(freed, 10))),
      ...withdrawn,
      ...releasePicks(deps, guest.id, notConfirmed(guest.id)),
      headcountChanged(deps, event),
      // The headcount on a calendar this event is pushed to (calendars domain sync rule) follows.
      calendarSourceChanged(deps, event.orgId, { type: "event", id: event.id }),
    ],
    {
      written: (results) => (results[1][0] ? results : undefined),
      explain: async () => {
        const [now2] = await db.select().from(guests).where(eq(guests.id, guest.id)).limit(1);
        if (!now2) throw new ApiError(404, "not_found", "Guest not found");
        if (now2.version === guest.version && delta > 0) {
          throw new ApiError(
            409,
            "rsvp_capacity_exceeded",
            `${await roomLeft(deps, event.id)}: bring fewer plus-ones, or keep your current answer.`,
          );
        }
        throw conflict("This guest's RSVP changed while this one was on its way: read it again and retry.");
      },
    },
  );
  const row = rows[0];
  if (!row) throw new Error("guarded write answered without the guest");
  return row;
}

/** Whether the write `writeId` of `changeGuest` committed (its history row is there). */
async function changed(deps: Deps, writeId: string): Promise<boolean> {
  const rows = await deps.db.select({ id: guestRsvpChanges.id }).from(guestRsvpChanges).where(eq(guestRsvpChanges.id, writeId)).limit(1);
  return rows.length > 0;
}

/**
 * The `event.headcount_changed` message of an event's room, its counts read by SQL as the batch's
 * statement runs (so a later write's message carries a later headcount): yes (confirmed guests
 * and their plus-ones), maybe, no, waitlisted and the limit. Put it last in the batch of an RSVP change.
 */
export function headcountChanged(deps: Deps, event: Pick<EventRow, "id" | "orgId">) {
  const now = deps.now();
  const n = (status: string) => sql`(SELECT count(*) FROM guests WHERE event_id = ${event.id} AND status = ${status})`;
  const payload = sql`json_object('room', ${`event:${event.id}`}, 'event', json_object('type', 'event.headcount_changed', 'data', json_object(
    'eventId', ${event.id},
    'yes', coalesce((SELECT seats_used FROM event_rsvp WHERE event_id = ${event.id}), 0),
    'maybe', ${n("maybe")}, 'no', ${n("declined")}, 'waitlisted', ${n("waitlisted")},
    'capacity', (SELECT capacity FROM event_rsvp WHERE event_id = ${event.id}))))`;
  return deps.db
    .insert(outbox)
    .select(
      sql`SELECT ${newId("outbox")}, ${event.orgId}, 'realtime', ${payload}, 0, ${now}, NULL, NULL, NULL, ${now}, ${`event:${event.id}`}`,
    );
}

async function roomLeft(deps: Deps, eventId: string): Promise<string> {
  const [s] = await deps.db.select().from(eventRsvp).where(eq(eventRsvp.eventId, eventId)).limit(1);
  const [w] = await deps.db
    .select({ id: guests.id })
    .from(guests)
    .where(and(eq(guests.eventId, eventId), eq(guests.status, "waitlisted")))
    .limit(1);
  if (w) return "Guests are waiting for places on the waitlist";
  return `Only ${s?.capacity == null ? "unlimited" : Math.max(0, s.capacity - s.seatsUsed)} more place(s) are free`;
}
