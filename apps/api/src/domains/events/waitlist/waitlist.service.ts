import { type JoinWaitlist, newId, type Page, type WaitlistEntry, type WaitlistQuery } from "@gatherkit/core";
import { events, orders, waitlistEntries } from "@gatherkit/db";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError } from "../../../lib/errors.js";
import { deliverSoon, email, enqueue } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadEvent, loadStock, remainingOfType, unlocks } from "../access.js";
import { buyerOrderUrl, buyerToken } from "../buyer-access.js";
import { releaseOrder } from "../holds.js";
import { offerHold, openPayment } from "../orders/orders.service.js";

// The waiting list of sold-out ticket types. Joining needs only the page's publishable key (like
// a checkout); what comes back to sale is offered, oldest entry first, as a hold in the entry's
// name (the same write as any checkout, so never more than exists), emailed with its payment
// link; if that hold runs out the tickets pass to the next entry.

type EntryRow = typeof waitlistEntries.$inferSelect;

function toEntry(row: EntryRow): WaitlistEntry {
  return {
    id: row.id,
    eventId: row.eventId,
    ticketTypeId: row.ticketTypeId,
    name: row.name,
    email: row.email,
    quantity: row.quantity,
    status: row.status,
    orderId: row.orderId,
    offeredAt: toIso(row.offeredAt),
    createdAt: toIso(row.createdAt) as string,
  };
}

/**
 * Joins a ticket type's waiting list (anyone who may buy it: a page's publishable key, a
 * participant, organizers). Only when the type cannot sell `quantity` now (409
 * `waitlist_not_needed` otherwise) and once per email while waiting or offered (409
 * `waitlist_entry_exists`); the quantity within the type's per-order bounds (422
 * `order_quantity_out_of_range`); a hidden type needs its access code like a checkout.
 */
export async function joinWaitlist(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  ticketTypeId: string,
  input: JoinWaitlist,
): Promise<WaitlistEntry> {
  const { event } = await loadEvent(deps, caller, eventId);
  if (event.status !== "published" || deps.now() >= event.endsAt) {
    throw new ApiError(409, "event_not_on_sale", `This event is ${event.status === "published" ? "over" : event.status}.`);
  }
  const stock = await loadStock(deps, event.id);
  const type = stock.types.find((t) => t.id === ticketTypeId && unlocks(t, input.accessCode));
  if (!type) throw new ApiError(422, "unknown_ticket_type", `No ticket type ${ticketTypeId} in this event.`);
  if (input.quantity < type.minPerOrder || input.quantity > type.maxPerOrder) {
    throw new ApiError(
      422,
      "order_quantity_out_of_range",
      `${type.name}: between ${type.minPerOrder} and ${type.maxPerOrder} per order, not ${input.quantity}.`,
    );
  }
  const remaining = remainingOfType(event, stock, type);
  const [someone] = await deps.db
    .select({ id: waitlistEntries.id })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.ticketTypeId, type.id), eq(waitlistEntries.status, "waiting")))
    .limit(1);
  if (!someone && (remaining === null || remaining >= input.quantity)) {
    throw new ApiError(409, "waitlist_not_needed", `${type.name} is on sale: buy it instead of waiting.`);
  }
  const now = deps.now();
  const row: EntryRow = {
    id: newId("waitlistEntry"),
    orgId: event.orgId,
    eventId: event.id,
    ticketTypeId: type.id,
    name: input.name,
    email: input.email,
    quantity: input.quantity,
    status: "waiting",
    orderId: null,
    offeredAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.db.insert(waitlistEntries).values(row);
  } catch (err) {
    if (isUniqueViolation(err, "waitlist_entries.ticket_type_id")) {
      throw new ApiError(409, "waitlist_entry_exists", `${input.email} is already on the waiting list of ${type.name}.`);
    }
    throw err;
  }
  // Tickets may have come back while this was being read.
  await offerWaitlist(deps, event.id);
  const [fresh] = await deps.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, row.id)).limit(1);
  return toEntry(fresh ?? row);
}

/** An event's waiting list, newest first (organizers); offers that ended are settled first. */
export async function listWaitlist(deps: Deps, caller: Caller | null, eventId: string, query: WaitlistQuery): Promise<Page<WaitlistEntry>> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  await offerWaitlist(deps, event.id);
  return paginate(
    waitlistEntries,
    query,
    (p) =>
      deps.db
        .select()
        .from(waitlistEntries)
        .where(and(eq(waitlistEntries.eventId, event.id), query.status ? eq(waitlistEntries.status, query.status) : undefined, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toEntry,
  );
}

const ROUNDS = 50;

/**
 * Settles the event's offers whose holds ended (paid: `claimed`; expired or cancelled:
 * `expired`), then offers what is free to the waiting entries, oldest first, each to the first
 * entry it fits, until nothing more fits. Safe to run concurrently (each offer is one guarded
 * write: see `offerHold`). Answers how many offers it made.
 */
export async function offerWaitlist(deps: Deps, eventId: string): Promise<number> {
  const db = deps.db;
  const orderStatus = sql`(SELECT ${orders.status} FROM ${orders} WHERE ${orders.id} = ${waitlistEntries.orderId})`;
  await db
    .update(waitlistEntries)
    .set({
      status: sql`CASE WHEN ${orderStatus} IN ('paid', 'partially_refunded', 'refunded') THEN 'claimed' ELSE 'expired' END`,
      updatedAt: deps.now(),
    })
    .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.status, "offered"), ne(orderStatus, "pending")));
  let offered = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const waiting = await db
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.status, "waiting")))
      .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
      .limit(100);
    if (waiting.length === 0) break;
    const [event] = await db.select().from(events).where(eq(events.id, eventId)).limit(1);
    if (event?.status !== "published" || deps.now() >= event.endsAt) break;
    const stock = await loadStock(deps, eventId);
    let next: { entry: EntryRow; type: (typeof stock.types)[number] } | undefined;
    for (const entry of waiting) {
      const type = stock.types.find((t) => t.id === entry.ticketTypeId);
      const remaining = type ? remainingOfType(event, stock, type) : 0;
      if (type && (remaining === null || remaining >= entry.quantity)) {
        next = { entry, type };
        break;
      }
    }
    if (!next) break;
    const held = await offerHold(deps, event, next.type, next.entry);
    if (!held) continue; // another offer took it (or the room) first: read again
    offered++;
    deliverSoon(deps);
    if (held.status === "paid") continue; // a free type: confirmed at once, its email queued with it
    const opened = await openPayment(deps, held, event.title);
    if (!opened) {
      // The provider is down: the entry waits again (first in line still) and is offered later.
      await releaseOrder(deps, held, "cancelled", { offerWaitlist: false });
      await db
        .update(waitlistEntries)
        .set({ status: "waiting", orderId: null, offeredAt: null, updatedAt: deps.now() })
        .where(and(eq(waitlistEntries.id, next.entry.id), eq(waitlistEntries.orderId, held.id)));
      break;
    }
    await enqueue(
      db,
      offerEmail(event, held, opened.intent.checkoutUrl, buyerOrderUrl(deps.config, held.id, await buyerToken(deps.config, held.id))),
      {
        orgId: held.orgId,
        now: deps.now(),
      },
    );
  }
  return offered;
}

function offerEmail(
  event: typeof events.$inferSelect,
  order: { id: string; buyerName: string; buyerEmail: string; quantity: number; expiresAt: number; confirmationCode: string },
  checkoutUrl: string | null,
  orderUrl: string,
) {
  const until = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: event.timeZone }).format(
    order.expiresAt,
  );
  const what = `${order.quantity} ticket${order.quantity === 1 ? "" : "s"}`;
  const pay = checkoutUrl ? `Pay here to keep them: ${checkoutUrl}` : "Pay on the event's page to keep them.";
  return email({
    to: order.buyerEmail,
    subject: `Tickets are free for ${event.title}: they are held for you`,
    text: `Hello ${order.buyerName},\n\n${what} for ${event.title} came back, and you were next on the waiting list. They are held in your name (order ${order.confirmationCode}) until ${until}; after that they go to the next person.\n\n${pay}\n\nYour order: ${orderUrl}\n`,
    template: "waitlist_offer",
    data: { orderId: order.id, eventId: event.id },
  });
}
