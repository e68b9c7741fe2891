import type { Order } from "@gatherkit/core";
import { orders } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import type { Deps } from "../../../lib/types.js";
import { checkoutModeOf, paymentsProvider } from "../../../platform/payments/payments.service.js";
import type { PaymentIntent } from "../../../platform/payments/provider.js";
import type { OrderRow } from "../holds.js";

type OpenedPayment = { row: OrderRow; intent: PaymentIntent };
/** Where the buyer pays: `returnUrl` (the buyer's page, Stripe Checkout comes back to it), `byEmail` (a link in an email, never embedded). */
export type PaymentPage = { returnUrl?: string | undefined; byEmail?: boolean };

/**
 * Opens the payment of a held order with the provider; null if it cannot be reached. With
 * `answerWith`, the request's answer once the payment is open, sealed with the write that records it.
 */
export async function openPayment(deps: Deps, row: OrderRow, title: string, opts: PaymentPage): Promise<OpenedPayment | null>;
export async function openPayment(
  deps: Deps,
  row: OrderRow,
  title: string,
  opts: PaymentPage,
  answerWith: (row: OrderRow, intent: PaymentIntent) => Promise<Order>,
): Promise<(OpenedPayment & { answer: Order }) | null>;
export async function openPayment(
  deps: Deps,
  row: OrderRow,
  title: string,
  opts: PaymentPage,
  answerWith?: (row: OrderRow, intent: PaymentIntent) => Promise<Order>,
): Promise<(OpenedPayment & { answer?: Order }) | null> {
  let intent: PaymentIntent;
  try {
    // The organization's checkout mode; a payment sent by email needs a page to pay on.
    const chosen = await checkoutModeOf(deps, row.orgId);
    const mode = opts.byEmail && chosen === "checkout_embedded" ? "checkout_redirect" : chosen;
    let returnUrl: string | undefined;
    if (opts.returnUrl) {
      const url = new URL(opts.returnUrl);
      url.searchParams.set("gk_order", row.id);
      returnUrl = url.href;
    }
    intent = await paymentsProvider(deps.config).createPaymentIntent({
      amount: row.total,
      currency: row.currency,
      metadata: { domain: "events", orderId: row.id, orgId: row.orgId, eventId: row.eventId },
      description: `${row.quantity} ticket${row.quantity === 1 ? "" : "s"} for ${title} (${row.confirmationCode})`,
      idempotencyKey: `order-${row.id}`,
      mode,
      ...(returnUrl ? { returnUrl } : {}),
    });
  } catch (err) {
    deps.logger.error("creating a payment failed", { orderId: row.id, error: err instanceof Error ? err.message : String(err) });
    return null;
  }
  const paying = { ...row, paymentIntentId: intent.id, updatedAt: Math.max(deps.now(), row.updatedAt + 1) };
  const answer = answerWith && (await answerWith(paying, intent));
  if (answer) answerOnCommit(deps, 201, answer);
  await deps.db.update(orders).set({ paymentIntentId: paying.paymentIntentId, updatedAt: paying.updatedAt }).where(eq(orders.id, row.id));
  return { row: paying, intent, answer };
}
