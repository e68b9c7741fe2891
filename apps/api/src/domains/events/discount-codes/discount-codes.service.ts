import { type CreateDiscountCode, type DiscountCode, newId } from "@gatherkit/core";
import { discountCodes } from "@gatherkit/db";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { assertTicketTypesOfEvent, loadEvent } from "../access.js";

export type DiscountCodeRow = typeof discountCodes.$inferSelect;

export function toDiscountCode(row: DiscountCodeRow): DiscountCode {
  return {
    id: row.id,
    eventId: row.eventId,
    code: row.code,
    kind: row.kind,
    value: row.value,
    ticketTypeIds: row.ticketTypeIds,
    maxUses: row.maxUses,
    used: row.used,
    validFrom: toIso(row.validFrom),
    validUntil: toIso(row.validUntil),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** The event's discount code `code` (any case), or undefined. */
export async function findDiscountCode(deps: Deps, eventId: string, code: string): Promise<DiscountCodeRow | undefined> {
  const [row] = await deps.db
    .select()
    .from(discountCodes)
    .where(and(eq(discountCodes.eventId, eventId), eq(discountCodes.code, code.toUpperCase())))
    .limit(1);
  return row;
}

/**
 * "The code may be used once more now", as SQL for the statement that inserts the order: a use is
 * left and `now` is inside its window. The same batch then counts the use, so of concurrent
 * checkouts with the last use exactly one gets it (writers are serialized on libSQL and D1).
 */
export const discountHasRoom = (id: string, now: number): SQL =>
  sql`EXISTS (SELECT 1 FROM ${discountCodes} d WHERE d.id = ${id} AND (d.max_uses IS NULL OR d.used < d.max_uses)
    AND (d.valid_from IS NULL OR d.valid_from <= ${now}) AND (d.valid_until IS NULL OR d.valid_until > ${now}))`;

/** Adds a discount code to an event (owners and admins). Its types must be the event's (422 `unknown_ticket_type`); a code taken in the event is 409 `discount_code_exists`. */
export async function createDiscountCode(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  input: CreateDiscountCode,
): Promise<DiscountCode> {
  requireOrganizer({ var: { caller } }, ["owner", "admin"]);
  const { event } = await loadEvent(deps, caller, eventId);
  await assertTicketTypesOfEvent(deps, event.id, input.ticketTypeIds);
  const now = deps.now();
  const row: DiscountCodeRow = {
    id: newId("discountCode"),
    orgId: event.orgId,
    eventId: event.id,
    code: input.code.toUpperCase(),
    kind: input.kind,
    value: input.value,
    ticketTypeIds: input.ticketTypeIds ?? null,
    maxUses: input.maxUses ?? null,
    used: 0,
    validFrom: fromIso(input.validFrom),
    validUntil: fromIso(input.validUntil),
    createdAt: now,
    updatedAt: now,
  };
  const created = toDiscountCode(row);
  answerOnCommit(deps, 201, created);
  try {
    await deps.db.insert(discountCodes).values(row);
  } catch (err) {
    if (isUniqueViolation(err, "discount_codes.event_id")) {
      throw new ApiError(409, "discount_code_exists", `This event already has the discount code ${row.code}.`);
    }
    throw err;
  }
  return created;
}

/** An event's discount codes with their uses (organizers). */
export async function listDiscountCodes(deps: Deps, caller: Caller | null, eventId: string): Promise<{ data: DiscountCode[] }> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  const rows = await deps.db
    .select()
    .from(discountCodes)
    .where(eq(discountCodes.eventId, event.id))
    .orderBy(asc(discountCodes.createdAt), asc(discountCodes.id));
  return { data: rows.map(toDiscountCode) };
}
