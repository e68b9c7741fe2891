import { orderLines, orders, paymentEvents } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { PaymentEventHandler } from "../../lib/domain.js";
import { deliverSoon, enqueueWhen } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { paymentsProvider, recordPaymentEvent } from "../../platform/payments/payments.service.js";
import { confirmationEmailFor } from "./confirmation.js";
import { enqueueOrdersChanged } from "./events.js";
import { releaseOrder } from "./holds.js";
import { issueTickets, seatsFor } from "./tickets.js";

/**
 * The events domain's payment events (PaymentIntents whose metadata names an order):
 *
 * - `payment_intent.succeeded` for a pending order: in one batch the event is recorded, the order
 *   becomes `paid` (from `pending` only), its tickets are issued and the confirmation email is
 *   queued, and the event's room hears `event.orders_changed` (a count) — each step only if the one
 *   before it wrote, so a duplicate delivery changes nothing.
 *   A payment for less than the total, or in another currency, pays nothing. A payment that
 *   arrives after the hold ended (the tickets went back on sale) is refunded in full.
 * - `charge.refunded` (the charge carries the PaymentIntent's metadata and its cumulative
 *   `amount_refunded`): the order's `amountRefunded` becomes the largest amount any such event
 *   reported (so events in any order, and duplicates, end the same); a paid order becomes
 *   `partially_refunded`, or `refunded` once it is all given back — then its tickets are void and
 *   return to sale, once. A refund that arrives before the payment is kept and applied when the
 *   order is paid.
 * - `checkout.session.expired` (Stripe Checkout's session can no longer be paid): its pending
 *   order's hold ends at once (`expired`, tickets back on sale). The release comes before the
 *   record, and only from `pending`, so a redelivery after a crash finishes it and a duplicate, or
 *   the expiry of a session already paid or released, changes nothing.
 * - Anything else (`payment_intent.payment_failed`, `…requires_action`, …) is recorded: a failed
 *   payment keeps the hold until it expires, so the buyer may try again.
 */
export const handlePaymentEvent: PaymentEventHandler = async (deps, event) => {
  if (event.type === "charge.refunded") return chargeRefunded(deps, event);
  if (event.type === "checkout.session.expired") return sessionExpired(deps, event);
  const object = event.data.object as Partial<Stripe.PaymentIntent>;
  const orderId = object.metadata?.orderId;
  if (event.type !== "payment_intent.succeeded" || !orderId || !object.id) {
    await recordPaymentEvent(deps, event);
    return;
  }
  const [order] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.paymentIntentId, object.id)))
    .limit(1);
  if (!order) {
    deps.logger.warn("payment for an unknown order", { eventId: event.id, orderId, paymentIntent: object.id });
    await recordPaymentEvent(deps, event);
    return;
  }
  const received = object.amount_received ?? 0;
  if (received < order.total || (object.currency ?? "").toUpperCase() !== order.currency) {
    deps.logger.warn("payment does not cover the order", { eventId: event.id, orderId, received, currency: object.currency });
    await recordPaymentEvent(deps, event);
    return;
  }
  const lines = await deps.db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
  const now = deps.now();
  const db = deps.db;
  const changed = sql`changes() > 0`;
  const seats = seatsFor(lines);
  const mail = await confirmationEmailFor(deps, order, seats);
  const [recorded, paid] = await db.batch([
    recordPaymentEvent(deps, event),
    db
      .update(orders)
      .set({ status: "paid", paidAt: now, updatedAt: now })
      .where(and(eq(orders.id, order.id), eq(orders.status, "pending"), changed))
      .returning({ id: orders.id }),
    ...issueTickets(deps, order, seats, changed, now),
    enqueueWhen(db, mail, changed, { orgId: order.orgId, now }),
    // Last: written only if the mail was, i.e. only if this delivery made the order paid.
    enqueueOrdersChanged(deps, order.orgId, order.eventId, "paid", changed),
  ]);
  if (paid.length > 0) {
    deliverSoon(deps);
    // A refund reported before the payment (out of order) applies now.
    await settleRefunds(deps, order.id);
    return;
  }
  // Not pending any more. Newly recorded and the hold ended: the tickets may be sold again, refund.
  const status = recorded.length > 0 ? await statusOf(deps, order.id) : undefined;
  if (status === "expired" || status === "cancelled") await refundLatePayment(deps, event, order);
};

async function sessionExpired(deps: Deps, event: Stripe.Event) {
  const session = event.data.object as Partial<Stripe.Checkout.Session>;
  const orderId = session.metadata?.orderId;
  const [order] =
    orderId && session.id
      ? await deps.db
          .select()
          .from(orders)
          .where(and(eq(orders.id, orderId), eq(orders.paymentIntentId, session.id)))
          .limit(1)
      : [];
  if (order?.status === "pending") await releaseOrder(deps, order, "expired", { paymentClosed: true });
  await recordPaymentEvent(deps, event);
}

async function statusOf(deps: Deps, orderId: string) {
  const [row] = await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)).limit(1);
  return row?.status;
}

/**
 * The buyer paid after the hold ended and the tickets went back on sale: the money goes back in
 * full. If the provider cannot be reached, the event is forgotten again so its redelivery retries.
 */
async function refundLatePayment(deps: Deps, event: Stripe.Event, order: { id: string; paymentIntentId: string | null }) {
  if (!order.paymentIntentId) return;
  try {
    await paymentsProvider(deps.config).refund({ paymentIntentId: order.paymentIntentId, idempotencyKey: `late-payment-${order.id}` });
    deps.logger.warn("refunded a payment that arrived after its hold ended", { orderId: order.id, eventId: event.id });
  } catch (err) {
    await deps.db.delete(paymentEvents).where(eq(paymentEvents.id, event.id));
    throw err;
  }
}

async function chargeRefunded(deps: Deps, event: Stripe.Event) {
  const charge = event.data.object as Partial<Stripe.Charge>;
  const orderId = charge.metadata?.orderId;
  const intent = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  const refunded = charge.amount_refunded;
  const [order] =
    orderId && intent
      ? await deps.db
          .select()
          .from(orders)
          .where(and(eq(orders.id, orderId), eq(orders.paymentIntentId, intent)))
          .limit(1)
      : [];
  if (!order || typeof refunded !== "number" || !Number.isSafeInteger(refunded) || refunded < 0) {
    deps.logger.warn("a refund for an unknown order", { eventId: event.id, orderId, paymentIntent: intent });
    await recordPaymentEvent(deps, event);
    return;
  }
  const db = deps.db;
  await db.batch([
    recordPaymentEvent(deps, event),
    db
      .update(orders)
      .set({ amountRefunded: sql`MAX(${orders.amountRefunded}, ${refunded})`, updatedAt: deps.now() })
      .where(and(eq(orders.id, order.id), sql`changes() > 0`)),
  ]);
  // Also on a duplicate: the state follows amountRefunded, so applying it again changes nothing.
  await settleRefunds(deps, order.id);
}

/** Brings a paid order's status in line with what the provider says was refunded (see handlePaymentEvent). */
async function settleRefunds(deps: Deps, orderId: string) {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId)).limit(1);
  if (!order || order.amountRefunded === 0 || (order.status !== "paid" && order.status !== "partially_refunded")) return;
  if (order.amountRefunded >= order.total) {
    await releaseOrder(deps, order, "refunded");
    return;
  }
  const db = deps.db;
  await db.batch([
    db
      .update(orders)
      .set({ status: "partially_refunded", updatedAt: deps.now() })
      .where(and(eq(orders.id, order.id), eq(orders.status, "paid"))),
    enqueueOrdersChanged(deps, order.orgId, order.eventId, "partially_refunded", sql`changes() > 0`),
  ]);
  deliverSoon(deps);
}
