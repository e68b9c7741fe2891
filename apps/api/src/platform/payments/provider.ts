import Stripe from "stripe";

/**
 * The payments provider, shared by every domain that takes money (ticket orders, bookings, plan
 * shares). Two implementations: Stripe through its official SDK (fetch HTTP client and
 * SubtleCrypto, so the same code runs on Node and Workers), and a local one for the embedded
 * default whose checkout page emits the same signed events. Both feed one webhook path, which
 * verifies signatures with the Stripe SDK (`constructEventAsync`, 5-minute tolerance).
 */
export interface PaymentIntent {
  id: string;
  /** For the browser to confirm the payment (Stripe's Payment Element); null where not needed. */
  clientSecret: string | null;
  /** The local provider's checkout page; null for Stripe (the page uses the Payment Element). */
  checkoutUrl: string | null;
}

export interface CreatePaymentIntent {
  amount: number;
  currency: string;
  /** Which domain handles its events (`events`, …) and what it pays for (`orderId`, …). */
  metadata: Record<string, string>;
  description: string;
  /** The same key gives the same PaymentIntent (Stripe's idempotency). */
  idempotencyKey: string;
}

export interface PaymentsProvider {
  readonly name: "stripe" | "local";
  createPaymentIntent(p: CreatePaymentIntent): Promise<PaymentIntent>;
  /** Refunds `amount` (all that is left when left out); `status` as the provider answered (`succeeded`, `pending`, …). */
  refund(p: {
    paymentIntentId: string;
    amount?: number;
    idempotencyKey: string;
    metadata?: Record<string, string>;
  }): Promise<{ id: string; status?: string | null }>;
  /** The webhook signing secret events are verified with. */
  webhookSecret(): Promise<string>;
}

/** Stripe's webhook tolerance: a signature older (or newer) than this is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** A Stripe client on `fetch` (Workers-safe). `api` points it at a stand-in (tests) instead of Stripe. */
export function stripeClient(secretKey: string, api?: { host: string; port: number; protocol: "http" | "https" }): Stripe {
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(api ?? {}),
  });
}

/** Verifies a webhook delivery's `Stripe-Signature` over the raw body and parses the event. */
export function verifyWebhook(rawBody: string, signature: string, secret: string): Promise<Stripe.Event> {
  return stripeClient("sk_verify_only").webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider);
}

/** A `Stripe-Signature` header for `payload`, as Stripe signs it (the local provider and tests sign with this). */
export function signWebhook(payload: string, secret: string, timestamp?: number): Promise<string> {
  return stripeClient("sk_sign_only").webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
    cryptoProvider,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

export class StripeProvider implements PaymentsProvider {
  readonly name = "stripe";
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #account: string | undefined;

  constructor(opts: {
    secretKey: string;
    webhookSecret: string;
    account?: string;
    api?: { host: string; port: number; protocol: "http" | "https" };
  }) {
    this.#stripe = stripeClient(opts.secretKey, opts.api);
    this.#webhookSecret = opts.webhookSecret;
    this.#account = opts.account;
  }

  async createPaymentIntent(p: CreatePaymentIntent): Promise<PaymentIntent> {
    const intent = await this.#stripe.paymentIntents.create(
      {
        amount: p.amount,
        currency: p.currency.toLowerCase(),
        metadata: p.metadata,
        description: p.description,
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey: p.idempotencyKey, ...(this.#account ? { stripeAccount: this.#account } : {}) },
    );
    return { id: intent.id, clientSecret: intent.client_secret, checkoutUrl: null };
  }

  async refund(p: {
    paymentIntentId: string;
    amount?: number;
    idempotencyKey: string;
    metadata?: Record<string, string>;
  }): Promise<{ id: string; status: string | null }> {
    const refund = await this.#stripe.refunds.create(
      {
        payment_intent: p.paymentIntentId,
        ...(p.amount === undefined ? {} : { amount: p.amount }),
        ...(p.metadata ? { metadata: p.metadata } : {}),
      },
      { idempotencyKey: p.idempotencyKey, ...(this.#account ? { stripeAccount: this.#account } : {}) },
    );
    return { id: refund.id, status: refund.status };
  }

  async webhookSecret(): Promise<string> {
    return this.#webhookSecret;
  }
}
