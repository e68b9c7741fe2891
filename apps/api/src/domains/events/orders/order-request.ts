// What a checkout asks for, checked against the event and its stock before the hold is written.
import { type CreateOrder, lineDiscount } from "@gatherkit/core";
import { ApiError } from "../../../lib/errors.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { type EventRow, eventReads, loadEvent, loadStock, remainingOfType, type TicketTypeRow, unlocks } from "../access.js";
import { type DiscountCodeRow, findDiscountCode } from "../discount-codes/discount-codes.service.js";
import { releaseExpiredHolds } from "../holds.js";

/** What a checkout asks for, checked against the ticket types as read (the write checks the stock again itself). */
export interface Request {
  event: EventRow;
  lines: { type: TicketTypeRow; quantity: number }[];
  quantity: number;
  total: number;
  /** The discount code applied, and what it takes off the lines' sum. */
  discount: { row: DiscountCodeRow; amount: number } | null;
}

/**
 * Checks a checkout against the rules that do not depend on concurrent sales: the event is on
 * sale, each type exists in it (422 `unknown_ticket_type`), is unlocked (403
 * `access_code_required`), is within its sales window (409 `ticket_type_not_on_sale`) and its
 * per-order bounds (422 `order_quantity_out_of_range`). Stock is only a first answer here
 * (409 `sold_out` without writing); the write decides.
 */
export async function checkRequest(deps: Deps, event: EventRow, input: CreateOrder): Promise<Request> {
  const now = deps.now();
  if (event.status !== "published" || now >= event.endsAt) {
    throw new ApiError(
      409,
      "event_not_on_sale",
      event.status === "published" ? "This event is over." : `This event is ${event.status}: nothing is on sale.`,
    );
  }
  // A first answer: the hold's write checks the stock again itself.
  const stock = await loadStock(deps, event.id, { firstAnswer: true });
  const waiting = new Set((await eventReads(deps).waited.all({ eventId: event.id })).map((w) => w.id));
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
    if (waiting.has(type.id)) {
      throw new ApiError(409, "sold_out", `${type.name} is sold out: tickets that come back go to its waiting list first.`);
    }
    return { type, quantity: l.quantity };
  });
  const quantity = lines.reduce((a, l) => a + l.quantity, 0);
  if (event.capacity !== null && event.capacity - event.capacityUsed < quantity) {
    throw new ApiError(409, "sold_out", `Only ${Math.max(0, event.capacity - event.capacityUsed)} tickets are left for this event.`);
  }
  const subtotal = lines.reduce((a, l) => a + l.quantity * l.type.price, 0);
  const discount = input.discountCode === undefined ? null : await applyDiscount(deps, event, input.discountCode, lines);
  return { event, lines, quantity, total: subtotal - (discount?.amount ?? 0), discount };
}

/**
 * The discount `code` gives these lines, checked against its rules as read (the hold's write
 * checks its uses, window and that it is active again): 422 `discount_code_invalid` (no such code
 * in the event), 422 `discount_code_inactive` (deactivated),
 * 409 `discount_code_not_valid_now` (outside its window), 409 `discount_code_exhausted` (every
 * use taken), 422 `discount_code_not_applicable` (none of the types it is for).
 */
async function applyDiscount(deps: Deps, event: EventRow, code: string, lines: Request["lines"]): Promise<Request["discount"]> {
  const row = await findDiscountCode(deps, event.id, code);
  if (!row) throw new ApiError(422, "discount_code_invalid", `${code} is not a discount code of this event.`);
  if (!row.active) throw new ApiError(422, "discount_code_inactive", `${row.code} is no longer accepted.`);
  const now = deps.now();
  if ((row.validFrom !== null && now < row.validFrom) || (row.validUntil !== null && now >= row.validUntil)) {
    throw new ApiError(
      409,
      "discount_code_not_valid_now",
      row.validFrom !== null && now < row.validFrom
        ? `${row.code} can be used from ${toIso(row.validFrom)}.`
        : `${row.code} could be used until ${toIso(row.validUntil)}.`,
    );
  }
  if (row.maxUses !== null && row.used >= row.maxUses) throw exhausted(row);
  const eligible = lines.filter((l) => row.ticketTypeIds === null || row.ticketTypeIds.includes(l.type.id));
  if (eligible.length === 0) throw new ApiError(422, "discount_code_not_applicable", `${row.code} is not for these ticket types.`);
  return { row, amount: eligible.reduce((a, l) => a + lineDiscount(row, l.type.price, l.quantity), 0) };
}

const exhausted = (row: DiscountCodeRow) =>
  new ApiError(409, "discount_code_exhausted", `${row.code} has been used as often as it may be (${row.maxUses}).`);

export const soldOut = (type: TicketTypeRow, remaining: number) =>
  new ApiError(409, "sold_out", remaining === 0 ? `${type.name} is sold out.` : `Only ${remaining} of ${type.name} are left.`);

/**
 * `checkRequest`, releasing the event's expired holds only when it finds too little stock (409
 * `sold_out`: what they hold may be enough), then checking once more on the event as it is now.
 * Releasing on every checkout cost each one a query for nothing while stock lasts; expired holds
 * are also released by the sweeper (Node, every 15 s; Workers, the cron each minute), by reads of
 * the event's orders, and by a hold the write refused (see `hold`).
 */
export async function checkReleasing(deps: Deps, caller: Caller | null, event: EventRow, input: CreateOrder): Promise<Request> {
  try {
    return await checkRequest(deps, event, input);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "sold_out")) throw err;
    // Checked again whether or not this call released anything: a concurrent checkout may have
    // released the same holds a moment before (its stock is back all the same).
    await releaseExpiredHolds(deps, event.id);
    return checkRequest(deps, (await loadEvent(deps, caller, event.id)).event, input);
  }
}

/**
 * Stripe Checkout sends the buyer to `returnUrl` after paying: with a publishable key (a page
 * anyone can read) only to the page's own origin — the request's `Origin`, which the key allows —
 * so the API never sends a buyer to someone else's site. 422 `return_url_not_allowed` otherwise.
 */
