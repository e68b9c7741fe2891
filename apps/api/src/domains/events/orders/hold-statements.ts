import { newId } from "@gatherkit/core";
import { discountCodes, events, orderLines, orders, quotas, ticketTypeQuotas, ticketTypes, waitlistEntries } from "@gatherkit/db";
import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { enqueueWhen, type OutboxMessage } from "../../../lib/outbox.js";
import { prebuilt } from "../../../lib/prebuilt.js";
import type { Deps } from "../../../lib/types.js";
import type { EventRow, TicketTypeRow } from "../access.js";
import { type DiscountCodeRow, discountHasRoom } from "../discount-codes/discount-codes.service.js";
import { enqueueOrdersChanged, enqueueStockChanged, eventRoom, type FixedRow } from "../events.js";
import { type OrderRow, quotaShare, quotasOfOrder } from "../holds.js";
import { issueTickets, type Seat } from "../tickets.js";
import type { Request } from "./order-request.js";

/** The ids and time a hold's statements draw besides the order's own: each line's id, and the stock message's row. */
export type Fresh = { lineIds: string[]; stockMessage: FixedRow };

export function freshIds(deps: Deps, r: Request, row: OrderRow): Fresh {
  return {
    lineIds: r.lines.map(() => newId("orderLine")),
    stockMessage: { id: newId("outbox"), now: deps.now(), room: eventRoom(row.eventId) },
  };
}

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
export function roomFor(r: Request, now: number, offerTo?: string): SQL {
  const req = requestedSql(r);
  // While anyone waits for a type, what comes back is theirs: only an offer to the waiting entry
  // itself (still waiting as the statement runs) may take it.
  const waitlist = offerTo
    ? sql`AND EXISTS (SELECT 1 FROM ${waitlistEntries} w WHERE w.id = ${offerTo} AND w.status = 'waiting')`
    : sql`AND NOT EXISTS (SELECT 1 FROM ${waitlistEntries} w JOIN ${req} r ON w.ticket_type_id = r.tt WHERE w.status = 'waiting')`;
  return sql`EXISTS (SELECT 1 FROM ${events} WHERE ${events.id} = ${r.event.id} AND ${events.status} = 'published' AND ${events.endsAt} > ${now}
      AND (${events.capacity} IS NULL OR ${events.capacity} - ${events.capacityUsed} >= ${r.quantity}))
    AND NOT EXISTS (SELECT 1 FROM ${req} r LEFT JOIN ${ticketTypes} t ON t.id = r.tt AND t.event_id = ${r.event.id}
      WHERE t.id IS NULL OR (t.quantity IS NOT NULL AND t.quantity - t.quantity_used < r.n)
        OR (t.sales_start_at IS NOT NULL AND t.sales_start_at > ${now}) OR (t.sales_end_at IS NOT NULL AND t.sales_end_at <= ${now}))
    AND NOT EXISTS (SELECT 1 FROM ${quotas} q WHERE q.event_id = ${r.event.id}
      AND q.size - q.used < (SELECT COALESCE(SUM(r.n), 0) FROM ${req} r JOIN ${ticketTypeQuotas} l ON l.ticket_type_id = r.tt WHERE l.quota_id = q.id))
    ${r.discount ? sql`AND ${discountHasRoom(r.discount.row.id, now)}` : sql``}
    ${waitlist}`;
}

/**
 * The statements of a hold, for one `db.batch` (one transaction on libSQL and D1): the order is
 * inserted only if `roomFor` holds as it runs; its lines, the three kinds of counters and the
 * room's stock message follow only if it was. Writers are serialized, so the check and the
 * increments see the same stock and no checkout can slip between them.
 */
export function holdStatements(
  deps: Deps,
  r: Request,
  row: OrderRow,
  issue: { seats: Seat[]; mail: OutboxMessage } | null,
  offerTo?: string,
  fresh: Fresh = freshIds(deps, r, row),
) {
  const db = deps.db;
  const placed = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${row.id})`;
  return [
    insertWhen(db, orders, row, roomFor(r, row.createdAt, offerTo)).returning(),
    ...r.lines.map((l, i) =>
      insertWhen(
        db,
        orderLines,
        {
          id: fresh.lineIds[i] as string,
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
    ...(r.discount
      ? [
          db
            .update(discountCodes)
            .set({ used: sql`${discountCodes.used} + 1` })
            .where(and(eq(discountCodes.id, r.discount.row.id), placed)),
        ]
      : []),
    enqueueStockChanged(deps, row.orgId, r.event.id, placed, fresh.stockMessage),
    // A free order is paid at once: its tickets, confirmation and `event.orders_changed` come with it.
    ...(issue
      ? [
          ...issueTickets(deps, row, issue.seats, placed, row.createdAt),
          enqueueWhen(db, issue.mail, placed, { orgId: row.orgId, now: row.createdAt }),
          enqueueOrdersChanged(deps, row.orgId, r.event.id, "paid", placed),
        ]
      : []),
  ] as const;
}

/**
 * The statements of a hold (`holdStatements`) for the common case — a paid checkout, not a
 * waiting-list offer — built once per database and shape (how many lines, with or without a
 * discount) and filled with this hold's values (see lib/prebuilt.ts): the same SQL, without
 * drizzle building it on every checkout. A free order (tickets, email) and an offer take
 * `holdStatements` itself.
 */
export function holdBatch(
  deps: Deps,
  r: Request,
  row: OrderRow,
  issue: { seats: Seat[]; mail: OutboxMessage } | null,
  fresh: Fresh = freshIds(deps, r, row),
) {
  if (issue) return holdStatements(deps, r, row, issue, undefined, fresh);
  const values: HoldValues = {
    ...(Object.fromEntries(ORDER_COLUMNS.map((k) => [`o_${k}`, row[k]])) as OrderValues),
    eventId: r.event.id,
    quantity: r.quantity,
    discountId: r.discount?.row.id ?? null,
    stockId: fresh.stockMessage.id,
    stockNow: fresh.stockMessage.now,
    stockRoom: fresh.stockMessage.room,
  };
  r.lines.forEach((l, i) => {
    values[`l${i}_id`] = fresh.lineIds[i];
    values[`l${i}_type`] = l.type.id;
    values[`l${i}_quantity`] = l.quantity;
    values[`l${i}_price`] = l.type.price;
  });
  return prebuiltHold(deps.db, `${r.lines.length}:${r.discount ? "d" : ""}`, values) as unknown as ReturnType<typeof holdStatements>;
}

const ORDER_COLUMNS = Object.keys(getTableColumns(orders)) as (keyof OrderRow)[];
type OrderValues = { [K in keyof OrderRow as `o_${K}`]: OrderRow[K] };
type HoldValues = OrderValues & {
  eventId: string;
  quantity: number;
  discountId: string | null;
  stockId: string;
  stockNow: number;
  stockRoom: string;
  [line: `l${number}_${string}`]: unknown;
};

const prebuiltHold = prebuilt<HoldValues>((db, p, shape) => {
  const [lineCount, discounted] = shape.split(":");
  const lines = Array.from({ length: Number(lineCount) }, (_, i) => ({
    type: { id: p[`l${i}_type`], price: p[`l${i}_price`] } as TicketTypeRow,
    quantity: p[`l${i}_quantity`] as number,
  }));
  const row = Object.fromEntries(ORDER_COLUMNS.map((k) => [k, p[`o_${k}`]])) as unknown as OrderRow;
  const r: Request = {
    event: { id: p.eventId } as EventRow,
    lines,
    quantity: p.quantity,
    total: 0,
    discount: discounted ? { row: { id: p.discountId } as DiscountCodeRow, amount: 0 } : null,
  };
  // Everything the statements draw is given: they never ask the clock.
  const deps = { db, now: () => Number.NaN } as unknown as Deps;
  return holdStatements(deps, r, row, null, undefined, {
    lineIds: lines.map((_, i) => p[`l${i}_id`] as string),
    stockMessage: { id: p.stockId, now: p.stockNow, room: p.stockRoom },
  });
});
