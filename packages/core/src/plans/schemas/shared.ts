import { idSchema } from "../../ids.js";
import { MinorUnitsSchema } from "../../money.js";
import { text } from "../../text.js";
import { z } from "../../zod.js";

// Pieces the plan schemas share: ids, field types and refinement helpers.

export const PlanId = idSchema("plan");
export const ParticipantId = idSchema("participant");
export const ProposalId = idSchema("proposal");
export const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
export const IsoDate = z.iso.date({ message: "must be a date such as 2030-07-01" });
export const Title = text().trim().min(1).max(200);
export const Description = text().trim().max(5000);
export const Name = text().trim().min(1).max(120);
export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "grace@example.com" });
export const Link = text(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
  .max(2000)
  .openapi({ format: "uri", example: "https://example.com/tour" });
/**
 * `schema` or null. Prefer this to `.nullable()` on a schema registered as an OpenAPI component:
 * zod-to-openapi then makes the component itself nullable, so every other use of it (a request
 * body field, say) would document null as allowed. A union refers to the component unchanged.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
/** A positive amount of minor units. */
export const Amount = MinorUnitsSchema.min(1, "must be at least 1 minor unit");

/** The items that occur more than once in `list`, for "no duplicates" refinements. */
export function duplicates(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of list) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}

/**
 * Decimal numbers with at most 4 decimals (percentages, share weights) become exact integers
 * in units of 1/10 000 so sums are checked without floating-point error.
 */
export const DECIMAL_SCALE = 10_000;
export function toScaled(x: number): number | null {
  const scaled = Math.round(x * DECIMAL_SCALE);
  return Math.abs(scaled - x * DECIMAL_SCALE) < 1e-6 ? scaled : null;
}
export const Decimal4 = (what: string, min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((x) => toScaled(x) !== null, `${what} may have at most 4 decimals`);
