import { type CreateOrder, newConfirmationCode, newId, type Order, type OrderListQuery, type Page } from "@gatherkit/core";
import { events, orderLines, orders, participants, quotas, tickets, ticketTypeQuotas, ticketTypes } from "@gatherkit/db";
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { requireCaller, requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { enqueueWhen } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import { signParticipantToken } from "../../../lib/tokens.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { paymentsProvider } from "../../../platform/payments/payments.service.js";
import type { PaymentIntent } from "../../../platform/payments/provider.js";
import { type EventRow, loadEvent, loadStock, remainingOfType, type TicketTypeRow, unlocks } from "../access.js";
import { confirmationEmail } from "../confirmation.js";
import { enqueueStockChanged } from "../events.js";
import { type OrderRow, quotaShare, quotasOfOrder, releaseExpiredHolds, releaseOrder } from "../holds.js";
import { issueTickets } from "../tickets.js";

export type OrderLineRow = typeof orderLines.$inferSelect;

export type TicketRow = typeof tickets.$inferSelect;

/** The API shape of an order; `secrets` (client secret, checkout URL) only in the answer that started the checkout. */
export function toOrder(
  row: OrderRow,
  lines: OrderLineRow[],
  issued: TicketRow[] = [],
  secrets?: PaymentIntent,
  buyerToken: string | null = null,
): Order {
  return {
    id: row.id,
    eventId: row.eventId,
    status: row.status,
    buyer: { name: row.buyerName, email: row.buyerEmail },
    lines: lines.map((l) => ({ ticketTypeId: l.ticketTypeId, quantity: l.quantity, unitPrice: l.unitPrice })),
    quantity: row.quantity,
    total: row.total,
    currency: row.currency,
    confirmationCode: row.confirmationCode,
    expiresAt: toIso(row.expiresAt),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    paidAt: toIso(row.paidAt),
    cancelledAt: toIso(row.cancelledAt),
    payment: row.paymentIntentId
      ? {
          provider: row.paymentIntentId.startsWith("pi_local_") ? "local" : "stripe",
          paymentIntentId: row.paymentIntentId,
          clientSecret: secrets?.clientSecret ?? null,
          checkoutUrl: secrets?.checkoutUrl ?? null,
        }
      : null,
    tickets: issued.map((x) => ({ id: x.id, ticketTypeId: x.ticketTypeId, code: x.code, status: x.status })),
    buyerToken,
  };
}

/** How long the buyer's token (from the checkout answer) reads their order. */
const BUYER_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** The participant a buyer's token names: one per order, known by this external id. */
const buyerExternalId = (orderId: string) => `order:${orderId}`;

/** A participant token for the order's buyer, which reads this order only (see `loadOrder`). */
async function buyerToken(deps: Deps, row: OrderRow): Promise<string> {
  const [buyer] = await deps.db
    .insert(participants)
    .values({
      id: newId("participant"),
      orgId: row.orgId,
      externalId: buyerExternalId(row.id),
      name: row.buyerName,
      email: row.buyerEmail,
      createdAt: deps.now(),
    })
    .returning({ id: participants.id });
  if (!buyer) throw new Error("inserting the buyer returned no row");
  const signed = await signParticipantToken(
    deps.config,
    { sub: buyer.id, org: row.orgId, name: row.buyerName },
    BUYER_TOKEN_TTL_SECONDS,
    deps.now(),
  );
  return signed.token;
}

/** What a checkout asks for, checked against the ticket types as read (the write checks the stock again itself). */
interface Request {
  event: EventRow;
  lines: { type: TicketTypeRow; quantity: number }[];
  quantity: number;
  total: number;
}

/**
 * Checks a checkout against the rules that do not depend on concurrent sales: the event is on
 * sale, each type exists in it (422 `unknown_ticket_type`), is unlocked (403
 * `access_code_required`), is within its sales window (409 `ticket_type_not_on_sale`) and its
 * per-order bounds (422 `order_quantity_out_of_range`). Stock is only a first answer here
 * (409 `sold_out` without writing); the write decides.
 */
async function checkRequest(deps: Deps, event: EventRow, input: CreateOrder): Promise<Request> {
  const now = deps.now();
  if (event.status !== "published" || now >= event.endsAt) {
    throw new ApiError(
      409,
      "event_not_on_sale",
      event.status === "published" ? "This event is over." : `This event is ${event.status}: nothing is on sale.`,
    );
  }
  const stock = await loadStock(deps, event.id);
  const lines = input.lines.map((l) => {
    const type = stock.types.find((t) => t.id === l.ticketTypeId);
    if (!type) throw new ApiError(422, "unknown_ticket_type", `No ticket type ${l.ticketTypeId} in this event.`);
    if (!unlocks(type, input.accessCode)) {
      throw new ApiError(403, "access_code_required", `Ticket type ${type.id} is sold only with its access code (accessCode).`);
    }
    if (type.salesStartAt !== null && now < type.salesStartAt) {
      throw new ApiError(409, "ticket_type_not_on_sale", `${type.name} goes on sale at ${toIso(type.salesStartAt)}.`);
    }
    if (type.salesEndAt !== null && now >= type.salesEndAt) {
      throw new ApiError(409, "ticket_type_not_on_sale", `Sales of ${type.name} ended at ${toIso(type.salesEndAt)}.`);
    }
    if (l.quantity < type.minPerOrder || l.quantity > type.maxPerOrder) {
      throw new ApiError(
        422,
        "order_quantity_out_of_range",
        `${type.name}: between ${type.minPerOrder} and ${type.maxPerOrder} per order, not ${l.quantity}.`,
      );
    }
    const remaining = remainingOfType(event, stock, type);
    if (remaining !== null && remaining < l.quantity) throw soldOut(type, remaining);
    return { type, quantity: l.quantity };
  });
  const quantity = lines.reduce((a, l) => a + l.quantity, 0);
  if (event.capacity !== null && event.capacity - event.capacityUsed < quantity) {
    throw new ApiError(409, "sold_out", `Only ${Math.max(0, event.capacity - event.capacityUsed)} tickets are left for this event.`);
  }
  return { event, lines, quantity, total: lines.reduce((a, l) => a + l.quantity * l.type.price, 0) };
}

const soldOut = (type: TicketTypeRow, remaining: number) =>
  new ApiError(409, "sold_out", remaining === 0 ? `${type.name} is sold out.` : `Only ${remaining} of ${type.name} are left.`);

/** `(SELECT column1 AS tt, column2 AS n FROM (VALUES (…), …))`: the order's lines as a table, before they are written. */
function requestedSql(r: Request): SQL {
  const rows = sql.join(
    r.lines.map((l) => sql`(${l.type.id}, ${l.quantity})`),
    sql`, `,
  );
  return sql`(SELECT column1 AS tt, column2 AS n FROM (VALUES ${rows}))`;
}

/**
 * "Every counter has room for the order", as SQL evaluated by the statement that inserts it:
 * the event is still published with room in its capacity, each type has room in its quantity and
 * is still within its sales window, and no quota any requested type draws on (by the links as
 * they are now) would go over its size.
 */
export function roomFor(r: Request, now: number): SQL {
  const req = requestedSql(r);
  return sql`EXISTS (SELECT 1 FROM ${events} WHERE ${events.id} = ${r.event.id} AND ${events.status} = 'published' AND ${events.endsAt} > ${now}
      AND (${events.capacity} IS NULL OR ${events.capacity} - ${events.capacityUsed} >= ${r.quantity}))
    AND NOT EXISTS (SELECT 1 FROM ${req} r LEFT JOIN ${ticketTypes} t ON t.id = r.tt AND t.event_id = ${r.event.id}
      WHERE t.id IS NULL OR (t.quantity IS NOT NULL AND t.quantity - t.quantity_used < r.n)
        OR (t.sales_start_at IS NOT NULL AND t.sales_start_at > ${now}) OR (t.sales_end_at IS NOT NULL AND t.sales_end_at <= ${now}))
    AND NOT EXISTS (SELECT 1 FROM ${quotas} q WHERE q.event_id = ${r.event.id}
      AND q.size - q.used < (SELECT COALESCE(SUM(r.n), 0) FROM ${req} r JOIN ${ticketTypeQuotas} l ON l.ticket_type_id = r.tt WHERE l.quota_id = q.id))`;
}

/**
 * The statements of a hold, for one `db.batch` (one transaction on libSQL and D1): the order is
 * inserted only if `roomFor` holds as it runs; its lines, the three kinds of counters and the
 * room's stock message follow only if it was. Writers are serialized, so the check and the
 * increments see the same stock and no checkout can slip between them.
 */
function holdStatements(deps: Deps, r: Request, row: OrderRow) {
  const db = deps.db;
  const placed = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${row.id})`;
  const free = row.status === "paid";
  const lines = r.lines.map((l) => ({ ticketTypeId: l.type.id, quantity: l.quantity }));
  return [
    insertWhen(db, orders, row, roomFor(r, row.createdAt)).returning(),
    ...r.lines.map((l) =>
      insertWhen(
        db,
        orderLines,
        {
          id: newId("orderLine"),
          orgId: row.orgId,
          orderId: row.id,
          ticketTypeId: l.type.id,
          quantity: l.quantity,
          unitPrice: l.type.price,
        },
        placed,
      ),
    ),
    ...r.lines.map((l) =>
      db
        .update(ticketTypes)
        .set({ quantityUsed: sql`${ticketTypes.quantityUsed} + ${l.quantity}` })
        .where(and(eq(ticketTypes.id, l.type.id), placed)),
    ),
    db
      .update(quotas)
      .set({ used: sql`${quotas.used} + (${quotaShare(row.id)})` })
      .where(inArray(quotas.id, quotasOfOrder(row.id))),
    db
      .update(events)
      .set({ capacityUsed: sql`${events.capacityUsed} + ${r.quantity}` })
      .where(and(eq(events.id, r.event.id), placed)),
    enqueueStockChanged(deps, row.orgId, r.event.id, placed),
    // A free order is paid at once: its tickets and confirmation come with it.
    ...(free
      ? [
          ...issueTickets(deps, row, lines, placed, row.createdAt),
          enqueueWhen(
            db,
            confirmationEmail(
              r.event,
              row,
              r.lines.map((l) => ({ name: l.type.name, quantity: l.quantity })),
            ),
            placed,
            { orgId: row.orgId, now: row.createdAt },
          ),
        ]
      : []),
  ] as const;
}

/**
 * Starts a checkout: holds the requested tickets until `expiresAt` (the event's `holdMinutes`)
 * and opens a payment for them with the payments provider (its client secret, or the local
 * checkout page, is in this answer only); or, for a free order, confirms it at once (`paid`,
 * tickets issued, confirmation email in the outbox). Never more than exists: see
 * `holdStatements`. Expired holds of the event are released first. If the provider cannot be
 * reached, the hold is cancelled (its tickets back on sale) and the answer is 503.
 */
export async function placeOrder(deps: Deps, caller: Caller | null, eventId: string, input: CreateOrder): Promise<Order> {
  const { event } = await loadEvent(deps, caller, eventId);
  await releaseExpiredHolds(deps, event.id);
  const r = await checkRequest(deps, event, input);
  const held = await hold(deps, caller, eventId, input, r);
  const token = await buyerToken(deps, held);
  if (held.status === "paid") return toOrder(held, linesOf(r, held), await ticketsOf(deps, held.id), undefined, token);
  let intent: PaymentIntent;
  try {
    intent = await paymentsProvider(deps.config).createPaymentIntent({
      amount: held.total,
      currency: held.currency,
      metadata: { domain: "events", orderId: held.id, orgId: held.orgId, eventId: held.eventId },
      description: `${held.quantity} ticket${held.quantity === 1 ? "" : "s"} for ${event.title} (${held.confirmationCode})`,
      idempotencyKey: `order-${held.id}`,
    });
  } catch (err) {
    deps.logger.error("creating a payment failed", { orderId: held.id, error: err instanceof Error ? err.message : String(err) });
    await releaseOrder(deps, held, "cancelled");
    throw new ApiError(503, "payment_provider_error", "The payments provider did not answer: nothing was held or charged. Try again.");
  }
  const [row] = await deps.db
    .update(orders)
    .set({ paymentIntentId: intent.id, updatedAt: Math.max(deps.now(), held.updatedAt + 1) })
    .where(eq(orders.id, held.id))
    .returning();
  return toOrder(row ?? held, linesOf(r, held), [], intent, token);
}

async function hold(deps: Deps, caller: Caller | null, eventId: string, input: CreateOrder, r: Request): Promise<OrderRow> {
  for (let attempt = 0; ; attempt++) {
    const now = deps.now();
    const free = r.total === 0;
    const row: OrderRow = {
      id: newId("order"),
      orgId: r.event.orgId,
      eventId: r.event.id,
      status: free ? "paid" : "pending",
      buyerName: input.buyer.name,
      buyerEmail: input.buyer.email,
      total: r.total,
      currency: r.event.currency,
      quantity: r.quantity,
      confirmationCode: newConfirmationCode(),
      expiresAt: now + r.event.holdMinutes * 60_000,
      releaseToken: null,
      createdAt: now,
      updatedAt: now,
      paidAt: free ? now : null,
      cancelledAt: null,
      paymentIntentId: null,
      amountRefunded: 0,
    };
    try {
      return await guardedWrite(deps, holdStatements(deps, r, row), {
        written: ([inserted]) => inserted[0],
        explain: () => explainRefusal(deps, caller, eventId, input),
      });
    } catch (err) {
      // A confirmation code already taken (about one in 10^10 per order): draw another.
      if (attempt < 3 && isUniqueViolation(err, "orders.confirmation_code")) continue;
      throw err;
    }
  }
}

async function ticketsOf(deps: Deps, orderId: string): Promise<TicketRow[]> {
  return deps.db.select().from(tickets).where(eq(tickets.orderId, orderId)).orderBy(asc(tickets.id));
}

function linesOf(r: Request, row: OrderRow): OrderLineRow[] {
  return r.lines.map((l) => ({
    id: "",
    orgId: row.orgId,
    orderId: row.id,
    ticketTypeId: l.type.id,
    quantity: l.quantity,
    unitPrice: l.type.price,
  }));
}

/** Why a hold was refused: the rules re-checked on what is there now (usually 409 `sold_out`). */
async function explainRefusal(deps: Deps, caller: Caller | null, eventId: string, input: CreateOrder): Promise<never> {
  const { event } = await loadEvent(deps, caller, eventId);
  const r = await checkRequest(deps, event, input);
  // Every type and the capacity still have room by themselves: a shared quota is what is full.
  const stock = await loadStock(deps, event.id);
  const full = r.lines.find((l) => (remainingOfType(event, stock, l.type) ?? Number.MAX_SAFE_INTEGER) < l.quantity);
  throw full
    ? soldOut(full.type, remainingOfType(event, stock, full.type) ?? 0)
    : new ApiError(409, "sold_out", "Not enough tickets are left for this order: its ticket types share a quota that is nearly full.");
}

async function isBuyerOf(deps: Deps, participantId: string, row: OrderRow): Promise<boolean> {
  const [p] = await deps.db
    .select({ id: participants.id })
    .from(participants)
    .where(and(eq(participants.id, participantId), eq(participants.orgId, row.orgId), eq(participants.externalId, buyerExternalId(row.id))))
    .limit(1);
  return p !== undefined;
}

/** An order of the caller's organization (organizers), or with `buyerOrOrganizer`, also the buyer's own order (their token). */
async function loadOrder(
  deps: Deps,
  caller: Caller | null,
  orderId: string,
  buyerOrOrganizer = false,
): Promise<{ row: OrderRow; lines: OrderLineRow[]; issued: TicketRow[] }> {
  const who =
    buyerOrOrganizer && caller?.kind === "participant"
      ? requireCaller({ var: { caller } }, "participant")
      : requireOrganizer({ var: { caller } });
  const [row] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, who.orgId)))
    .limit(1);
  // A buyer's token reads its own order only; any other order is as if it did not exist.
  if (!row || (who.kind === "participant" && !(await isBuyerOf(deps, who.participantId, row)))) throw notFound("Order");
  const lines = await deps.db.select().from(orderLines).where(eq(orderLines.orderId, row.id));
  return { row, lines, issued: await ticketsOf(deps, row.id) };
}

export async function getOrder(deps: Deps, caller: Caller | null, orderId: string): Promise<Order> {
  const found = await loadOrder(deps, caller, orderId, true);
  if (found.row.status !== "pending" || found.row.expiresAt > deps.now()) return toOrder(found.row, found.lines, found.issued);
  // Its hold ran out: release it now, so the answer says expired and the stock is back.
  await releaseOrder(deps, found.row, "expired");
  const fresh = await loadOrder(deps, caller, orderId, true);
  return toOrder(fresh.row, fresh.lines, fresh.issued);
}

/** Cancels a pending order (organizers): its hold ends and its tickets return to sale. Other statuses: 409 `order_not_pending`. */
export async function cancelOrder(deps: Deps, caller: Caller | null, orderId: string): Promise<Order> {
  const { row } = await loadOrder(deps, caller, orderId);
  if (!(await releaseOrder(deps, row, "cancelled"))) {
    const fresh = (await loadOrder(deps, caller, orderId)).row;
    throw new ApiError(409, "order_not_pending", `This order is ${fresh.status}: only a pending order can be cancelled.`);
  }
  const done = await loadOrder(deps, caller, orderId);
  return toOrder(done.row, done.lines, done.issued);
}

/** An event's orders, newest first (organizers). */
export async function listOrders(deps: Deps, caller: Caller | null, eventId: string, query: OrderListQuery): Promise<Page<Order>> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  await releaseExpiredHolds(deps, event.id);
  const db = deps.db;
  const page = await paginate(
    orders,
    query,
    (p) =>
      db
        .select()
        .from(orders)
        .where(and(eq(orders.eventId, event.id), query.status ? eq(orders.status, query.status) : undefined, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => row,
  );
  const ids = page.data.map((o) => o.id);
  const lines = ids.length ? await db.select().from(orderLines).where(inArray(orderLines.orderId, ids)) : [];
  return {
    data: page.data.map((o) =>
      toOrder(
        o,
        lines.filter((l) => l.orderId === o.id),
      ),
    ),
    nextCursor: page.nextCursor,
  };
}
