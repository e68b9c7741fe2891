import type { Order } from "@gatherkit/core";
import { orders } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import type { Deps } from "../../../lib/types.js";
import { checkoutModeOf, paymentsProvider } from "../../../platform/payments/payments.service.js";
import type { CheckoutMode, CreatePaymentIntent, PaymentIntent } from "../../../platform/payments/provider.js";
import type { OrderRow } from "../holds.js";

function intentOf(row: OrderRow, title: string, opts: PaymentPage, mode: CheckoutMode | undefined): CreatePaymentIntent {
  let returnUrl: string | undefined;
  if (opts.returnUrl) {
    const url = new URL(opts.returnUrl);
    url.searchParams.set("gk_order", row.id);
    returnUrl = url.href;
  }
  return {
    amount: row.total,
    currency: row.currency,
    metadata: { domain: "events", orderId: row.id, orgId: row.orgId, eventId: row.eventId },
    description: `${row.quantity} ticket${row.quantity === 1 ? "" : "s"} for ${title} (${row.confirmationCode})`,
    idempotencyKey: `order-${row.id}`,
    ...(mode ? { mode } : {}),
    ...(returnUrl ? { returnUrl } : {}),
  };
}

/**
 * The payment of an order about to be held, when the provider opens it without any effect
 * outside this process (the local provider: a signed token, see `PaymentsProvider.opensLocally`):
 * the hold then writes the order with its payment in its one batch, instead of a second write
 * after it. Null for a provider that calls out (Stripe: the hold comes first, then `openPayment`),
 * or if it failed (then `openPayment` after the hold tries again, and answers 503 if it must).
 */
export async function paymentBeforeHold(deps: Deps, row: OrderRow, title: string, opts: PaymentPage): Promise<PaymentIntent | null> {
  const provider = paymentsProvider(deps.config);
  if (!provider.opensLocally) return null;
  try {
    // No checkout mode: it is a choice among Stripe's pages, and this provider has one page.
    return await provider.createPaymentIntent(intentOf(row, title, opts, undefined));
  } catch (err) {
    deps.logger.warn("opening a local payment before the hold failed", {
      orderId: row.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  }
}

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
    intent = await paymentsProvider(deps.config).createPaymentIntent(intentOf(row, title, opts, mode));
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
