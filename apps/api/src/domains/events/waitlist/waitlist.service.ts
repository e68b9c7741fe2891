import {
  type JoinedWaitlistEntry,
  type JoinWaitlist,
  type LeaveWaitlist,
  newId,
  type Page,
  type WaitlistEntry,
  type WaitlistQuery,
} from "@gatherkit/core";
import { events, orders, waitlistEntries } from "@gatherkit/db";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { rerunOnRetry, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, email, enqueue } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadEvent, loadStock, remainingOfType, unlocks } from "../access.js";
import { buyerOrderUrl, buyerToken, isBuyerToken, isLeaveToken, leaveToken } from "../buyer-access.js";
import { releaseOrder } from "../holds.js";
import { openPayment } from "../orders/order-payment.js";
import { offerHold } from "../orders/orders.service.js";

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
): Promise<JoinedWaitlistEntry> {
  const { event } = await loadEvent(deps, caller, eventId);
  // Two steps (the entry, then what came back offered to the list): the retry of a request that
  // died after the entry went in carries on from it.
  const resumed = resumedFrom(deps);
  if (resumed !== undefined) {
    const [entry] = await deps.db
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.id, resumed), eq(waitlistEntries.eventId, event.id)))
      .limit(1);
    if (entry) return joined(deps, entry);
  }
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
  resumeOnCommit(deps, row.id);
  try {
    await deps.db.insert(waitlistEntries).values(row);
  } catch (err) {
    if (isUniqueViolation(err, "waitlist_entries.ticket_type_id")) {
      throw new ApiError(409, "waitlist_entry_exists", `${input.email} is already on the waiting list of ${type.name}.`);
    }
    throw err;
  }
  return joined(deps, row);
}

/** A new entry's answer, once what came back is offered to the list (tickets may have come back while it was being read). */
async function joined(deps: Deps, row: EntryRow): Promise<JoinedWaitlistEntry> {
  await offerWaitlist(deps, row.eventId);
  const [fresh] = await deps.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, row.id)).limit(1);
  return { ...toEntry(fresh ?? row), leaveToken: await leaveToken(deps.config, row.id) };
}

/** What a caller must hold to take an entry off the list: its own token, or be an owner or admin of its organization. */
async function loadEntryFor(deps: Deps, caller: Caller | null, entryId: string, token: string | undefined): Promise<EntryRow> {
  const orgId = token === undefined ? requireOrganizer({ var: { caller } }, ["owner", "admin"]).orgId : undefined;
  const [row] = await deps.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, entryId)).limit(1);
  // A wrong token answers as an unknown entry does: nothing tells whether the entry exists.
  const allowed =
    row !== undefined &&
    (orgId !== undefined
      ? row.orgId === orgId
      : (token !== undefined && (await isLeaveToken(deps.config, row.id, token))) ||
        (token !== undefined && row.orderId !== null && (await isBuyerToken(deps.config, row.orderId, token))));
  if (!allowed) throw notFound("Waiting-list entry");
  return row;
}

/** An offer's order that was paid: the entry is (or is about to be) `claimed`. */
const PAID = ["paid", "partially_refunded", "refunded"] as const;

/**
 * Takes an entry off the waiting list: the entrant with their `leaveToken` (from joining) or the
 * token of the order link in their offer email, or an owner or admin of the event's organization.
 * Idempotent: leaving again answers the `left` entry. A `waiting` or `expired` entry becomes
 * `left` in one conditional write. An `offered` one first has its hold cancelled (only while it
 * is still pending), then becomes `left`, and what came back is offered to the next entry. Its
 * races with an offer being made are settled by the rows: an offer is written only while the
 * entry is still `waiting` (see `offerHold`), and leaving is written only from the status it
 * read, so when one wins the other reads again and acts on what it finds. An offer that was paid
 * cannot be left: 409 `waitlist_entry_claimed` (a refund is the way back).
 */
export async function leaveWaitlist(deps: Deps, caller: Caller | null, entryId: string, input: LeaveWaitlist): Promise<WaitlistEntry> {
  let row = await loadEntryFor(deps, caller, entryId, input.token);
  const db = deps.db;
  // Leaving again answers the `left` entry: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  // Each round acts on the status read; a round loses only to a concurrent change, which a fresh read then sees.
  for (let round = 0; round < 5; round++) {
    if (row.status === "left") return toEntry(row);
    if (row.status === "claimed") throw claimed();
    if (row.status === "offered" && row.orderId !== null) {
      const [order] = await db.select().from(orders).where(eq(orders.id, row.orderId)).limit(1);
      // Its hold ends now (if still pending); the tickets are offered on below, once the entry is `left`.
      if (order) await releaseOrder(deps, order, "cancelled", { offerWaitlist: false });
    }
    const orderId = row.orderId;
    const notPaid = orderId
      ? sql`NOT EXISTS (SELECT 1 FROM ${orders} o WHERE o.id = ${orderId} AND o.status IN ('pending', ${sql.join(
          PAID.map((p) => sql`${p}`),
          sql`, `,
        )}))`
      : undefined;
    const [done] = await db
      .update(waitlistEntries)
      .set({ status: "left", updatedAt: deps.now() })
      .where(
        and(
          eq(waitlistEntries.id, row.id),
          row.status === "offered" ? inArray(waitlistEntries.status, ["offered", "expired"]) : eq(waitlistEntries.status, row.status),
          orderId ? eq(waitlistEntries.orderId, orderId) : sql`${waitlistEntries.orderId} IS NULL`,
          notPaid,
        ),
      )
      .returning();
    if (done) {
      if (row.status === "offered") await offerWaitlist(deps, row.eventId);
      return toEntry(done);
    }
    const [fresh] = await db.select().from(waitlistEntries).where(eq(waitlistEntries.id, row.id)).limit(1);
    if (!fresh) throw notFound("Waiting-list entry");
    // An offer paid while we read: the settlement that makes it `claimed` may not have run yet.
    if (fresh.status === "offered" && fresh.orderId === orderId && orderId && (await orderPaid(deps, orderId))) throw claimed();
    row = fresh;
  }
  throw conflict("The waiting-list entry kept changing while leaving it; try again.");
}

const claimed = () =>
  new ApiError(
    409,
    "waitlist_entry_claimed",
    "These tickets were offered and paid for: ask the organizer for a refund instead of leaving.",
  );

async function orderPaid(deps: Deps, orderId: string): Promise<boolean> {
  const [o] = await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)).limit(1);
  return o !== undefined && (PAID as readonly string[]).includes(o.status);
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
    const opened = await openPayment(deps, held, event.title, { byEmail: true });
    if (!opened) {
      // The provider is down: the entry waits again (first in line still) and is offered later.
      await releaseOrder(deps, held, "cancelled", { offerWaitlist: false });
      await db
        .update(waitlistEntries)
        .set({ status: "waiting", orderId: null, offeredAt: null, updatedAt: deps.now() })
        // Still `offered`: an entrant who left meanwhile stays gone.
        .where(and(eq(waitlistEntries.id, next.entry.id), eq(waitlistEntries.orderId, held.id), eq(waitlistEntries.status, "offered")));
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
