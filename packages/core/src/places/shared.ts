import { z } from "../zod.js";

// What the places schemas (places, bookings, reviews) share and the package does not export.

export const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
/** The OpenAPI metadata of a query parameter `name`. */
export const q = (name: string) => ({ param: { name, in: "query" as const } });
