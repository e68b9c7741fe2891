import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations } from "./accounts.js";
import { createdAt } from "./columns.js";
import { events } from "./events.js";

// ============================================================================================
// Guests, RSVP and the agenda of an event (the same `events` row as ticketing: an event can have
// free RSVP, paid tickets, or both). The RSVP headcount is one counter, `event_rsvp.seats_used`:
// every confirmed guest and their plus-ones. An RSVP moves it in one `db.batch` whose guest
// update runs only if the counter had room (see guests.service.ts); the CHECK below makes the
// database refuse an overshoot regardless.
// ============================================================================================

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);
const eventId = () =>
  text("event_id")
    .notNull()
    .references(() => events.id, { onDelete: "cascade" });

/** A custom question of an event's RSVP form. */
export interface RsvpQuestion {
  id: string;
  label: string;
  kind: "short_text" | "choice" | "yes_no";
  options: string[];
  required: boolean;
}

export const REGISTRATION_MODES = ["open", "invite_only", "approval"] as const;

/** An event's RSVP settings; absent until an organizer sets them (then `invite_only`, unlimited). */
export const eventRsvp = sqliteTable(
  "event_rsvp",
  {
    eventId: text("event_id")
      .primaryKey()
      .references(() => events.id, { onDelete: "cascade" }),
    orgId: orgId(),
    mode: text("mode", { enum: REGISTRATION_MODES }).notNull().default("invite_only"),
    /** Most confirmed guests plus their plus-ones; null: no limit. */
    capacity: integer("capacity"),
    seatsUsed: integer("seats_used").notNull().default(0),
    /** Plus-ones a guest may bring unless the guest has their own limit. */
    maxPlusOnes: integer("max_plus_ones").notNull().default(0),
    /** RSVPs can be changed until then; null: until the event starts. */
    deadline: integer("deadline"),
    /** The host page with `<gk-rsvp>`; invitation links are this URL with `event` and `token` added. */
    invitationUrl: text("invitation_url"),
    /** Custom questions guests answer with their RSVP. */
    questions: text("questions", { mode: "json" }).$type<RsvpQuestion[]>().notNull().default([]),
    /** Reminders to confirmed guests, in minutes before the event starts (scheduled notifications). */
    reminders: text("reminders", { mode: "json" }).$type<number[]>().notNull().default([]),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("event_rsvp_seats", sql`${t.seatsUsed} >= 0 AND (${t.capacity} IS NULL OR ${t.seatsUsed} <= ${t.capacity})`),
    check("event_rsvp_plus_ones", sql`${t.maxPlusOnes} BETWEEN 0 AND 20`),
  ],
);

export const GUEST_STATUSES = ["invited", "pending_approval", "confirmed", "waitlisted", "maybe", "declined", "rejected"] as const;

export const guests = sqliteTable(
  "guests",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    name: text("name").notNull(),
    /** Lower case; unique per event when given. */
    email: text("email"),
    /** E.164. */
    phone: text("phone"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    notes: text("notes").notNull().default(""),
    /** This guest's own plus-one limit; null: the event's. */
    maxPlusOnes: integer("max_plus_ones"),
    status: text("status", { enum: GUEST_STATUSES }).notNull(),
    plusOnes: integer("plus_ones").notNull().default(0),
    plusOneNames: text("plus_one_names", { mode: "json" }).$type<string[]>().notNull(),
    /** Answers to the event's custom questions, by question id. */
    answers: text("answers", { mode: "json" }).$type<Record<string, string | boolean>>().notNull().default({}),
    /** Order on the waitlist (set when the guest joins it). */
    waitlistedAt: integer("waitlisted_at"),
    /** The write that last changed this guest: the history row and notifications of that write are built from it. */
    writeId: text("write_id"),
    /** Bumped to revoke the guest's personal link (the token is an HMAC over id and version). */
    tokenVersion: integer("token_version").notNull().default(0),
    /** Bumped by every change: guarded writes check it. */
    version: integer("version").notNull().default(0),
    invitedAt: integer("invited_at"),
    respondedAt: integer("responded_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("guests_event_email").on(t.eventId, t.email),
    index("guests_event_created").on(t.eventId, t.createdAt, t.id),
    index("guests_event_waitlist").on(t.eventId, t.status, t.waitlistedAt),
    index("guests_write").on(t.writeId),
    check("guests_plus_ones", sql`${t.plusOnes} BETWEEN 0 AND 20`),
  ],
);

/** Every RSVP change of a guest, as it happened (who made it: the guest, an organizer, or the waitlist moving up). */
export const guestRsvpChanges = sqliteTable(
  "guest_rsvp_changes",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    guestId: text("guest_id")
      .notNull()
      .references(() => guests.id, { onDelete: "cascade" }),
    status: text("status", { enum: GUEST_STATUSES }).notNull(),
    plusOnes: integer("plus_ones").notNull(),
    plusOneNames: text("plus_one_names", { mode: "json" }).$type<string[]>().notNull(),
    by: text("by", { enum: ["guest", "organizer", "waitlist"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("guest_rsvp_changes_guest").on(t.guestId, t.createdAt, t.id)],
);

export interface SessionSpeaker {
  name: string;
  bio: string;
  photoUrl: string | null;
}

/** An agenda item of an event. */
export const eventSessions = sqliteTable(
  "event_sessions",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    room: text("room"),
    track: text("track"),
    speakers: text("speakers", { mode: "json" }).$type<SessionSpeaker[]>().notNull(),
    /** Most guests who may sign up; null: no limit. */
    capacity: integer("capacity"),
    /** Guests signed up now (moved in the batch of each sign-up and withdrawal, only while it has room). */
    signedUp: integer("signed_up").notNull().default(0),
    /** iCalendar SEQUENCE of the session's invitations to its pickers (RFC 5546): raised by each change of time, place or title. */
    icsSequence: integer("ics_sequence").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("event_sessions_event").on(t.eventId, t.startsAt), check("event_sessions_window", sql`${t.endsAt} > ${t.startsAt}`)],
);

/**
 * A confirmed guest's pick of a session (their personal agenda). One per guest and session; the
 * session's `signed_up` counter moves in the same batch, only while it has room, and only if the
 * guest has no pick overlapping it.
 */
export const sessionSignups = sqliteTable(
  "session_signups",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    eventId: eventId(),
    sessionId: text("session_id")
      .notNull()
      .references(() => eventSessions.id, { onDelete: "cascade" }),
    guestId: text("guest_id")
      .notNull()
      .references(() => guests.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("session_signups_pick").on(t.sessionId, t.guestId), index("session_signups_guest").on(t.guestId)],
);
