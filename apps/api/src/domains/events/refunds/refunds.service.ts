import { type CreateRefund, newId, type Refund } from "@gatherkit/core";
import { orderRefunds, orders } from "@gatherkit/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { emitLocalRefund, paymentsProvider } from "../../../platform/payments/payments.service.js";
import type { OrderRow } from "../holds.js";
import { handlePaymentEvent } from "../payments.js";

type RefundRow = typeof orderRefunds.$inferSelect;

const REFUNDABLE = ["paid", "partially_refunded"] as const;

function toRefund(row: RefundRow, currency: string): Refund {
  return {
    id: row.id,
    orderId: row.orderId,
    amount: row.amount,
    currency,
    status: row.status,
    reason: row.reason,
    createdAt: toIso(row.createdAt),
  };
}

async function loadOrder(deps: Deps, orgId: string, orderId: string): Promise<OrderRow> {
  const [row] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Order");
  return row;
}

/** Refunded or being refunded: every refund asked for that did not fail. */
const committed = (orderId: string) =>
  sql`(SELECT COALESCE(SUM(r.amount), 0) FROM ${orderRefunds} r WHERE r.order_id = ${orderId} AND r.status <> 'failed')`;

async function takenOf(deps: Deps, orderId: string): Promise<number> {
  const [row] = await deps.db
    .select({ taken: sql<number>`${committed(orderId)}` })
    .from(orders)
    .where(eq(orders.id, orderId));
  return Number(row?.taken ?? 0);
}

const exceeds = (taken: number, total: number) =>
  new ApiError(
    409,
    "refund_exceeds_paid",
    `${taken} of the ${total} paid is already refunded or being refunded: at most ${Math.max(0, total - taken)} more.`,
  );

/**
 * Refunds an order in full or in part (owners and admins), through the payments provider. The
 * refund is first written, `pending`, only if the order is paid and what it asks plus every
 * earlier refund not failed stays within what was paid — so concurrent refunds (or a refund
 * retried) never give back more than was paid: 409 `refund_exceeds_paid`. Then the provider is
 * asked, keyed by the refund's id (a retry is the same refund there). The order's
 * `amountRefunded` and status follow the provider's `charge.refunded` event, as the payment
 * follows `payment_intent.succeeded`; the local provider emits that event itself. Refusals: 409
 * `order_not_refundable` (not paid, or free), 503 `payment_provider_error` (nothing refunded;
 * the refund is marked failed).
 */
export async function createRefund(deps: Deps, caller: Caller | null, orderId: string, input: CreateRefund): Promise<Refund> {
  const who = requireOrganizer({ var: { caller } }, ["owner", "admin"]);
  const order = await loadOrder(deps, who.orgId, orderId);
  if (!REFUNDABLE.includes(order.status as (typeof REFUNDABLE)[number]) || order.paymentIntentId === null || order.total === 0) {
    throw new ApiError(
      409,
      "order_not_refundable",
      order.total === 0 ? "A free order has nothing to refund." : `This order is ${order.status}: only a paid order can be refunded.`,
    );
  }
  const amount = input.amount ?? order.total - (await takenOf(deps, order.id));
  if (amount < 1) throw exceeds(order.total, order.total);
  const now = deps.now();
  const row: RefundRow = {
    id: newId("refund"),
    orgId: order.orgId,
    orderId: order.id,
    amount,
    status: "pending",
    providerRefundId: null,
    reason: input.reason ?? null,
    createdBy: who.kind === "user" ? who.userId : who.keyId,
    createdAt: now,
    updatedAt: now,
  };
  const room = sql`EXISTS (SELECT 1 FROM ${orders} o WHERE o.id = ${order.id} AND o.status IN ('paid', 'partially_refunded')
    AND ${committed(order.id)} + ${row.amount} <= o.total)`;
  await guardedWrite(deps, [insertWhen(deps.db, orderRefunds, row, room).returning({ id: orderRefunds.id })], {
    written: ([inserted]) => (inserted.length > 0 ? true : undefined),
    explain: async () => {
      const now = await loadOrder(deps, who.orgId, orderId);
      if (!REFUNDABLE.includes(now.status as (typeof REFUNDABLE)[number])) {
        throw new ApiError(409, "order_not_refundable", `This order is ${now.status}: only a paid order can be refunded.`);
      }
      throw exceeds(await takenOf(deps, order.id), order.total);
    },
  });
  const provider = paymentsProvider(deps.config);
  const paymentIntentId = order.paymentIntentId;
  let answer: { id: string; status?: string | null };
  try {
    answer = await provider.refund({
      paymentIntentId,
      amount: row.amount,
      idempotencyKey: `refund-${row.id}`,
      metadata: { domain: "events", orderId: order.id, refundId: row.id },
    });
  } catch (err) {
    deps.logger.error("refunding failed", { orderId: order.id, refundId: row.id, error: err instanceof Error ? err.message : String(err) });
    await deps.db.update(orderRefunds).set({ status: "failed", updatedAt: deps.now() }).where(eq(orderRefunds.id, row.id));
    throw new ApiError(503, "payment_provider_error", "The payments provider did not refund: nothing was given back. Try again.");
  }
  const status =
    answer.status === "succeeded" ? "succeeded" : answer.status === "failed" || answer.status === "canceled" ? "failed" : "pending";
  const [done] = await deps.db
    .update(orderRefunds)
    .set({ status, providerRefundId: answer.id, updatedAt: deps.now() })
    .where(eq(orderRefunds.id, row.id))
    .returning();
  if (provider.name === "local" && status === "succeeded") {
    const [{ total } = { total: 0 }] = await deps.db
      .select({ total: sql<number>`COALESCE(SUM(${orderRefunds.amount}), 0)` })
      .from(orderRefunds)
      .where(and(eq(orderRefunds.orderId, order.id), eq(orderRefunds.status, "succeeded")));
    await emitLocalRefund(
      deps,
      { events: handlePaymentEvent },
      {
        paymentIntentId,
        amount: order.total,
        amountRefunded: Number(total),
        currency: order.currency,
        metadata: { domain: "events", orderId: order.id, orgId: order.orgId, eventId: order.eventId },
      },
    );
  }
  return toRefund(done ?? row, order.currency);
}

/** An order's refunds, oldest first (organizers). */
export async function listRefunds(deps: Deps, caller: Caller | null, orderId: string): Promise<{ data: Refund[] }> {
  const who = requireOrganizer({ var: { caller } });
  const order = await loadOrder(deps, who.orgId, orderId);
  const rows = await deps.db
    .select()
    .from(orderRefunds)
    .where(eq(orderRefunds.orderId, order.id))
    .orderBy(asc(orderRefunds.createdAt), asc(orderRefunds.id));
  return { data: rows.map((r) => toRefund(r, order.currency)) };
}
