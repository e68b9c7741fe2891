import type { Order } from "@gatherkit/core";
import { orderLines, orders, tickets } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { notFound } from "../../../lib/errors.js";
import type { Deps } from "../../../lib/types.js";
import { isBuyerToken } from "../buyer-access.js";
import { releaseOrder } from "../holds.js";
import { toOrderWithAccess } from "../orders/orders.service.js";
import { ticketQrSvg } from "../qr.js";

// What a buyer reads without a credential, with the order's buyerToken (pretix's order secret,
// Tito's ticket link): their order and its tickets, and each ticket's QR code. A missing or wrong
// token answers 404, as does an order that does not exist: the token is the only key.

async function orderFor(deps: Deps, orderId: string, token: string | undefined) {
  const [row] = await deps.db.select().from(orders).where(eq(orders.id, orderId)).limit(1);
  if (!row || token === undefined || !(await isBuyerToken(deps.config, row.id, token))) throw notFound("Order");
  return row;
}

/** The buyer's order with its tickets (and their QR links); a hold that ran out is released first, so it reads `expired`. */
export async function buyerOrder(deps: Deps, orderId: string, token: string | undefined): Promise<Order> {
  let row = await orderFor(deps, orderId, token);
  if (row.status === "pending" && row.expiresAt <= deps.now()) {
    await releaseOrder(deps, row, "expired");
    row = await orderFor(deps, orderId, token);
  }
  const db = deps.db;
  const [lines, issued] = await db.batch([
    db.select().from(orderLines).where(eq(orderLines.orderId, row.id)),
    db.select().from(tickets).where(eq(tickets.orderId, row.id)).orderBy(asc(tickets.id)),
  ]);
  return toOrderWithAccess(deps, row, lines, issued);
}

/** A ticket's QR code (SVG) for the holder of its order's buyerToken. */
export async function ticketQr(deps: Deps, ticketId: string, token: string | undefined): Promise<string> {
  const [ticket] = await deps.db.select().from(tickets).where(eq(tickets.id, ticketId)).limit(1);
  if (!ticket || token === undefined || !(await isBuyerToken(deps.config, ticket.orderId, token))) throw notFound("Ticket");
  return ticketQrSvg(deps.config, ticket.eventId, ticket.code);
}
