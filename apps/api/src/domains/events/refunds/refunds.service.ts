import { type CreateRefund, formatMoney, newId, type Refund } from "@gatherkit/core";
import { events, orderRefunds, orders, tickets } from "@gatherkit/db";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, email, enqueueWhen } from "../../../lib/outbox.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { emitLocalRefund, paymentsProvider } from "../../../platform/payments/payments.service.js";
import { type OrderRow, releaseOrder } from "../holds.js";
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
  // Two steps (the refund written `pending`, then asked of the provider): the retry of a request
  // that died after the first carries on from its refund — asked again under the same provider key,
  // so refunded once. A refund the provider failed is not carried on: the retry asks a new one.
  const resumed = await resumedRefund(deps, order);
  if (resumed) return resumed.status === "pending" ? askProvider(deps, order, resumed, "api") : toRefund(resumed, order.currency);
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
  resumeOnCommit(deps, row.id, sql`EXISTS (SELECT 1 FROM ${orderRefunds} WHERE ${orderRefunds.id} = ${row.id})`);
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
  return askProvider(deps, order, row, "api");
}

/** The refund of `order` this request wrote before it died (`resumeOnCommit`), unless the provider failed it. */
async function resumedRefund(deps: Deps, order: OrderRow): Promise<RefundRow | undefined> {
  const id = resumedFrom(deps);
  if (id === undefined) return undefined;
  const [row] = await deps.db
    .select()
    .from(orderRefunds)
    .where(and(eq(orderRefunds.id, id), eq(orderRefunds.orderId, order.id)))
    .limit(1);
  return row && row.status !== "failed" ? row : undefined;
}

/**
 * Asks the provider for a refund already written `pending` (keyed by its id, so asking again is
 * the same refund there) and records its answer. The local provider then emits the
 * `charge.refunded` event itself. When the provider fails the refund is marked failed and the
 * error thrown: 503 `payment_provider_error` for an API caller, the original error for a task
 * (the outbox retries it).
 */
async function askProvider(deps: Deps, order: OrderRow, row: RefundRow, as: "api" | "task"): Promise<Refund> {
  const provider = paymentsProvider(deps.config);
  const paymentIntentId = order.paymentIntentId;
  if (paymentIntentId === null) throw new Error(`order ${order.id} has no payment to refund`);
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
    if (as === "task") throw err;
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

/** The reason every refund of a cancelled event carries. */
export const EVENT_CANCELLED_REASON = "event_cancelled";

/**
 * What cancelling an event sets going (an outbox task, queued in the batch that cancels it, so it
 * runs if and only if the cancel committed, and is retried until it is done):
 *
 * - every pending hold is cancelled (its payment, should it still arrive, is refunded as late);
 * - every paid order's valid tickets are voided and its buyer is emailed, once (the email is
 *   queued only by the statement that voided them);
 * - every paid order is refunded what is not yet refunded or being refunded, through the
 *   provider, each refund recorded (`reason: event_cancelled`) and keyed by its id. A refund
 *   written but never answered (a crash, a timeout) is asked for again under the same key.
 *
 * Each order is handled alone: one the provider refuses does not stop the others. If any failed
 * the task throws at the end, so the outbox runs it again later, and a run redoes only what is
 * left (nothing is refunded twice: see `committed`).
 */
export async function refundCancelledEvent(deps: Deps, eventId: string, by: string): Promise<{ refunded: number; failed: number }> {
  const db = deps.db;
  const [event] = await db.select().from(events).where(eq(events.id, eventId)).limit(1);
  if (event?.status !== "cancelled") return { refunded: 0, failed: 0 };
  const open = await db
    .select()
    .from(orders)
    .where(and(eq(orders.eventId, eventId), eq(orders.status, "pending")));
  for (const o of open) await releaseOrder(deps, o, "cancelled");
  const paid = await db
    .select()
    .from(orders)
    .where(and(eq(orders.eventId, eventId), inArray(orders.status, [...REFUNDABLE])))
    .orderBy(asc(orders.createdAt), asc(orders.id));
  let refunded = 0;
  const failures: string[] = [];
  for (const order of paid) {
    try {
      await voidAndTell(deps, event, order);
      if (await refundRest(deps, order, by)) refunded++;
    } catch (err) {
      failures.push(`${order.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`refunding cancelled event ${eventId}: ${failures.length} of ${paid.length} orders failed (${failures.join("; ")})`);
  }
  return { refunded, failed: 0 };
}

async function voidAndTell(deps: Deps, event: typeof events.$inferSelect, order: OrderRow) {
  const db = deps.db;
  const when = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
  const money = order.total > 0 ? ` Your payment of ${formatMoney(order.total, order.currency)} is being refunded in full.` : "";
  const text = `Hello ${order.buyerName},\n\n${event.title} on ${when} is cancelled, and your order ${order.confirmationCode} with it.${money}\n\nWe are sorry.\n`;
  await db.batch([
    db
      .update(tickets)
      .set({ status: "void" })
      .where(and(eq(tickets.orderId, order.id), eq(tickets.status, "valid"))),
    enqueueWhen(
      db,
      email({
        to: order.buyerEmail,
        subject: `Cancelled: ${event.title} (${order.confirmationCode})`,
        text,
        template: "event_cancelled",
        data: { orderId: order.id, eventId: event.id, confirmationCode: order.confirmationCode },
      }),
      sql`changes() > 0`,
      { orgId: order.orgId, now: deps.now() },
    ),
  ]);
  deliverSoon(deps);
}

/** Refunds what is left of a paid order (see refundCancelledEvent); answers whether it asked for a refund. */
async function refundRest(deps: Deps, order: OrderRow, by: string): Promise<boolean> {
  if (order.total === 0 || order.paymentIntentId === null) return false;
  const db = deps.db;
  // Written but never answered: ask again under the same key.
  const unanswered = await db
    .select()
    .from(orderRefunds)
    .where(and(eq(orderRefunds.orderId, order.id), eq(orderRefunds.status, "pending"), isNull(orderRefunds.providerRefundId)));
  for (const row of unanswered) await askProvider(deps, order, row, "task");
  const now = deps.now();
  const row: RefundRow = {
    id: newId("refund"),
    orgId: order.orgId,
    orderId: order.id,
    amount: 0,
    status: "pending",
    providerRefundId: null,
    reason: EVENT_CANCELLED_REASON,
    createdBy: by,
    createdAt: now,
    updatedAt: now,
  };
  // The amount is what is left as the statement runs: a refund made meanwhile is not given twice.
  const [inserted] = await db.batch([
    db
      .insert(orderRefunds)
      .select(
        sql`SELECT ${row.id}, ${row.orgId}, ${row.orderId}, o.total - ${committed(order.id)}, 'pending', NULL, ${row.reason}, ${row.createdBy}, ${now}, ${now}
          FROM ${orders} o WHERE o.id = ${order.id} AND o.status IN ('paid', 'partially_refunded') AND o.total - ${committed(order.id)} >= 1`,
      )
      .returning(),
  ]);
  const written = inserted[0];
  if (!written) return unanswered.length > 0;
  await askProvider(deps, order, written, "task");
  return true;
}
