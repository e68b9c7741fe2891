import type { placeBookings } from "@gatherkit/db";
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { email, enqueueWhen, type OutboxMessage, sms } from "../../lib/outbox.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";

type BookingRow = typeof placeBookings.$inferSelect;
export type BookingNotice = "confirmed" | "cancelled" | "extended" | "ends_soon";

/** Minutes before a booking's end its "ends soon — extend?" SMS goes out. */
export const REMINDER_BEFORE_END_MS = 30 * 60_000;

/** When a booking's reminder is due: 30 minutes before its end, if it has a phone and that is still ahead. */
export const reminderDueAt = (b: { contactPhone: string | null; endsAt: number }, now: number): number | null =>
  b.contactPhone && b.endsAt - REMINDER_BEFORE_END_MS > now ? b.endsAt - REMINDER_BEFORE_END_MS : null;

/**
 * One formatter per time zone: building an `Intl.DateTimeFormat` costs far more than formatting
 * with one (it was an eighth of a booking's CPU in a profile of the bookings bench, four per booking).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const when = (ms: number, timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    // Bounded: time zones are a few hundred names, and a cleared cache only costs rebuilding.
    if (formatters.size >= 512) formatters.clear();
    f = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" });
    formatters.set(timeZone, f);
  }
  return f.format(new Date(ms));
};

const subjects: Record<BookingNotice, string> = {
  confirmed: "Booking confirmed",
  cancelled: "Booking cancelled",
  extended: "Booking extended",
  ends_soon: "Booking ends soon",
};

/**
 * The email and SMS to a booking's contact about `what` (whichever of email and phone it has),
 * written by the notifications platform's outbox. The SMS is short and names the reference.
 */
export function bookingMessages(b: BookingRow, place: { name: string; timeZone: string }, what: BookingNotice): OutboxMessage[] {
  // Nobody to tell (no email, no phone): nothing to word.
  if (!(b.contactEmail && what !== "ends_soon") && !b.contactPhone) return [];
  const ends = when(b.endsAt, place.timeZone);
  const window = `${when(b.startsAt, place.timeZone)} – ${ends} (${place.timeZone})`;
  const line: Record<BookingNotice, string> = {
    confirmed: `your booking at ${place.name} is confirmed for ${window}.`,
    cancelled: `your booking at ${place.name} for ${window} is cancelled.`,
    extended: `your booking at ${place.name} now ends ${ends} (${place.timeZone}).`,
    ends_soon: `your booking at ${place.name} ends at ${ends}. Need more time? You can extend it.`,
  };
  const data = {
    bookingId: b.id,
    placeId: b.placeId,
    start: toIso(b.startsAt),
    end: toIso(b.endsAt),
    price: b.price,
    currency: b.currency,
    phone: b.contactPhone,
    // Whose notification preferences apply (the participant who booked, if one did).
    ...(b.participantId ? { recipient: b.participantId } : {}),
  };
  const out: OutboxMessage[] = [];
  // The existing email templates keep their names (place_booking_confirmed, …_cancelled).
  if (b.contactEmail && what !== "ends_soon") {
    out.push(
      email({
        to: b.contactEmail,
        subject: `${subjects[what]}: ${place.name}`,
        text: `Hello ${b.contactName}, ${line[what]} Reference: ${b.id}.`,
        template: `place_booking_${what}`,
        data,
      }),
    );
  }
  if (b.contactPhone) {
    out.push(sms({ to: b.contactPhone, text: `${place.name}: ${line[what]} Ref ${b.id}`, template: `place_booking_${what}`, data }));
  }
  return out;
}

/** The outbox inserts of `bookingMessages`, each written only if `when` holds (after the change they report). */
export function enqueueBookingMessages(
  deps: Deps,
  b: BookingRow,
  place: { name: string; timeZone: string },
  what: BookingNotice,
  cond: SQL,
): BatchItem<"sqlite">[] {
  const now = deps.now();
  return bookingMessages(b, place, what).map((m) => enqueueWhen(deps.db, m, cond, { orgId: b.orgId, now }));
}
