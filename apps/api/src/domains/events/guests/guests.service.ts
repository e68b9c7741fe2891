import {
  type CreateGuest,
  type Guest,
  type GuestListQuery,
  type GuestWithLink,
  newId,
  type Page,
  type Rsvp,
  type RsvpChange,
  type RsvpSettings,
  type UpdateGuest,
  type UpdateRsvpSettings,
} from "@gatherkit/core";
import { eventRsvp, guestRsvpChanges, guests } from "@gatherkit/db";
import { and, asc, count, eq, like, or, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { dropRecipientSubscriptions, toE164 } from "../../../platform/notifications/index.js";
import { type EventRow, loadEvent } from "../access.js";
import { guestCalendarWithdrawn } from "./guest-calendar-notices.js";
import { guestToken, invitationLink } from "./guest-links.js";
import { reminderWrites } from "./guest-reminders.js";
import {
  type ChangedBy,
  changeGuest,
  deadlineOf,
  ensureSettings,
  type GuestRow,
  headcountChanged,
  picksOf,
  plusOneLimit,
  promoteWaitlist,
  releasePicks,
  type SettingsRow,
  seatsOf,
  toGuest,
  waitlistPositions,
} from "./rsvp.js";

function invalid(path: string, message: string): ApiError {
  return new ApiError(400, "validation_failed", `body.${path}: ${message}`, { errors: [{ path: `body.${path}`, message }] });
}

/** A phone number as typed, in E.164 (libphonenumber-js, as the notifications platform sends SMS); else 400. */
export function phoneOf(input: string | null | undefined): string | null | undefined {
  if (input == null) return input;
  const e164 = toE164(input);
  if (!e164) throw invalid("phone", "is not a valid phone number: give it in international form, such as +351 912 345 678");
  return e164;
}

export async function organizerEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<EventRow> {
  requireOrganizer({ var: { caller } });
  return (await loadEvent(deps, caller, eventId)).event;
}

async function loadGuest(deps: Deps, event: EventRow, guestId: string): Promise<GuestRow> {
  const [row] = await deps.db
    .select()
    .from(guests)
    .where(and(eq(guests.id, guestId), eq(guests.eventId, event.id)))
    .limit(1);
  if (!row) throw notFound("Guest");
  return row;
}

export async function view(deps: Deps, row: GuestRow): Promise<Guest> {
  return toGuest(row, row.status === "waitlisted" ? await waitlistPositions(deps, row.eventId) : new Map());
}

async function withLink(deps: Deps, settings: SettingsRow, row: GuestRow): Promise<GuestWithLink> {
  const token = await guestToken(deps, row);
  return { ...(await view(deps, row)), token, link: invitationLink(settings.invitationUrl, row.eventId, token) };
}

// --- Settings --------------------------------------------------------------------------------

async function toSettings(deps: Deps, row: SettingsRow): Promise<RsvpSettings> {
  const [w] = await deps.db
    .select({ n: count() })
    .from(guests)
    .where(and(eq(guests.eventId, row.eventId), eq(guests.status, "waitlisted")));
  return {
    eventId: row.eventId,
    mode: row.mode,
    capacity: row.capacity,
    confirmed: row.seatsUsed,
    waitlisted: w?.n ?? 0,
    maxPlusOnes: row.maxPlusOnes,
    deadline: toIso(row.deadline),
    invitationUrl: row.invitationUrl,
    questions: row.questions,
    reminders: row.reminders,
    updatedAt: toIso(row.updatedAt),
  };
}

/** An event's RSVP settings and headcount (whoever may see the event). */
export async function getSettings(deps: Deps, caller: Caller | null, eventId: string): Promise<RsvpSettings> {
  const { event } = await loadEvent(deps, caller, eventId);
  return toSettings(deps, await ensureSettings(deps, event));
}

/**
 * Changes the registration mode, headcount limit, plus-ones, deadline or invitation page
 * (organizers). The limit cannot go below the confirmed headcount (409 `rsvp_capacity_exceeded`);
 * a higher one moves the waitlist up in the same write.
 */
export async function updateSettings(deps: Deps, caller: Caller | null, eventId: string, input: UpdateRsvpSettings): Promise<RsvpSettings> {
  const event = await organizerEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  const now = Math.max(deps.now(), settings.updatedAt + 1);
  const db = deps.db;
  const capacity = input.capacity === undefined ? settings.capacity : input.capacity;
  const [{ n: waiting } = { n: 0 }] = await db
    .select({ n: count() })
    .from(guests)
    .where(and(eq(guests.eventId, event.id), eq(guests.status, "waitlisted")));
  await guardedWrite(
    deps,
    [
      db
        .update(eventRsvp)
        .set({
          ...(input.mode !== undefined && { mode: input.mode }),
          ...(input.capacity !== undefined && { capacity: input.capacity }),
          ...(input.maxPlusOnes !== undefined && { maxPlusOnes: input.maxPlusOnes }),
          ...(input.deadline !== undefined && { deadline: fromIso(input.deadline) }),
          ...(input.invitationUrl !== undefined && { invitationUrl: input.invitationUrl }),
          ...(input.questions !== undefined && { questions: input.questions }),
          ...(input.reminders !== undefined && { reminders: input.reminders }),
          updatedAt: now,
        })
        .where(and(eq(eventRsvp.eventId, event.id), capacity === null ? undefined : sql`${eventRsvp.seatsUsed} <= ${capacity}`))
        .returning({ id: eventRsvp.eventId }),
      ...(await promoteWaitlist(deps, event, Math.min(waiting, 25))),
      ...reminderWrites(
        deps,
        event,
        input.reminders,
        sql`EXISTS (SELECT 1 FROM event_rsvp WHERE event_id = ${event.id} AND updated_at = ${now})`,
      ),
      headcountChanged(deps, event),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        const [s] = await db.select().from(eventRsvp).where(eq(eventRsvp.eventId, event.id)).limit(1);
        throw new ApiError(
          409,
          "rsvp_capacity_exceeded",
          `${s?.seatsUsed ?? "More"} places are already confirmed: the limit cannot be lower.`,
        );
      },
    },
  );
  return toSettings(deps, await ensureSettings(deps, event));
}

// --- Guests (organizers) ---------------------------------------------------------------------

const guestExists = () => new ApiError(409, "guest_exists", "A guest with this email is already on this event's list.");

/** Adds a guest (organizers), invited and not yet answered; answers it with its personal token and link. */
export async function createGuest(deps: Deps, caller: Caller | null, eventId: string, input: CreateGuest): Promise<GuestWithLink> {
  const event = await organizerEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  const now = deps.now();
  const row: GuestRow = {
    id: newId("guest"),
    orgId: event.orgId,
    eventId: event.id,
    name: input.name,
    email: input.email ?? null,
    phone: phoneOf(input.phone) ?? null,
    tags: input.tags,
    notes: input.notes,
    maxPlusOnes: input.maxPlusOnes ?? null,
    status: "invited",
    plusOnes: 0,
    plusOneNames: [],
    answers: {},
    waitlistedAt: null,
    writeId: null,
    tokenVersion: 0,
    version: 0,
    invitedAt: null,
    respondedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  // The answer (the new guest with their link) is known before the write and sealed with it.
  const created = await withLink(deps, settings, row);
  answerOnCommit(deps, 201, created);
  try {
    await deps.db.insert(guests).values(row);
  } catch (err) {
    if (isUniqueViolation(err, "guests.event_id")) throw guestExists();
    throw err;
  }
  return created;
}

export async function listGuests(deps: Deps, caller: Caller | null, eventId: string, query: GuestListQuery): Promise<Page<Guest>> {
  const event = await organizerEvent(deps, caller, eventId);
  const db = deps.db;
  const needle = query.q ? sql`${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'` : undefined;
  const search = needle ? or(like(guests.name, needle), like(guests.email, needle), like(guests.phone, needle)) : undefined;
  const page = await paginate(
    guests,
    query,
    (p) =>
      db
        .select()
        .from(guests)
        .where(and(eq(guests.eventId, event.id), query.status ? eq(guests.status, query.status) : undefined, search, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => row,
  );
  const positions = await waitlistPositions(deps, event.id);
  return { data: page.data.map((r) => toGuest(r, positions)), nextCursor: page.nextCursor };
}

export async function getGuest(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<GuestWithLink> {
  const event = await organizerEvent(deps, caller, eventId);
  return withLink(deps, await ensureSettings(deps, event), await loadGuest(deps, event, guestId));
}

/**
 * Revokes a guest's personal link and makes a new one (organizers): the token version moves on, so
 * every link sent before answers 410 `guest_link_revoked`; the new one reaches the guest when the
 * invitation is sent again. The answer (the new link) is sealed with the write, so a retry of the
 * same request gets the same link rather than revoking it too. The browsers the guest subscribed to
 * push (through a link, so an old one) are unsubscribed in the same batch.
 */
export async function rotateGuestLink(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<GuestWithLink> {
  const event = await organizerEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  const row = await loadGuest(deps, event, guestId);
  const next = { ...row, tokenVersion: row.tokenVersion + 1 };
  const answer = await withLink(deps, settings, next);
  answerOnCommit(deps, 200, answer);
  const db = deps.db;
  // The browsers subscribed to push through the old links go with them (in the same batch, only
  // if this rotation landed): a leaked link must not keep receiving the guest's reminders.
  const [[done]] = await db.batch([
    db
      .update(guests)
      .set({ tokenVersion: next.tokenVersion })
      .where(and(eq(guests.id, row.id), eq(guests.tokenVersion, row.tokenVersion)))
      .returning({ id: guests.id }),
    dropRecipientSubscriptions(db, { orgId: event.orgId, recipientId: row.id }, previousStatementChanged),
  ]);
  if (!done) throw conflict("This guest's link was replaced meanwhile: read the guest again for the current one.");
  return answer;
}

/** Edits a guest's details (organizers). A lower plus-one limit does not shorten an answer already given. */
export async function updateGuest(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  guestId: string,
  input: UpdateGuest,
): Promise<GuestWithLink> {
  const event = await organizerEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  const guest = await loadGuest(deps, event, guestId);
  const db = deps.db;
  const set = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.email !== undefined && { email: input.email }),
    ...(input.phone !== undefined && { phone: phoneOf(input.phone) ?? null }),
    ...(input.tags !== undefined && { tags: input.tags }),
    ...(input.notes !== undefined && { notes: input.notes }),
    ...(input.maxPlusOnes !== undefined && { maxPlusOnes: input.maxPlusOnes }),
  };
  let rows: GuestRow[];
  try {
    rows = await db
      .update(guests)
      .set({ ...set, version: guest.version + 1, updatedAt: deps.now() })
      .where(and(eq(guests.id, guest.id), eq(guests.version, guest.version)))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err, "guests.event_id")) throw guestExists();
    throw err;
  }
  const row = rows[0];
  if (!row) throw conflict("This guest changed while this edit was on its way: read it again and retry.");
  return withLink(deps, settings, row);
}

/** Removes a guest (organizers); their seats go to the waitlist in the same write. */
export async function deleteGuest(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<void> {
  const event = await organizerEvent(deps, caller, eventId);
  await ensureSettings(deps, event);
  const guest = await loadGuest(deps, event, guestId);
  const db = deps.db;
  const seats = seatsOf(guest);
  const sameGuest = sql`EXISTS (SELECT 1 FROM guests WHERE id = ${guest.id} AND version = ${guest.version})`;
  const [release, dropPicks] = releasePicks(deps, guest.id, sameGuest);
  const picks = guest.status === "confirmed" ? await picksOf(deps, guest.id) : [];
  await guardedWrite(
    deps,
    [
      // The sessions the guest picked get their places back (the picks go with the guest).
      release,
      dropPicks,
      db
        .update(eventRsvp)
        .set({ seatsUsed: sql`${eventRsvp.seatsUsed} - ${seats}` })
        .where(
          and(eq(eventRsvp.eventId, event.id), sql`EXISTS (SELECT 1 FROM guests WHERE id = ${guest.id} AND version = ${guest.version})`),
        ),
      db
        .delete(guests)
        .where(and(eq(guests.id, guest.id), eq(guests.version, guest.version), sql`changes() > 0`))
        .returning({ id: guests.id }),
      // A confirmed guest's calendar is sent CANCEL for the event and their sessions (right after the delete: only if it happened).
      ...(guest.status === "confirmed" ? guestCalendarWithdrawn(deps, event, guest, "DECLINED", picks) : []),
      ...(await promoteWaitlist(deps, event, Math.min(seats, 10))),
      headcountChanged(deps, event),
    ],
    {
      written: (results) => results[3][0],
      explain: async () => {
        throw conflict("This guest changed while the removal was on its way: read it again and retry.");
      },
    },
  );
}

export async function guestHistory(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<{ data: RsvpChange[] }> {
  const event = await organizerEvent(deps, caller, eventId);
  const guest = await loadGuest(deps, event, guestId);
  const rows = await deps.db
    .select()
    .from(guestRsvpChanges)
    .where(eq(guestRsvpChanges.guestId, guest.id))
    .orderBy(asc(guestRsvpChanges.createdAt), asc(guestRsvpChanges.id));
  return {
    data: rows.map((r) => ({
      id: r.id,
      guestId: r.guestId,
      status: r.status,
      plusOnes: r.plusOnes,
      plusOneNames: r.plusOneNames,
      by: r.by,
      createdAt: toIso(r.createdAt),
    })),
  };
}

// --- RSVP ------------------------------------------------------------------------------------

/**
 * Checks answers against the event's custom questions: an unknown question, text for a yes/no
 * question, or a choice that is not an option answers 400; with `requireAll`, a required question
 * left unanswered answers 422 `question_unanswered`.
 */
export function checkAnswers(
  settings: SettingsRow,
  answers: Record<string, string | boolean>,
  requireAll: boolean,
): Record<string, string | boolean> {
  const byId = new Map(settings.questions.map((q) => [q.id, q]));
  const out: Record<string, string | boolean> = {};
  for (const [id, value] of Object.entries(answers)) {
    const q = byId.get(id);
    const bad = (message: string) =>
      new ApiError(400, "validation_failed", `body.answers.${id}: ${message}`, { errors: [{ path: `body.answers.${id}`, message }] });
    if (!q) throw bad("is not a question of this event");
    if (q.kind === "yes_no" && typeof value !== "boolean") throw bad("must be true or false");
    if (q.kind !== "yes_no" && typeof value !== "string") throw bad("must be text");
    if (q.kind === "choice" && typeof value === "string" && !q.options.includes(value)) throw bad(`must be one of ${q.options.join(", ")}`);
    if (value !== "") out[id] = value;
  }
  if (requireAll) {
    const missing = settings.questions.filter((q) => q.required && out[q.id] === undefined);
    if (missing.length > 0) {
      throw new ApiError(422, "question_unanswered", `Please answer: ${missing.map((q) => q.label).join("; ")}.`, {
        errors: missing.map((q) => ({ path: `body.answers.${q.id}`, message: "is required" })),
      });
    }
  }
  return out;
}

/** Checks an answer against the event's rules and turns it into the guest's next status. */
export function answerChange(event: EventRow, settings: SettingsRow, guest: GuestRow, rsvp: Rsvp, by: ChangedBy, now: number) {
  if (event.status === "cancelled") throw new ApiError(409, "rsvp_closed", "This event is cancelled.");
  if (by === "guest" && now >= deadlineOf(event, settings)) {
    throw new ApiError(409, "rsvp_closed", `Answers closed at ${toIso(deadlineOf(event, settings))}.`);
  }
  if (guest.status === "rejected") {
    throw new ApiError(403, "registration_closed", "The organizer declined this request to attend.");
  }
  const limit = plusOneLimit(settings, guest);
  if (rsvp.answer !== "no" && rsvp.plusOnes > limit) {
    throw new ApiError(422, "too_many_plus_ones", `This invitation allows at most ${limit} plus-one(s).`);
  }
  const answers = checkAnswers(settings, rsvp.answers, rsvp.answer !== "no" && by === "guest");
  const keep = rsvp.answer === "no" ? { plusOnes: 0, plusOneNames: [] } : { plusOnes: rsvp.plusOnes, plusOneNames: rsvp.plusOneNames };
  const status: GuestRow["status"] =
    rsvp.answer === "no"
      ? "declined"
      : guest.status === "pending_approval"
        ? "pending_approval"
        : rsvp.answer === "maybe"
          ? "maybe"
          : "confirmed";
  return { status, ...keep, answers, by, answered: true };
}

/** Records a guest's answer on their behalf (organizers; the deadline does not bind them). */
export async function organizerRsvp(deps: Deps, caller: Caller | null, eventId: string, guestId: string, rsvp: Rsvp): Promise<Guest> {
  const event = await organizerEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  const guest = await loadGuest(deps, event, guestId);
  return view(deps, await changeGuest(deps, event, guest, answerChange(event, settings, guest, rsvp, "organizer", deps.now())));
}

const notPending = (guest: GuestRow) =>
  new ApiError(409, "guest_not_pending", `This guest is ${guest.status}: only a request waiting for approval can be approved or declined.`);

/** Approves a request to attend (organizers): confirmed if there is room, else waitlisted; notified either way. */
export async function approveGuest(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<Guest> {
  const event = await organizerEvent(deps, caller, eventId);
  await ensureSettings(deps, event);
  const guest = await loadGuest(deps, event, guestId);
  // Approving twice (a retry) answers the guest as the first approval left them.
  if (guest.status === "confirmed" || guest.status === "waitlisted") return view(deps, guest);
  if (guest.status !== "pending_approval") throw notPending(guest);
  const change = {
    status: "confirmed" as const,
    plusOnes: guest.plusOnes,
    plusOneNames: guest.plusOneNames,
    by: "organizer" as const,
    answered: false,
  };
  return view(deps, await changeGuest(deps, event, guest, change));
}

/** Declines a request to attend (organizers); the guest is notified. */
export async function declineGuest(deps: Deps, caller: Caller | null, eventId: string, guestId: string): Promise<Guest> {
  const event = await organizerEvent(deps, caller, eventId);
  await ensureSettings(deps, event);
  const guest = await loadGuest(deps, event, guestId);
  if (guest.status === "rejected") return view(deps, guest);
  if (guest.status !== "pending_approval") throw notPending(guest);
  const change = { status: "rejected" as const, plusOnes: 0, plusOneNames: [], by: "organizer" as const, answered: false };
  return view(deps, await changeGuest(deps, event, guest, change));
}
