import { type Invitation, newId, type Register, type Registration, type Rsvp } from "@gatherkit/core";
import { eventSessions, events, guests, sessionSignups } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError } from "../../../lib/errors.js";
import { resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type EventRow, loadEvent } from "../access.js";
import { calendarLinks, eventIcs, icsHost } from "../ics.js";
import { guestToken, linkInvalid, requireToken, tokenGuestId } from "./guest-links.js";
import { answerChange, checkAnswers, phoneOf, view } from "./guests.service.js";
import { changeGuest, deadlineOf, ensureSettings, type GuestRow, plusOneLimit, type SettingsRow } from "./rsvp.js";

/**
 * What a guest does through their personal link (their invitation, its calendar file, their answer)
 * and registration from the event's page: the guest-facing side of the guest list, whose organizer
 * side is guests.service.ts.
 */

// --- The guest's own link ---------------------------------------------------------------------

/**
 * The guest a token names, on this event, or 404 `guest_link_invalid` (another event's token, a
 * forged one), or 410 `guest_link_revoked` (a link the organizer replaced).
 */
export async function guestOfToken(
  deps: Deps,
  eventId: string,
  token: string,
): Promise<{ event: EventRow; guest: GuestRow; settings: SettingsRow }> {
  const [found] = await deps.db
    .select()
    .from(guests)
    .where(eq(guests.id, tokenGuestId(token)))
    .limit(1);
  if (!found || found.eventId !== eventId) throw linkInvalid();
  const [event] = await deps.db.select().from(events).where(eq(events.id, eventId)).limit(1);
  if (!event || event.status === "draft" || event.status === "unpublished") throw linkInvalid();
  await requireToken(deps, token, found);
  return { event, guest: found, settings: await ensureSettings(deps, event) };
}

async function invitationOf(deps: Deps, event: EventRow, settings: SettingsRow, guest: GuestRow): Promise<Invitation> {
  const g = await view(deps, guest);
  const deadline = deadlineOf(event, settings);
  const picks = await deps.db
    .select({ id: sessionSignups.sessionId })
    .from(sessionSignups)
    .where(eq(sessionSignups.guestId, guest.id))
    .orderBy(asc(sessionSignups.createdAt));
  const token = await guestToken(deps, guest);
  return {
    sessionIds: picks.map((p) => p.id),
    calendar: {
      ics: new URL(`/v1/events/${event.id}/invitation/${token}/calendar.ics`, deps.config.publicUrl).toString(),
      ...calendarLinks(event),
    },
    event: {
      id: event.id,
      title: event.title,
      description: event.description,
      timeZone: event.timeZone,
      startsAt: toIso(event.startsAt),
      endsAt: toIso(event.endsAt),
      venueName: event.venueName,
      status: event.status,
    },
    guest: {
      id: g.id,
      name: g.name,
      status: g.status,
      plusOnes: g.plusOnes,
      plusOneNames: g.plusOneNames,
      answers: g.answers,
      waitlistPosition: g.waitlistPosition,
      respondedAt: g.respondedAt,
    },
    questions: settings.questions,
    maxPlusOnes: plusOneLimit(settings, guest),
    deadline: toIso(deadline),
    open: event.status === "published" && deps.now() < deadline && guest.status !== "rejected",
  };
}

/** What a guest's personal link reads. */
export async function readInvitation(deps: Deps, eventId: string, token: string): Promise<Invitation> {
  const { event, guest, settings } = await guestOfToken(deps, eventId, token);
  return invitationOf(deps, event, settings, guest);
}

/**
 * The guest's calendar file (their personal link): the event and the sessions they picked, with
 * stable UIDs and SEQUENCE, so importing it again updates rather than duplicates.
 */
export async function invitationCalendar(deps: Deps, eventId: string, token: string): Promise<string> {
  const { event, guest } = await guestOfToken(deps, eventId, token);
  const sessions = await deps.db
    .select({ s: eventSessions })
    .from(sessionSignups)
    .innerJoin(eventSessions, eq(eventSessions.id, sessionSignups.sessionId))
    .where(eq(sessionSignups.guestId, guest.id))
    .orderBy(asc(eventSessions.startsAt));
  return eventIcs(event, { method: "PUBLISH", ...icsHost(deps.config), sessions: sessions.map((r) => r.s), now: deps.now() });
}

/** A guest answers through their personal link: yes / maybe / no with plus-ones, until the deadline. */
export async function answerInvitation(deps: Deps, eventId: string, token: string, rsvp: Rsvp): Promise<Invitation> {
  const { event, guest, settings } = await guestOfToken(deps, eventId, token);
  const row = await changeGuest(deps, event, guest, answerChange(event, settings, guest, rsvp, "guest", deps.now()));
  return invitationOf(deps, event, settings, row);
}

/**
 * Registration from the event's page (publishable key): an `open` event adds the person as a
 * `yes` (confirmed, or waitlisted when full); an `approval` event as a request waiting for the
 * organizer. `invite_only` events answer 403 `registration_closed`.
 */
export async function register(deps: Deps, caller: Caller | null, eventId: string, input: Register): Promise<Registration> {
  const { event } = await loadEvent(deps, caller, eventId);
  const settings = await ensureSettings(deps, event);
  if (settings.mode === "invite_only") {
    throw new ApiError(403, "registration_closed", "This event is by invitation only: use the personal link from your invitation.");
  }
  const now = deps.now();
  if (event.status !== "published" || now >= deadlineOf(event, settings)) {
    throw new ApiError(409, "rsvp_closed", "Registration for this event is closed.");
  }
  if (input.plusOnes > settings.maxPlusOnes) {
    throw new ApiError(422, "too_many_plus_ones", `This event allows at most ${settings.maxPlusOnes} plus-one(s).`);
  }
  const row: GuestRow = {
    id: newId("guest"),
    orgId: event.orgId,
    eventId: event.id,
    name: input.name,
    email: input.email,
    phone: phoneOf(input.phone) ?? null,
    tags: [],
    notes: input.notes,
    maxPlusOnes: null,
    status: settings.mode === "approval" ? "pending_approval" : "invited",
    plusOnes: input.plusOnes,
    plusOneNames: input.plusOneNames,
    answers: checkAnswers(settings, input.answers, true),
    waitlistedAt: null,
    writeId: null,
    tokenVersion: 0,
    version: 0,
    invitedAt: null,
    respondedAt: now,
    createdAt: now,
    updatedAt: now,
  };
  // Two writes: the guest, then their answer (`changeGuest`, capacity-checked). The first seals a
  // point to resume from: the retry of a request that died after it finds its guest (by the
  // event's unique email) and carries on; `changeGuest` does the same for the second.
  const resumed = resumedFrom(deps) === undefined ? undefined : await registered(deps, event.id, input.email);
  const guest = resumed ?? row;
  if (!resumed) {
    resumeOnCommit(deps, row.id);
    try {
      await deps.db.insert(guests).values(row);
    } catch (err) {
      if (isUniqueViolation(err, "guests.event_id")) {
        throw new ApiError(
          409,
          "guest_exists",
          "This email is already registered: use the link in your confirmation to change your answer.",
        );
      }
      throw err;
    }
  }
  const change =
    settings.mode === "approval"
      ? {
          status: "pending_approval" as const,
          plusOnes: input.plusOnes,
          plusOneNames: input.plusOneNames,
          by: "guest" as const,
          answered: true,
        }
      : { status: "confirmed" as const, plusOnes: input.plusOnes, plusOneNames: input.plusOneNames, by: "guest" as const, answered: true };
  const written = await changeGuest(deps, event, guest, change);
  return { invitation: await invitationOf(deps, event, settings, written), token: await guestToken(deps, written) };
}

/** The guest registered on `eventId` with `email`, if any. */
async function registered(deps: Deps, eventId: string, email: string): Promise<GuestRow | undefined> {
  const [row] = await deps.db
    .select()
    .from(guests)
    .where(and(eq(guests.eventId, eventId), eq(guests.email, email)))
    .limit(1);
  return row;
}
