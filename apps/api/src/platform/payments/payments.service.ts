import { organizations, paymentEvents } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { PaymentEventHandler } from "../../lib/domain.js";
import { ApiError } from "../../lib/errors.js";
import type { Config, Deps } from "../../lib/types.js";
import { LocalProvider } from "./local.js";
import { type CheckoutMode, type PaymentsProvider, StripeProvider, signWebhook, verifyWebhook } from "./provider.js";

const providers = new WeakMap<Config, PaymentsProvider>();

/** The configured provider: Stripe when `STRIPE_SECRET_KEY` is set, else the local one. */
export function paymentsProvider(config: Config): PaymentsProvider {
  let p = providers.get(config);
  if (!p) {
    const s = config.payments;
    p =
      s.stripeSecretKey && s.stripeWebhookSecret
        ? new StripeProvider({
            secretKey: s.stripeSecretKey,
            webhookSecret: s.stripeWebhookSecret,
            account: s.stripeAccount,
            publishableKey: s.stripePublishableKey,
            mode: s.stripeCheckout,
            returnUrl: `${config.publicUrl.replace(/\/+$/, "")}/v1/payments/return`,
            api: s.stripeApi,
          })
        : new LocalProvider({ secret: config.jwtSecret, publicUrl: config.publicUrl });
    providers.set(config, p);
  }
  return p;
}

/** How the organization's buyers pay with Stripe: its own `checkoutMode`, else the deployment's (`STRIPE_CHECKOUT`). */
export async function checkoutModeOf(deps: Deps, orgId: string): Promise<CheckoutMode> {
  const [row] = await deps.db.select({ mode: organizations.checkoutMode }).from(organizations).where(eq(organizations.id, orgId)).limit(1);
  return row?.mode ?? deps.config.payments.stripeCheckout ?? "payment_element";
}

/**
 * Closes a payment nobody may finish any more (a hold that ended): an open Checkout Session is
 * expired, so the buyer cannot pay for tickets that went back on sale. Best effort: if the
 * provider cannot be reached, a payment that still arrives is refunded (see the domains' handlers).
 */
export async function closePayment(deps: Deps, paymentId: string | null): Promise<void> {
  const provider = paymentsProvider(deps.config);
  if (!paymentId || !provider.close) return;
  try {
    await provider.close(paymentId);
  } catch (err) {
    deps.logger.warn("closing a payment failed", { paymentId, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Records a provider event as handled (ON CONFLICT DO NOTHING), answering its id if this call
 * recorded it. Put it FIRST in the batch that applies the event and guard the next statement
 * with `changes() > 0`, so a duplicate or replayed delivery changes nothing.
 */
export function recordPaymentEvent(deps: Deps, event: Stripe.Event) {
  return deps.db
    .insert(paymentEvents)
    .values({ id: event.id, provider: paymentsProvider(deps.config).name, type: event.type, receivedAt: deps.now() })
    .onConflictDoNothing()
    .returning({ id: paymentEvents.id });
}

/**
 * The webhook: verifies the signature over the raw body (400 `invalid_signature`: missing, wrong,
 * tampered, or older than 5 minutes), then hands the event to the domain named in its object's
 * `metadata.domain`. Events no domain claims are recorded and acknowledged.
 */
export async function handleWebhook(
  deps: Deps,
  handlers: Record<string, PaymentEventHandler>,
  rawBody: string,
  signature: string | undefined,
): Promise<{ received: true }> {
  const provider = paymentsProvider(deps.config);
  if (!signature) throw new ApiError(400, "invalid_signature", "The Stripe-Signature header is missing.");
  let event: Stripe.Event;
  try {
    event = await verifyWebhook(rawBody, signature, await provider.webhookSecret());
  } catch {
    throw new ApiError(400, "invalid_signature", "The Stripe-Signature header does not match this body (or is older than 5 minutes).");
  }
  if (provider.normalize) event = await provider.normalize(event);
  const object = event.data.object as { metadata?: Record<string, string> | null };
  const handler = handlers[object.metadata?.domain ?? ""];
  if (handler) await handler(deps, event);
  else await recordPaymentEvent(deps, event);
  return { received: true };
}

/** The local provider's events, signed like Stripe's, into the same webhook path. */
export async function emitLocalEvent(
  deps: Deps,
  handlers: Record<string, PaymentEventHandler>,
  type: "payment_intent.succeeded" | "payment_intent.payment_failed" | "payment_intent.requires_action",
  intent: { id: string; amount: number; currency: string; metadata: Record<string, string> },
): Promise<void> {
  const provider = paymentsProvider(deps.config);
  const status = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "requires_payment_method",
    "payment_intent.requires_action": "requires_action",
  }[type];
  const payload = JSON.stringify({
    id: `evt_local_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    type,
    created: Math.floor(deps.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: intent.id,
        object: "payment_intent",
        amount: intent.amount,
        amount_received: type === "payment_intent.succeeded" ? intent.amount : 0,
        currency: intent.currency.toLowerCase(),
        metadata: intent.metadata,
        status,
      },
    },
  });
  await handleWebhook(deps, handlers, payload, await signWebhook(payload, await provider.webhookSecret()));
}

/**
 * The local provider's `charge.refunded` (Stripe's shape: the charge with its cumulative
 * `amount_refunded` and the PaymentIntent's metadata), signed and fed into the same webhook path.
 */
export async function emitLocalRefund(
  deps: Deps,
  handlers: Record<string, PaymentEventHandler>,
  charge: { paymentIntentId: string; amount: number; amountRefunded: number; currency: string; metadata: Record<string, string> },
): Promise<void> {
  const provider = paymentsProvider(deps.config);
  const payload = JSON.stringify({
    id: `evt_local_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    type: "charge.refunded",
    created: Math.floor(deps.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: `ch_local_${charge.paymentIntentId.replace(/^pi_local_/, "")}`,
        object: "charge",
        amount: charge.amount,
        amount_refunded: charge.amountRefunded,
        refunded: charge.amountRefunded >= charge.amount,
        currency: charge.currency.toLowerCase(),
        payment_intent: charge.paymentIntentId,
        metadata: charge.metadata,
      },
    },
  });
  await handleWebhook(deps, handlers, payload, await signWebhook(payload, await provider.webhookSecret()));
}
