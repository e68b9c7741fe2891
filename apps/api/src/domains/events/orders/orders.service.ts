import { type CreateOrder, newConfirmationCode, newId, type Order, type OrderListQuery, type Page, randomToken } from "@gatherkit/core";
import { orderLines, orders, tickets, waitlistEntries } from "@gatherkit/db";
import { and, asc, eq, inArray, like, or, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import type { OutboxMessage } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Config, Deps } from "../../../lib/types.js";
import type { PaymentIntent } from "../../../platform/payments/provider.js";
import { type EventRow, loadEvent, loadStock, remainingOfType, type TicketTypeRow } from "../access.js";
import { buyerToken, ticketQrUrl } from "../buyer-access.js";
import { confirmationEmail } from "../confirmation.js";
import { type OrderRow, releaseExpiredHolds, releaseOrder } from "../holds.js";
import { type Seat, seatsFor } from "../tickets.js";
import { offerWaitlist } from "../waitlist/waitlist.service.js";
import { holdBatch, holdStatements } from "./hold-statements.js";
import { openPayment, paymentBeforeHold } from "./order-payment.js";
import { checkReleasing, checkRequest, type Request, soldOut } from "./order-request.js";

export type OrderLineRow = typeof orderLines.$inferSelect;

export type TicketRow = typeof tickets.$inferSelect;

/**
 * The API shape of an order; `secrets` (client secret, checkout URL) only in the answer that
 * started the checkout; `access` (the buyer token, with the tickets' QR links) where the reader
 * may hold it: the checkout's answer, the buyer's own read, staff reading one order.
 */
export function toOrder(
  row: OrderRow,
  lines: OrderLineRow[],
  issued: TicketRow[] = [],
  secrets?: PaymentIntent,
  access?: { config: Config; token: string },
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
          mode: secrets?.mode ?? null,
          clientSecret: secrets?.clientSecret ?? null,
          checkoutUrl: secrets?.checkoutUrl ?? null,
          publishableKey: secrets?.publishableKey ?? null,
          stripeAccount: secrets?.stripeAccount ?? null,
        }
      : null,
    tickets: issued.map((x) => ({
      id: x.id,
      ticketTypeId: x.ticketTypeId,
      code: x.code,
      status: x.status,
      qrUrl: access ? ticketQrUrl(access.config, x.id, access.token) : null,
    })),
    discount: row.discountCode === null ? null : { code: row.discountCode, amount: row.discountAmount },
    amountRefunded: row.amountRefunded,
    buyerToken: access?.token ?? null,
  };
}

/** `toOrder` with the buyer's access (token and QR links). */
export async function toOrderWithAccess(deps: Deps, row: OrderRow, lines: OrderLineRow[], issued: TicketRow[], secrets?: PaymentIntent) {
  return toOrder(row, lines, issued, secrets, { config: deps.config, token: await buyerToken(deps.config, row.id) });
}

/**
 * Starts a checkout: holds the requested tickets until `expiresAt` (the event's `holdMinutes`)
 * and opens a payment for them with the payments provider (its client secret, or the local
 * checkout page, is in this answer only); or, for a free order, confirms it at once (`paid`,
 * tickets issued, confirmation email in the outbox). Never more than exists: see
 * `holdStatements`. Expired holds of the event are released first. If the provider cannot be
 * reached, the hold is cancelled (its tickets back on sale) and the answer is 503.
 */
export async function placeOrder(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  input: CreateOrder,
  origin?: string | undefined,
): Promise<Order> {
  assertReturnUrl(caller, origin, input.returnUrl);
  const { event } = await loadEvent(deps, caller, eventId);
  // A retry of a checkout that died after its hold (same Idempotency-Key) carries on from the
  // order it held, as long as that order still holds its tickets; otherwise it starts afresh.
  const resumed = await resumedOrder(deps, event);
  if (resumed) return finishOrder(deps, event, resumed.row, resumed.lines, input.returnUrl);
  const r = await checkReleasing(deps, caller, event, input);
  const held = await hold(deps, caller, eventId, input, r);
  // The local provider's payment was written with the hold: its answer is sealed already.
  if (held.answer) return held.answer;
  return finishOrder(deps, event, held.row, linesOf(r, held.row), input.returnUrl);
}

function assertReturnUrl(caller: Caller | null, origin: string | undefined, returnUrl: string | undefined) {
  if (!returnUrl || caller?.kind !== "publishable_key") return;
  if (origin && new URL(returnUrl).origin === origin) return;
  throw new ApiError(
    422,
    "return_url_not_allowed",
    `returnUrl must be on the page's own origin (${origin ?? "this request sent no Origin"}), one of the publishable key's allowed origins.`,
  );
}

/** The order this request's key holds from a checkout that died after its hold, while it is still pending (or paid, free). */
async function resumedOrder(deps: Deps, event: EventRow): Promise<{ row: OrderRow; lines: OrderLineRow[] } | undefined> {
  const id = resumedFrom(deps);
  if (!id) return undefined;
  const [row] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), eq(orders.eventId, event.id)))
    .limit(1);
  if (!row || !(row.status === "paid" || (row.status === "pending" && row.expiresAt > deps.now()))) return undefined;
  return { row, lines: await deps.db.select().from(orderLines).where(eq(orderLines.orderId, row.id)) };
}

/** After the hold: a free order's answer, or the payment opened with the provider; that last write seals the answer. */
async function finishOrder(deps: Deps, event: EventRow, held: OrderRow, lines: OrderLineRow[], returnUrl?: string): Promise<Order> {
  // A free order is written whole by its hold: a retry after a crash rebuilds this answer from it.
  if (held.status === "paid") return toOrderWithAccess(deps, held, lines, await ticketsOf(deps, held.id));
  const opened = await openPayment(deps, held, event.title, { returnUrl }, (row, intent) =>
    toOrderWithAccess(deps, row, lines, [], intent),
  );
  if (!opened) {
    await releaseOrder(deps, held, "cancelled");
    throw new ApiError(503, "payment_provider_error", "The payments provider did not answer: nothing was held or charged. Try again.");
  }
  return opened.answer;
}

/** A new order row for a hold of `r` by `buyer`, written as of `now` (paid at once when free). */
function newOrderRow(r: Request, buyer: { name: string; email: string }, now: number): OrderRow {
  const free = r.total === 0;
  return {
    id: newId("order"),
    orgId: r.event.orgId,
    eventId: r.event.id,
    status: free ? "paid" : "pending",
    buyerName: buyer.name,
    buyerEmail: buyer.email,
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
    discountCodeId: r.discount?.row.id ?? null,
    discountCode: r.discount?.row.code ?? null,
    discountAmount: r.discount?.amount ?? 0,
  };
}

/** A free order's tickets and confirmation email, drawn before its write. */
async function freeIssue(deps: Deps, r: Request, row: OrderRow): Promise<{ seats: Seat[]; mail: OutboxMessage } | null> {
  if (r.total !== 0) return null;
  const seats = seatsFor(r.lines.map((l) => ({ ticketTypeId: l.type.id, quantity: l.quantity })));
  const names = r.lines.map((l) => ({ ticketTypeId: l.type.id, name: l.type.name, quantity: l.quantity }));
  return { seats, mail: await confirmationEmail(deps, r.event, row, names, seats) };
}

/**
 * Offers tickets that came back to a waiting-list entry: a hold of `quantity` of `type` in the
 * entry's name, written only if, as the statement runs, there is room and the entry is still
 * waiting (so of concurrent offers exactly one takes an entry, and none takes more than exists);
 * the entry becomes `offered` (or `claimed`, for a free type: confirmed at once) in the same
 * batch. Answers the order, or null when it was not written (someone else offered it first, or
 * no room is left).
 */
export async function offerHold(
  deps: Deps,
  event: EventRow,
  type: TicketTypeRow,
  entry: { id: string; name: string; email: string; quantity: number },
): Promise<OrderRow | null> {
  const r: Request = {
    event,
    lines: [{ type, quantity: entry.quantity }],
    quantity: entry.quantity,
    total: type.price * entry.quantity,
    discount: null,
  };
  const now = deps.now();
  const row = newOrderRow(r, entry, now);
  const issue = await freeIssue(deps, r, row);
  const placed = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${row.id})`;
  const db = deps.db;
  const [inserted] = await db.batch([
    ...holdStatements(deps, r, row, issue, entry.id),
    db
      .update(waitlistEntries)
      .set({ status: issue ? "claimed" : "offered", orderId: row.id, offeredAt: now, updatedAt: now })
      .where(and(eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, "waiting"), placed)),
  ]);
  return inserted[0] ?? null;
}

const RETRY: unique symbol = Symbol("retry");

/**
 * Writes the hold. A payment the provider opens without leaving this process (the local
 * provider) is drawn first and written with the order, so the hold is the request's one write
 * and seals its answer; otherwise (Stripe, free orders) the hold is the point a retry after a
 * crash resumes from (see `placeOrder`), and `answer` is left out.
 */
async function hold(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  input: CreateOrder,
  r: Request,
): Promise<{ row: OrderRow; answer?: Order }> {
  let released = false;
  for (let attempt = 0; ; attempt++) {
    const row = newOrderRow(r, input.buyer, deps.now());
    const issue = await freeIssue(deps, r, row);
    const placed = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${row.id})`;
    const intent = issue ? null : await paymentBeforeHold(deps, row, r.event.title, { returnUrl: input.returnUrl });
    let answer: Order | undefined;
    if (intent) {
      row.paymentIntentId = intent.id;
      answer = await toOrderWithAccess(deps, row, linesOf(r, row), [], intent);
      answerOnCommit(deps, 201, answer, placed);
    } else {
      resumeOnCommit(deps, row.id, placed);
    }
    try {
      const written = await guardedWrite(deps, holdBatch(deps, r, row, issue), {
        written: ([inserted]) => (inserted[0] ? { row: inserted[0], ...(answer ? { answer } : {}) } : undefined),
        // Refused (a concurrent checkout took what the check saw): expired holds may be what
        // stands in the way. Once, they are released (by this call or a concurrent one) and the
        // hold is tried again; refused again, the rules on what is there now say why.
        explain: async (): Promise<typeof RETRY> => {
          if (released) return explainRefusal(deps, caller, eventId, input);
          released = true;
          await releaseExpiredHolds(deps, eventId);
          return RETRY;
        },
      });
      if (written === RETRY) continue;
      return written;
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

async function loadOrder(
  deps: Deps,
  caller: Caller | null,
  orderId: string,
): Promise<{ row: OrderRow; lines: OrderLineRow[]; issued: TicketRow[] }> {
  const who = requireOrganizer({ var: { caller } });
  const [row] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, who.orgId)))
    .limit(1);
  if (!row) throw notFound("Order");
  const lines = await deps.db.select().from(orderLines).where(eq(orderLines.orderId, row.id));
  return { row, lines, issued: await ticketsOf(deps, row.id) };
}

export async function getOrder(deps: Deps, caller: Caller | null, orderId: string): Promise<Order> {
  const found = await loadOrder(deps, caller, orderId);
  if (found.row.status !== "pending" || found.row.expiresAt > deps.now())
    return toOrderWithAccess(deps, found.row, found.lines, found.issued);
  // Its hold ran out: release it now, so the answer says expired and the stock is back.
  await releaseOrder(deps, found.row, "expired");
  const fresh = await loadOrder(deps, caller, orderId);
  return toOrderWithAccess(deps, fresh.row, fresh.lines, fresh.issued);
}

/** Cancels a pending order (organizers): its hold ends and its tickets return to sale. Other statuses: 409 `order_not_pending`. */
export async function cancelOrder(deps: Deps, caller: Caller | null, orderId: string): Promise<Order> {
  const { row } = await loadOrder(deps, caller, orderId);
  // Two steps (the release, then the stock offered to the waiting list): the retry of a request
  // that died after the release carries on from it.
  if (resumedFrom(deps) === row.id) {
    await offerWaitlist(deps, row.eventId);
    return answerOrder(deps, caller, orderId);
  }
  const releaseToken = randomToken(20);
  resumeOnCommit(
    deps,
    row.id,
    sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${row.id} AND ${orders.releaseToken} = ${releaseToken})`,
  );
  if (!(await releaseOrder(deps, row, "cancelled", { releaseToken }))) {
    const fresh = (await loadOrder(deps, caller, orderId)).row;
    throw new ApiError(409, "order_not_pending", `This order is ${fresh.status}: only a pending order can be cancelled.`);
  }
  return answerOrder(deps, caller, orderId);
}

async function answerOrder(deps: Deps, caller: Caller | null, orderId: string): Promise<Order> {
  const done = await loadOrder(deps, caller, orderId);
  return toOrderWithAccess(deps, done.row, done.lines, done.issued);
}

/** An event's orders, newest first (organizers), optionally of one status and searched by buyer name, email or confirmation code. */
export async function listOrders(deps: Deps, caller: Caller | null, eventId: string, query: OrderListQuery): Promise<Page<Order>> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  await releaseExpiredHolds(deps, event.id);
  const db = deps.db;
  const needle = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const search = needle
    ? or(
        like(orders.buyerName, sql`${needle} ESCAPE '\\'`),
        like(orders.buyerEmail, sql`${needle} ESCAPE '\\'`),
        like(orders.confirmationCode, sql`${needle} ESCAPE '\\'`),
      )
    : undefined;
  const page = await paginate(
    orders,
    query,
    (p) =>
      db
        .select()
        .from(orders)
        .where(and(eq(orders.eventId, event.id), query.status ? eq(orders.status, query.status) : undefined, search, p.where))
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
