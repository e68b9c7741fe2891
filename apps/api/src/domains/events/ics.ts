import type { events } from "@gatherkit/db";
import ical, { ICalCalendarMethod } from "ical-generator";

type EventRow = typeof events.$inferSelect;

/**
 * The event as an iCalendar file (RFC 5545) for the confirmation email, so the buyer's calendar
 * gets it with one tap. Built with `ical-generator` (no dependencies, no Node built-ins: it runs
 * on Workers; about 9 KB min+gzip in the API bundle). Times are written in UTC (`…Z`): a `TZID`
 * would need a VTIMEZONE block the library cannot make without a time-zone database, and every
 * calendar shows UTC times in the reader's own zone. The UID is stable per order, so a second
 * copy updates the first rather than adding another.
 */
export function orderIcs(
  event: Pick<
    EventRow,
    "id" | "title" | "description" | "venueName" | "address" | "lat" | "lng" | "startsAt" | "endsAt" | "contactName" | "contactEmail"
  >,
  order: { id: string; confirmationCode: string },
  opts: { orderUrl: string; host: string },
): string {
  const cal = ical({ prodId: { company: "Gatherkit", product: "tickets" }, method: ICalCalendarMethod.PUBLISH });
  const a = event.address;
  const address = a
    ? [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.country].filter(Boolean).join(", ")
    : "";
  const place = [event.venueName, address].filter(Boolean).join(", ");
  cal.createEvent({
    id: `${order.id}@${opts.host}`,
    start: new Date(event.startsAt),
    end: new Date(event.endsAt),
    summary: event.title,
    description: [event.description, `Order ${order.confirmationCode}: ${opts.orderUrl}`].filter(Boolean).join("\n\n"),
    url: opts.orderUrl,
    ...(place || event.lat !== null
      ? {
          location:
            event.lat !== null && event.lng !== null ? { title: place || event.title, geo: { lat: event.lat, lon: event.lng } } : place,
        }
      : {}),
    ...(event.contactEmail ? { organizer: { name: event.contactName ?? event.contactEmail, email: event.contactEmail } } : {}),
  });
  return cal.toString();
}

/** UTF-8 text as base64 (for an email attachment). */
export function toBase64(text: string): string {
  let s = "";
  for (const b of new TextEncoder().encode(text)) s += String.fromCharCode(b);
  return btoa(s);
}
