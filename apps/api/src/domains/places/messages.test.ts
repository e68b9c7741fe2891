import type { placeBookings } from "@gatherkit/db";
import { afterEach, describe, expect, it } from "vitest";
import { bookingMessages } from "./messages.js";

type BookingRow = typeof placeBookings.$inferSelect;

const booking = (over: Partial<BookingRow> = {}) =>
  ({
    id: "pbk_1",
    orgId: "org_1",
    placeId: "plc_1",
    startsAt: Date.UTC(2026, 2, 29, 0, 30), // across Lisbon's change to summer time (01:00 UTC)
    endsAt: Date.UTC(2026, 2, 29, 2, 30),
    price: 480,
    currency: "EUR",
    contactName: "Ada",
    contactEmail: "ada@example.com",
    contactPhone: "+351912345678",
    participantId: null,
    ...over,
  }) as BookingRow;
const place = { name: "Garage", timeZone: "Europe/Lisbon" };

const Real = Intl.DateTimeFormat;
/** Counts the formatters built while it is installed. */
function countFormatters() {
  const count = { made: 0 };
  class Counting extends Real {
    constructor(...args: ConstructorParameters<typeof Real>) {
      super(...args);
      count.made++;
    }
  }
  Object.defineProperty(Intl, "DateTimeFormat", { value: Counting, configurable: true, writable: true });
  return count;
}
afterEach(() => {
  Object.defineProperty(Intl, "DateTimeFormat", { value: Real, configurable: true, writable: true });
});

describe("a booking's messages", () => {
  it("word the window in the place's zone (across a DST change), by email and SMS", () => {
    const [mail, sms] = bookingMessages(booking(), place, "confirmed");
    expect(mail?.payload).toMatchObject({
      to: "ada@example.com",
      text: "Hello Ada, your booking at Garage is confirmed for 29 Mar 2026, 00:30 – 29 Mar 2026, 03:30 (Europe/Lisbon). Reference: pbk_1.",
    });
    expect(sms?.payload).toMatchObject({
      text: "Garage: your booking at Garage is confirmed for 29 Mar 2026, 00:30 – 29 Mar 2026, 03:30 (Europe/Lisbon). Ref pbk_1",
    });
  });

  it("build one date formatter per time zone, not one per date (and none for a booking nobody is told about)", () => {
    const count = countFormatters();
    expect(
      bookingMessages(booking({ contactEmail: null, contactPhone: null }), { name: "G", timeZone: "Asia/Kathmandu" }, "confirmed"),
    ).toEqual([]);
    expect(count.made).toBe(0);
    for (let i = 0; i < 5; i++) bookingMessages(booking(), { name: "G", timeZone: "America/St_Johns" }, "confirmed");
    expect(count.made).toBe(1);
  });
});
