import { CurrencySchema } from "./money.js";
import { z } from "./zod.js";

const count = z.number().int().min(0);
const date = (example: string) => z.string().openapi({ example, description: "Local date in the organization's time zone." });

/** One day of an organization's overview: what sold and what was booked, in the organization's time zone. */
export const OrganizationOverviewDaySchema = z
  .object({
    date: date("2031-07-02"),
    orders: count.openapi({ description: "Orders paid that day (still paid, or refunded since)." }),
    tickets: count.openapi({ description: "Tickets in those orders." }),
    bookings: count.openapi({ description: "Bookings made that day that are confirmed or completed." }),
  })
  .openapi("OrganizationOverviewDay");

/**
 * The organization's key numbers for its dashboard, counted by the database over all its rows:
 * plans, events, RSVPs and places now, and sales and bookings over the last 30 days.
 */
export const OrganizationOverviewSchema = z
  .object({
    timeZone: z.string().openapi({ example: "Europe/Lisbon", description: "The organization's time zone, which the days are in." }),
    from: date("2031-06-03"),
    to: date("2031-07-02"),
    plans: z.object({
      active: count.openapi({ description: "Plans being planned or finalized (not completed or cancelled)." }),
      created: count.openapi({ description: "Plans created from `from` to `to`." }),
    }),
    events: z.object({
      upcoming: count.openapi({ description: "Published events that have not ended." }),
      drafts: count.openapi({ description: "Events in draft." }),
      orders: count.openapi({ description: "Orders paid from `from` to `to`." }),
      ticketsSold: count.openapi({ description: "Tickets in those orders." }),
      revenue: z
        .array(z.object({ currency: CurrencySchema, gross: count, net: count }))
        .openapi({ description: "Per currency, in minor units: what those orders took, and that less what was refunded of them." }),
    }),
    rsvps: z
      .object({
        yes: count.openapi({ description: "Confirmed guests." }),
        maybe: count,
        no: count,
        pending: count.openapi({ description: "Invited and not answered, or waiting for approval." }),
        waitlisted: count,
      })
      .openapi({ description: "Guests of the events that have not ended, by answer." }),
    places: z.object({
      places: count.openapi({ description: "Bookable places." }),
      bookingsNext7Days: count.openapi({ description: "Confirmed bookings starting today or in the 6 days after." }),
      bookings: count.openapi({ description: "Bookings made from `from` to `to` that are confirmed or completed." }),
    }),
    byDay: z.array(OrganizationOverviewDaySchema).openapi({ description: "Every day from `from` to `to`, in order, zeros included." }),
  })
  .openapi("OrganizationOverview");
export type OrganizationOverview = z.infer<typeof OrganizationOverviewSchema>;
