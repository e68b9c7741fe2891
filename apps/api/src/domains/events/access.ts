import {
  type Availability,
  eventAvailability,
  type Quota,
  remainingOf,
  type TicketedEvent,
  type TicketType,
  ticketTypeAvailability,
} from "@gatherkit/core";
import { type Db, events, quotas, ticketTypeQuotas, ticketTypes, waitlistEntries } from "@gatherkit/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { requireCaller } from "../../lib/auth.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { rootDb } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Deps } from "../../lib/types.js";

export type EventRow = typeof events.$inferSelect;
export type TicketTypeRow = typeof ticketTypes.$inferSelect;
export type QuotaRow = typeof quotas.$inferSelect;

/** Who may see an event: organization staff see every status; everyone else (publishable key, participant) published events only. */
export type EventViewer = { staff: boolean; orgId: string };

export function eventViewer(caller: Caller | null): EventViewer {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  return { staff: who.kind === "user" || who.kind === "secret_key", orgId: who.orgId };
}

/**
 * The reads of every checkout (and of the event's answers), built once per database handle with
 * placeholders (drizzle's `.prepare()`) instead of on every call: building SQL was about a third
 * of a hold's CPU. Reads only — writes go through `db.batch`, where the guarded-writes wrapper
 * sees them — and from the root handle, which reads the same as a request's.
 */
function prepareReads(db: Db) {
  const eventId = sql.placeholder("eventId");
  return {
    event: db
      .select()
      .from(events)
      .where(and(eq(events.id, eventId), eq(events.orgId, sql.placeholder("orgId"))))
      .limit(1)
      .prepare(),
    types: db
      .select()
      .from(ticketTypes)
      .where(eq(ticketTypes.eventId, eventId))
      .orderBy(asc(ticketTypes.sortOrder), asc(ticketTypes.createdAt))
      .prepare(),
    quotas: db.select().from(quotas).where(eq(quotas.eventId, eventId)).orderBy(asc(quotas.createdAt)).prepare(),
    links: db
      .select({ quotaId: ticketTypeQuotas.quotaId, ticketTypeId: ticketTypeQuotas.ticketTypeId })
      .from(ticketTypeQuotas)
      .innerJoin(quotas, eq(quotas.id, ticketTypeQuotas.quotaId))
      .where(eq(quotas.eventId, eventId))
      .prepare(),
    /** The event's ticket types someone waits for. */
    waited: db
      .selectDistinct({ id: waitlistEntries.ticketTypeId })
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.status, "waiting")))
      .prepare(),
  };
}

const prepared = new WeakMap<Db, ReturnType<typeof prepareReads>>();

/** The prepared reads of `deps`' database (see `prepareReads`). */
export function eventReads(deps: Deps): ReturnType<typeof prepareReads> {
  const root = rootDb(deps.db);
  let reads = prepared.get(root);
  if (!reads) {
    reads = prepareReads(root);
    prepared.set(root, reads);
  }
  return reads;
}

/** The event for `caller`, or 404 (another organization's, or one the caller may not see yet). */
export async function loadEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<{ event: EventRow; viewer: EventViewer }> {
  const viewer = eventViewer(caller);
  const [event] = await eventReads(deps).event.all({ eventId, orgId: viewer.orgId });
  if (!event || (!viewer.staff && event.status !== "published")) throw notFound("Event");
  return { event, viewer };
}

/** Everything the stock of one event is computed from, read together. */
export interface EventStock {
  types: TicketTypeRow[];
  quotas: QuotaRow[];
  /** quota id → ticket type ids, and back. */
  typesOfQuota: Map<string, string[]>;
  quotasOfType: Map<string, string[]>;
}

/**
 * Reads the event's stock: by default the three reads in one batch (one read transaction: the
 * types, quotas and links of one moment, as answers that show them need). `firstAnswer`: three
 * plain reads, without the transaction's BEGIN and COMMIT (two statements of a checkout's ~20),
 * for a check whose write decides again itself (a hold).
 */
export async function loadStock(deps: Deps, eventId: string, opts: { firstAnswer?: boolean } = {}): Promise<EventStock> {
  const db = deps.db;
  let types: TicketTypeRow[];
  let qs: QuotaRow[];
  let links: { quotaId: string; ticketTypeId: string }[];
  if (opts.firstAnswer) {
    const r = eventReads(deps);
    [types, qs, links] = await Promise.all([r.types.all({ eventId }), r.quotas.all({ eventId }), r.links.all({ eventId })]);
  } else {
    [types, qs, links] = await db.batch([
      db.select().from(ticketTypes).where(eq(ticketTypes.eventId, eventId)).orderBy(asc(ticketTypes.sortOrder), asc(ticketTypes.createdAt)),
      db.select().from(quotas).where(eq(quotas.eventId, eventId)).orderBy(asc(quotas.createdAt)),
      db
        .select({ quotaId: ticketTypeQuotas.quotaId, ticketTypeId: ticketTypeQuotas.ticketTypeId })
        .from(ticketTypeQuotas)
        .innerJoin(quotas, eq(quotas.id, ticketTypeQuotas.quotaId))
        .where(eq(quotas.eventId, eventId)),
    ]);
  }
  const typesOfQuota = new Map<string, string[]>();
  const quotasOfType = new Map<string, string[]>();
  for (const l of links) {
    typesOfQuota.set(l.quotaId, [...(typesOfQuota.get(l.quotaId) ?? []), l.ticketTypeId]);
    quotasOfType.set(l.ticketTypeId, [...(quotasOfType.get(l.ticketTypeId) ?? []), l.quotaId]);
  }
  return { types, quotas: qs, typesOfQuota, quotasOfType };
}

/** What can still be held of `type`: the least room among its quantity, its quotas and the event's capacity. */
export function remainingOfType(event: EventRow, stock: EventStock, type: TicketTypeRow): number | null {
  const byId = new Map(stock.quotas.map((q) => [q.id, q]));
  return remainingOf([
    type.quantity === null ? null : type.quantity - type.quantityUsed,
    event.capacity === null ? null : event.capacity - event.capacityUsed,
    ...(stock.quotasOfType.get(type.id) ?? []).map((id) => {
      const q = byId.get(id);
      return q ? q.size - q.used : null;
    }),
  ]);
}

/** Whether a buyer may see and buy `type`: public ones, and hidden ones whose access code they gave. */
export function unlocks(type: TicketTypeRow, accessCode: string | undefined): boolean {
  return (
    !type.hidden || (accessCode !== undefined && type.accessCode !== null && type.accessCode.toLowerCase() === accessCode.toLowerCase())
  );
}

export function toTicketType(event: EventRow, stock: EventStock, row: TicketTypeRow, now: number, staff: boolean): TicketType {
  const remaining = remainingOfType(event, stock, row);
  const availability: Availability =
    event.status === "cancelled"
      ? "cancelled"
      : now >= event.endsAt
        ? "sales_ended"
        : ticketTypeAvailability({ salesStartAt: row.salesStartAt, salesEndAt: row.salesEndAt, remaining }, now);
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    description: row.description,
    price: row.price,
    currency: row.currency,
    quantity: row.quantity,
    remaining,
    availability,
    minPerOrder: row.minPerOrder,
    maxPerOrder: row.maxPerOrder,
    salesStartAt: toIso(row.salesStartAt),
    salesEndAt: toIso(row.salesEndAt),
    hidden: row.hidden,
    accessCode: staff ? row.accessCode : null,
    sortOrder: row.sortOrder,
    quotaIds: stock.quotasOfType.get(row.id) ?? [],
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export function toQuota(row: QuotaRow, stock: EventStock): Quota {
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    size: row.size,
    used: row.used,
    remaining: Math.max(0, row.size - row.used),
    ticketTypeIds: stock.typesOfQuota.get(row.id) ?? [],
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** The API shape of an event, with availability and remaining stock derived from its public ticket types. */
export function toEvent(row: EventRow, stock: EventStock, now: number): TicketedEvent {
  const pub = stock.types.filter((t) => !t.hidden);
  const remainings = pub.map((t) => remainingOfType(row, stock, t));
  const remaining =
    pub.length === 0
      ? row.capacity === null
        ? null
        : Math.max(0, row.capacity - row.capacityUsed)
      : remainings.some((r) => r === null)
        ? // An unlimited type is bounded only by the capacity.
          row.capacity === null
          ? null
          : Math.max(0, row.capacity - row.capacityUsed)
        : Math.min(
            row.capacity === null ? Number.MAX_SAFE_INTEGER : Math.max(0, row.capacity - row.capacityUsed),
            remainings.reduce<number>((a, r) => a + (r ?? 0), 0),
          );
  return {
    id: row.id,
    status: row.status,
    availability: eventAvailability(
      { status: row.status, endsAt: row.endsAt },
      pub.map((t, i) => ({ salesStartAt: t.salesStartAt, salesEndAt: t.salesEndAt, remaining: remainings[i] ?? null })),
      now,
    ),
    title: row.title,
    description: row.description,
    venue:
      row.venueName === null
        ? null
        : {
            name: row.venueName,
            address: {
              line1: row.address?.line1 ?? null,
              line2: row.address?.line2 ?? null,
              city: row.address?.city ?? null,
              region: row.address?.region ?? null,
              postalCode: row.address?.postalCode ?? null,
              country: row.address?.country ?? null,
            },
            lat: row.lat,
            lng: row.lng,
          },
    timeZone: row.timeZone,
    startsAt: toIso(row.startsAt),
    endsAt: toIso(row.endsAt),
    capacity: row.capacity,
    remaining,
    currency: row.currency,
    categories: row.categories,
    imageUrls: row.imageUrls,
    contact: { name: row.contactName, email: row.contactEmail },
    holdMinutes: row.holdMinutes,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    publishedAt: toIso(row.publishedAt),
    cancelledAt: toIso(row.cancelledAt),
  };
}

/** Refuses ticket type ids that are not the event's (422 `unknown_ticket_type`), for what limits itself to some types. */
export async function assertTicketTypesOfEvent(deps: Deps, eventId: string, ticketTypeIds: readonly string[] | undefined): Promise<void> {
  if (!ticketTypeIds) return;
  const types = new Set((await loadStock(deps, eventId)).types.map((t) => t.id));
  const foreign = ticketTypeIds.find((id) => !types.has(id));
  if (foreign) throw new ApiError(422, "unknown_ticket_type", `No ticket type ${foreign} in this event.`);
}
