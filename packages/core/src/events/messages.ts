import { z } from "../zod.js";
import { AvailabilitySchema, EventId, ORDER_STATUSES, TicketTypeId } from "./schemas.js";

/**
 * What the API publishes to an event's room (`event:<id>`) after a write commits: the remaining
 * stock of each ticket type as the write left it (computed inside the writing transaction, so the
 * room's latest message is the latest state), the headcount of its RSVPs, an agenda session's sign-ups,
 * how many are checked in on a check-in list (a count only), an order's change of state (a count only), and the
 * event's availability when its status changes.
 */
export const EVENT_MESSAGE_SCHEMAS = [
  z.object({
    type: z.literal("event.stock_changed"),
    data: z.object({
      eventId: EventId,
      ticketTypes: z.array(z.object({ id: TicketTypeId, remaining: z.number().int().nullable() })),
    }),
  }),
  z.object({
    type: z.literal("event.headcount_changed"),
    data: z.object({
      eventId: EventId,
      yes: z.number().int().openapi({ description: "Confirmed guests plus their plus-ones." }),
      maybe: z.number().int(),
      no: z.number().int(),
      waitlisted: z.number().int(),
      capacity: z.number().int().nullable(),
    }),
  }),
  z.object({
    type: z.literal("event.agenda_changed"),
    data: z.object({ eventId: EventId, sessionId: z.string(), signedUp: z.number().int().nullable() }),
  }),
  z.object({
    type: z.literal("event.checkins_changed"),
    data: z.object({
      eventId: EventId,
      listId: z.string().openapi({ description: "The check-in list whose count moved." }),
      checkedIn: z.number().int().openapi({ description: "Live check-ins on that list now (undone ones left out). No names or codes." }),
    }),
  }),
  z.object({
    type: z.literal("event.orders_changed"),
    data: z.object({
      eventId: EventId,
      status: z
        .enum(ORDER_STATUSES)
        .openapi({ description: "What an order of the event just became: paid, partially_refunded, refunded, cancelled or expired." }),
      paid: z
        .number()
        .int()
        .openapi({ description: "The event's orders paid now (paid or partly refunded). No order id, name, email or code." }),
    }),
  }),
  z.object({
    type: z.literal("event.status_changed"),
    data: z.object({ eventId: EventId, status: z.string(), availability: AvailabilitySchema }),
  }),
] as const;
