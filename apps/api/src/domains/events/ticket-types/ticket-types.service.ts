import {
  type CreateQuota,
  type CreateTicketType,
  newId,
  type Quota,
  type TicketType,
  ticketTypeIssues,
  type UpdateQuota,
  type UpdateTicketType,
} from "@gatherkit/core";
import { orderLines, quotas, ticketTypeQuotas, ticketTypes } from "@gatherkit/db";
import { and, eq, inArray, notExists, notInArray, type SQL, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type EventRow, loadEvent, loadStock, type QuotaRow, type TicketTypeRow, toQuota, toTicketType, unlocks } from "../access.js";
import { enqueueStockChanged } from "../events.js";
import { releaseExpiredHolds } from "../holds.js";

/** An event an organizer may change the ticketing of: theirs and not cancelled. */
async function manageableEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<EventRow> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  if (event.status === "cancelled") throw new ApiError(409, "invalid_event_transition", "A cancelled event's tickets cannot be changed.");
  return event;
}

async function typeView(deps: Deps, event: EventRow, typeId: string): Promise<TicketType> {
  const stock = await loadStock(deps, event.id);
  const row = stock.types.find((t) => t.id === typeId);
  if (!row) throw notFound("Ticket type");
  return toTicketType(event, stock, row, deps.now(), true);
}

function invalid(path: string, message: string): ApiError {
  return new ApiError(400, "validation_failed", `body.${path}: ${message}`, { errors: [{ path: `body.${path}`, message }] });
}

/** Adds a ticket type to an event (organizers); its currency must be the event's (422 `ticket_currency_mismatch`). */
export async function createTicketType(deps: Deps, caller: Caller | null, eventId: string, input: CreateTicketType): Promise<TicketType> {
  const event = await manageableEvent(deps, caller, eventId);
  if (input.currency !== event.currency) {
    throw new ApiError(
      422,
      "ticket_currency_mismatch",
      `This event sells in ${event.currency}; a ticket type in ${input.currency} cannot be added.`,
    );
  }
  const now = deps.now();
  const row: TicketTypeRow = {
    id: newId("ticketType"),
    orgId: event.orgId,
    eventId: event.id,
    name: input.name,
    description: input.description,
    price: input.price,
    currency: input.currency,
    quantity: input.quantity ?? null,
    quantityUsed: 0,
    minPerOrder: input.minPerOrder,
    maxPerOrder: input.maxPerOrder,
    salesStartAt: fromIso(input.salesStartAt),
    salesEndAt: fromIso(input.salesEndAt),
    hidden: input.hidden,
    accessCode: input.accessCode ?? null,
    sortOrder: input.sortOrder,
    createdAt: now,
    updatedAt: now,
  };
  // The answer is known before the write (the new type in the stock as it stands), so it is
  // sealed with it: a retry after a crash between the write and the response gets it back.
  const stock = await loadStock(deps, event.id);
  const created = toTicketType(event, { ...stock, types: [...stock.types, row] }, row, now, true);
  answerOnCommit(deps, 201, created);
  const db = deps.db;
  await db.batch([db.insert(ticketTypes).values(row), enqueueStockChanged(deps, event.orgId, event.id)]);
  deliverSoon(deps);
  return created;
}

/** The event's ticket types in sort order: every one for organizers; for others the public ones and those `accessCode` unlocks. */
export async function listTicketTypes(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  accessCode: string | undefined,
): Promise<{ data: TicketType[] }> {
  const { event, viewer } = await loadEvent(deps, caller, eventId);
  await releaseExpiredHolds(deps, event.id);
  const stock = await loadStock(deps, event.id);
  const now = deps.now();
  return {
    data: stock.types.filter((t) => viewer.staff || unlocks(t, accessCode)).map((t) => toTicketType(event, stock, t, now, viewer.staff)),
  };
}

async function loadType(deps: Deps, event: EventRow, typeId: string): Promise<TicketTypeRow> {
  const [row] = await deps.db
    .select()
    .from(ticketTypes)
    .where(and(eq(ticketTypes.id, typeId), eq(ticketTypes.eventId, event.id)))
    .limit(1);
  if (!row) throw notFound("Ticket type");
  return row;
}

/** Edits a ticket type (organizers). Its quantity cannot go below what is held or sold (409 `event_has_sales`). */
export async function updateTicketType(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  typeId: string,
  input: UpdateTicketType,
): Promise<TicketType> {
  const event = await manageableEvent(deps, caller, eventId);
  const type = await loadType(deps, event, typeId);
  const set: Partial<TicketTypeRow> = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.price !== undefined && { price: input.price }),
    ...(input.quantity !== undefined && { quantity: input.quantity }),
    ...(input.minPerOrder !== undefined && { minPerOrder: input.minPerOrder }),
    ...(input.maxPerOrder !== undefined && { maxPerOrder: input.maxPerOrder }),
    ...(input.salesStartAt !== undefined && { salesStartAt: fromIso(input.salesStartAt) }),
    ...(input.salesEndAt !== undefined && { salesEndAt: fromIso(input.salesEndAt) }),
    ...(input.hidden !== undefined && { hidden: input.hidden }),
    ...(input.accessCode !== undefined && { accessCode: input.accessCode }),
    ...(input.sortOrder !== undefined && { sortOrder: input.sortOrder }),
  };
  const merged = { ...type, ...set };
  const [issue] = ticketTypeIssues({ ...merged, salesStartAt: toIso(merged.salesStartAt), salesEndAt: toIso(merged.salesEndAt) });
  if (issue) throw invalid(issue.path, issue.message);
  if (merged.quantity !== null && merged.quantity < type.quantityUsed) {
    throw new ApiError(409, "event_has_sales", `${type.quantityUsed} of this type are already held or sold: the quantity cannot be lower.`);
  }
  const updatedAt = Math.max(deps.now(), type.updatedAt + 1);
  const db = deps.db;
  await guardedWrite(
    deps,
    [
      db
        .update(ticketTypes)
        .set({ ...set, updatedAt })
        .where(
          and(
            eq(ticketTypes.id, type.id),
            eq(ticketTypes.updatedAt, type.updatedAt),
            merged.quantity === null ? undefined : sql`${ticketTypes.quantityUsed} <= ${merged.quantity}`,
          ),
        )
        .returning({ id: ticketTypes.id }),
      enqueueStockChanged(deps, event.orgId, event.id, sql`changes() > 0`),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        throw conflict("The ticket type changed (or sold) while this edit was on its way: read it again and retry.");
      },
    },
  );
  return typeView(deps, event, type.id);
}

/** Deletes a ticket type no order ever held (else 409 `event_has_sales`: hide it or end its sales instead). */
export async function deleteTicketType(deps: Deps, caller: Caller | null, eventId: string, typeId: string): Promise<void> {
  const event = await manageableEvent(deps, caller, eventId);
  const type = await loadType(deps, event, typeId);
  const db = deps.db;
  const never: SQL = notExists(db.select({ one: orderLines.id }).from(orderLines).where(eq(orderLines.ticketTypeId, type.id)));
  await guardedWrite(
    deps,
    [
      db
        .delete(ticketTypes)
        .where(and(eq(ticketTypes.id, type.id), eq(ticketTypes.quantityUsed, 0), never))
        .returning({ id: ticketTypes.id }),
      enqueueStockChanged(deps, event.orgId, event.id, sql`changes() > 0`),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        throw new ApiError(
          409,
          "event_has_sales",
          "Orders hold or held this ticket type: hide it or end its sales instead of deleting it.",
        );
      },
    },
  );
}

/**
 * Creates a quota shared by ticket types of the event (organizers). It starts counting what those
 * types already hold or sold, computed in the inserting statement itself (so a checkout landing
 * at the same moment is either counted or waits); a size below that answers 409 `event_has_sales`.
 */
export async function createQuota(deps: Deps, caller: Caller | null, eventId: string, input: CreateQuota): Promise<Quota> {
  const event = await manageableEvent(deps, caller, eventId);
  const db = deps.db;
  await requireTypesOf(deps, event, input.ticketTypeIds);
  const now = deps.now();
  const id = newId("quota");
  const usedSql = usedBy(input.ticketTypeIds);
  const quotaExists = sql`EXISTS (SELECT 1 FROM ${quotas} WHERE ${quotas.id} = ${id})`;
  // The answer is known before the write (what the types hold or sold as read now), so it is
  // sealed with it, answered only if the quota was written.
  const stock = await loadStock(deps, event.id);
  const used = stock.types.filter((t) => input.ticketTypeIds.includes(t.id)).reduce((sum, t) => sum + t.quantityUsed, 0);
  const row: QuotaRow = {
    id,
    orgId: event.orgId,
    eventId: event.id,
    name: input.name,
    size: input.size,
    used,
    createdAt: now,
    updatedAt: now,
  };
  const created = toQuota(row, { ...stock, typesOfQuota: new Map([[id, [...input.ticketTypeIds]]]) });
  answerOnCommit(deps, 201, created, quotaExists);
  await guardedWrite(
    deps,
    [
      insertWhen(
        db,
        quotas,
        { id, orgId: event.orgId, eventId: event.id, name: input.name, size: input.size, used: usedSql, createdAt: now, updatedAt: now },
        sql`${usedSql} <= ${input.size}`,
      ).returning({ id: quotas.id }),
      ...input.ticketTypeIds.map((ticketTypeId) =>
        insertWhen(db, ticketTypeQuotas, { orgId: event.orgId, quotaId: id, ticketTypeId }, quotaExists),
      ),
      enqueueStockChanged(deps, event.orgId, event.id, quotaExists),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        throw new ApiError(
          409,
          "event_has_sales",
          `These ticket types already hold or sold more than ${input.size}: make the quota larger.`,
        );
      },
    },
  );
  return created;
}

/** The event's quotas (organizers). */
export async function listQuotas(deps: Deps, caller: Caller | null, eventId: string): Promise<{ data: Quota[] }> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  const stock = await loadStock(deps, event.id);
  return { data: stock.quotas.map((q) => toQuota(q, stock)) };
}

async function loadQuota(deps: Deps, event: EventRow, quotaId: string): Promise<QuotaRow> {
  const [row] = await deps.db
    .select()
    .from(quotas)
    .where(and(eq(quotas.id, quotaId), eq(quotas.eventId, event.id)))
    .limit(1);
  if (!row) throw notFound("Quota");
  return row;
}

async function quotaView(deps: Deps, event: EventRow, quotaId: string): Promise<Quota> {
  const stock = await loadStock(deps, event.id);
  const row = stock.quotas.find((q) => q.id === quotaId);
  if (!row) throw notFound("Quota");
  return toQuota(row, stock);
}

/** 422 `unknown_ticket_type` unless every id is a ticket type of `event`. */
async function requireTypesOf(deps: Deps, event: EventRow, ids: readonly string[]): Promise<void> {
  const found = await deps.db
    .select({ id: ticketTypes.id })
    .from(ticketTypes)
    .where(and(eq(ticketTypes.eventId, event.id), inArray(ticketTypes.id, [...ids])));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new ApiError(422, "unknown_ticket_type", `No ticket type ${missing.join(", ")} in this event.`);
}

/** What `ids` hold or sold now, as SQL evaluated by the statement it is in. */
const usedBy = (ids: readonly string[]) =>
  sql`(SELECT COALESCE(SUM(${ticketTypes.quantityUsed}), 0) FROM ${ticketTypes} WHERE ${inArray(ticketTypes.id, [...ids])})`;

/**
 * Renames or resizes a quota, or changes its ticket types (organizers). The size is checked
 * against what is held or sold in the updating statement itself, so a checkout landing at the
 * same moment is either counted or waits; a size below it answers 409 `event_has_sales`. A new
 * set of ticket types is counted afresh in that same statement (what they hold or sold now) and
 * must fit the size; the links change in the same batch, only if the quota was written (and no
 * other change to it got in between: 409 `conflict`, retried).
 */
export async function updateQuota(deps: Deps, caller: Caller | null, eventId: string, quotaId: string, input: UpdateQuota): Promise<Quota> {
  const event = await manageableEvent(deps, caller, eventId);
  const quota = await loadQuota(deps, event, quotaId);
  const ids = input.ticketTypeIds;
  if (ids) await requireTypesOf(deps, event, ids);
  const db = deps.db;
  const stamp = Math.max(deps.now(), quota.updatedAt + 1);
  const size = input.size ?? sql`${quotas.size}`;
  // The links follow only a write of this request: the stamp it set (it also required the row it
  // read, so no concurrent change has the same stamp).
  const mine = sql`EXISTS (SELECT 1 FROM ${quotas} WHERE ${quotas.id} = ${quota.id} AND ${quotas.updatedAt} = ${stamp})`;
  const linked = (ticketTypeId: string) =>
    sql`EXISTS (SELECT 1 FROM ${ticketTypeQuotas} WHERE ${ticketTypeQuotas.quotaId} = ${quota.id} AND ${ticketTypeQuotas.ticketTypeId} = ${ticketTypeId})`;
  const relink = ids
    ? [
        db
          .delete(ticketTypeQuotas)
          .where(and(eq(ticketTypeQuotas.quotaId, quota.id), notInArray(ticketTypeQuotas.ticketTypeId, [...ids]), mine)),
        ...ids.map((ticketTypeId) =>
          insertWhen(
            db,
            ticketTypeQuotas,
            { orgId: event.orgId, quotaId: quota.id, ticketTypeId },
            sql`${mine} AND NOT ${linked(ticketTypeId)}`,
          ),
        ),
      ]
    : [];
  await guardedWrite(
    deps,
    [
      db
        .update(quotas)
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.size !== undefined && { size: input.size }),
          ...(ids && { used: usedBy(ids) }),
          updatedAt: stamp,
        })
        .where(
          and(
            eq(quotas.id, quota.id),
            ids ? and(eq(quotas.updatedAt, quota.updatedAt), sql`${usedBy(ids)} <= ${size}`) : undefined,
            !ids && input.size !== undefined ? sql`${quotas.used} <= ${input.size}` : undefined,
          ),
        )
        .returning({ id: quotas.id }),
      enqueueStockChanged(deps, event.orgId, event.id, sql`changes() > 0`),
      ...relink,
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        const now = await loadQuota(deps, event, quota.id);
        if (!ids)
          throw new ApiError(409, "event_has_sales", `${now.used} of this quota are already held or sold: the size cannot be lower.`);
        const stock = await loadStock(deps, event.id);
        const used = stock.types.filter((t) => ids.includes(t.id)).reduce((sum, t) => sum + t.quantityUsed, 0);
        if (used > (input.size ?? now.size)) {
          throw new ApiError(
            409,
            "event_has_sales",
            `These ticket types already hold or sold ${used}, more than the quota's ${input.size ?? now.size}: make it larger.`,
          );
        }
        throw conflict("The quota changed at the same time: try again.");
      },
    },
  );
  return quotaView(deps, event, quota.id);
}

/** Deletes a quota (organizers): its ticket types no longer draw on it; what was held or sold stays. */
export async function deleteQuota(deps: Deps, caller: Caller | null, eventId: string, quotaId: string): Promise<void> {
  const event = await manageableEvent(deps, caller, eventId);
  const quota = await loadQuota(deps, event, quotaId);
  const db = deps.db;
  await guardedWrite(
    deps,
    [
      db.delete(quotas).where(eq(quotas.id, quota.id)).returning({ id: quotas.id }),
      db.delete(ticketTypeQuotas).where(eq(ticketTypeQuotas.quotaId, quota.id)),
      enqueueStockChanged(deps, event.orgId, event.id, sql`NOT EXISTS (SELECT 1 FROM ${quotas} WHERE ${quotas.id} = ${quota.id})`),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        throw notFound("Quota");
      },
    },
  );
}
