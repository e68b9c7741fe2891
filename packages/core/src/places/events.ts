import { z } from "../zod.js";
import { BookingId, PlaceId } from "./schemas.js";

/**
 * What the API publishes to a place's room (`place:<id>`) after a booking change commits: the
 * window the change touched and the place's free capacity over it, as of that commit (computed
 * in the same statement that records the message, so messages in commit order never show a
 * stale count). A view for another window that overlaps this one refetches its availability.
 */
export const PLACE_EVENT_SCHEMAS = [
  z.object({
    type: z.literal("place.availability_changed"),
    data: z.object({
      placeId: PlaceId,
      bookingId: BookingId,
      change: z.enum(["booked", "cancelled"]),
      start: z.iso.datetime(),
      end: z.iso.datetime(),
      capacity: z.number().int(),
      freeCapacity: z.number().int(),
    }),
  }),
] as const;
