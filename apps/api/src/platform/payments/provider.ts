import Stripe from "stripe";

/**
 * The payments provider, shared by every domain that takes money (ticket orders, bookings, plan
 * shares). Two implementations: Stripe through its official SDK (fetch HTTP client and
 * SubtleCrypto, so the same code runs on Node and Workers), and a local one for the embedded
 * default whose checkout page emits the same signed events. Both feed one webhook path, which
 * verifies signatures with the Stripe SDK (`constructEventAsync`, 5-minute tolerance).
 */
/** How a buyer pays with Stripe (an organization's `checkoutMode`, else the deployment's `STRIPE_CHECKOUT`). */
export type CheckoutMode = "payment_element" | "checkout_embedded" | "checkout_redirect";

export interface PaymentIntent {
  /** The PaymentIntent's id (`pi_…`), or the Checkout Session's (`cs_…`) in the Checkout modes. */
  id: string;
  /** How the buyer pays (Stripe); null for the local provider. */
  mode: CheckoutMode | null;
  /** For Stripe.js in the browser: the PaymentIntent's (Payment Element) or the Checkout Session's (embedded Checkout); null where not needed. */
  clientSecret: string | null;
  /** A page to pay on: the local provider's checkout, or Stripe Checkout's (`checkout_redirect`); null otherwise. */
  checkoutUrl: string | null;
  /** Stripe.js's publishable key (`pk_…`) for the Payment Element and embedded Checkout; null otherwise. */
  publishableKey: string | null;
  /** Stripe Connect: the connected account Stripe.js acts on (`acct_…`); null for the platform account. */
  stripeAccount: string | null;
}

export interface CreatePaymentIntent {
  amount: number;
  currency: string;
  /** Which domain handles its events (`events`, …) and what it pays for (`orderId`, …). */
  metadata: Record<string, string>;
  description: string;
  /** The same key gives the same PaymentIntent (Stripe's idempotency). */
  idempotencyKey: string;
  /**
   * How the buyer pays (Stripe only). Left out: the deployment's mode, with `checkout_embedded`
   * read as `checkout_redirect` (a caller that names no mode shows a payment page, not Stripe.js).
   */
  mode?: CheckoutMode;
  /** Where Stripe Checkout brings the buyer back (`gk_payment=paid|cancelled` is added); left out: the API's return page. */
  returnUrl?: string;
}

export interface PaymentsProvider {
  readonly name: "stripe" | "local";
  /**
   * Whether `createPaymentIntent` has no effect outside this process and needs nothing from it
   * (the local provider: it signs a token). A service may then draw the payment before its write
   * and write it with it, in one batch, instead of a second write after the provider answered.
   */
  readonly opensLocally: boolean;
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
  /** Closes a payment nobody may finish any more (the hold ended): expires an open Checkout Session. */
  close?(paymentId: string): Promise<void>;
  /**
   * A verified event as the domains read it (PaymentIntent and charge events whose metadata names
   * what was paid for). Stripe Checkout's session events become PaymentIntent-shaped events whose
   * id is the session's (what the domains stored), see `StripeProvider`.
   */
  normalize?(event: Stripe.Event): Promise<Stripe.Event>;
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

/**
 * An event as plain JSON, to rewrite: spreading `Stripe.Event` itself (a union of some 250 event
 * types, each with its own `data`) made the type checker spend minutes on these two literals.
 */
const asPlain = (event: Stripe.Event) => event as unknown as { type: string; data: Record<string, unknown> } & Record<string, unknown>;

/** The metadata mark of a Checkout Session's PaymentIntent (its events are read through the session). */
const VIA_CHECKOUT = "gkCheckoutSession";

/**
 * Stripe, in one of three modes (the organizer's choice: `CreatePaymentIntent.mode`, else the
 * deployment's `STRIPE_CHECKOUT`):
 *
 * - `payment_element`: a PaymentIntent; the buyer's page confirms it with Stripe's Payment
 *   Element (client secret + publishable key in the answer).
 * - `checkout_embedded`: a Checkout Session with `ui_mode: embedded_page` (Stripe's API version
 *   2026-03-25 renamed `embedded` so); the buyer's page mounts it with Stripe.js's
 *   `initEmbeddedCheckout` (the session's client secret + publishable key in the answer). Card
 *   payments complete in the page (`redirect_on_completion: if_required`); a redirect-based method
 *   comes back to `return_url`.
 * - `checkout_redirect`: a Checkout Session on Stripe's hosted page (`url` in the answer); the
 *   buyer comes back to the host page (`returnUrl`, else the API's `/v1/payments/return`).
 *
 * A session's id (`cs_…`) is what the domains store as the payment's id; its
 * `checkout.session.completed` (paid) and `…async_payment_succeeded` events reach them as
 * `payment_intent.succeeded` for that id, `…async_payment_failed` as
 * `payment_intent.payment_failed`, and `checkout.session.expired` as it is (with the session's
 * metadata). Its PaymentIntent carries the metadata without `domain` (its own events are only
 * recorded) and a mark, so that its `charge.refunded` events are read as the session's (found
 * with `checkout.sessions.list({ payment_intent })`); refunds look the PaymentIntent up from the
 * session.
 */
export class StripeProvider implements PaymentsProvider {
  readonly name = "stripe";
  readonly opensLocally = false;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #account: string | undefined;
  readonly #publishableKey: string | null;
  readonly #mode: CheckoutMode;
  readonly #returnUrl: string;

  constructor(opts: {
    secretKey: string;
    webhookSecret: string;
    account?: string;
    publishableKey?: string;
    mode?: CheckoutMode;
    /** Where Stripe Checkout sends the buyer back when the caller names no page (the API's `/v1/payments/return`). */
    returnUrl?: string;
    api?: { host: string; port: number; protocol: "http" | "https" };
  }) {
    this.#stripe = stripeClient(opts.secretKey, opts.api);
    this.#webhookSecret = opts.webhookSecret;
    this.#account = opts.account;
    this.#publishableKey = opts.publishableKey ?? null;
    this.#mode = opts.mode ?? "payment_element";
    this.#returnUrl = opts.returnUrl ?? "";
  }

  /** The deployment's mode (what an organization without its own choice gets). */
  get defaultMode(): CheckoutMode {
    return this.#mode;
  }

  get #options() {
    return this.#account ? { stripeAccount: this.#account } : {};
  }

  async createPaymentIntent(p: CreatePaymentIntent): Promise<PaymentIntent> {
    const mode = p.mode ?? (this.#mode === "checkout_embedded" ? "checkout_redirect" : this.#mode);
    if (mode !== "payment_element") return this.#createSession(p, mode);
    const intent = await this.#stripe.paymentIntents.create(
      {
        amount: p.amount,
        currency: p.currency.toLowerCase(),
        metadata: p.metadata,
        description: p.description,
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey: p.idempotencyKey, ...this.#options },
    );
    return {
      id: intent.id,
      mode,
      clientSecret: intent.client_secret,
      checkoutUrl: null,
      publishableKey: this.#publishableKey,
      stripeAccount: this.#account ?? null,
    };
  }

  /** Where the buyer comes back to: the caller's page with `gk_payment`, else the API's return page with `outcome`. */
  #back(p: CreatePaymentIntent, outcome: "paid" | "cancelled"): string {
    if (!p.returnUrl) return `${this.#returnUrl}?outcome=${outcome}`;
    const url = new URL(p.returnUrl);
    url.searchParams.set("gk_payment", outcome);
    return url.href;
  }

  async #createSession(p: CreatePaymentIntent, mode: "checkout_embedded" | "checkout_redirect"): Promise<PaymentIntent> {
    const { domain, ...rest } = p.metadata;
    const embedded = mode === "checkout_embedded";
    const session = await this.#stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          { quantity: 1, price_data: { currency: p.currency.toLowerCase(), unit_amount: p.amount, product_data: { name: p.description } } },
        ],
        metadata: p.metadata,
        payment_intent_data: {
          description: p.description,
          metadata: { ...rest, [VIA_CHECKOUT]: "1", ...(domain ? { gkDomain: domain } : {}) },
        },
        ...(embedded
          ? { ui_mode: "embedded_page", redirect_on_completion: "if_required", return_url: this.#back(p, "paid") }
          : { success_url: this.#back(p, "paid"), cancel_url: this.#back(p, "cancelled") }),
      },
      { idempotencyKey: p.idempotencyKey, ...this.#options },
    );
    return embedded
      ? {
          id: session.id,
          mode,
          clientSecret: session.client_secret,
          checkoutUrl: null,
          publishableKey: this.#publishableKey,
          stripeAccount: this.#account ?? null,
        }
      : { id: session.id, mode, clientSecret: null, checkoutUrl: session.url, publishableKey: null, stripeAccount: null };
  }

  /** Expires an open Checkout Session (a PaymentIntent is left: one nobody confirms never charges). */
  async close(paymentId: string): Promise<void> {
    if (!paymentId.startsWith("cs_")) return;
    const session = await this.#stripe.checkout.sessions.retrieve(paymentId, {}, this.#options);
    if (session.status !== "open") return;
    await this.#stripe.checkout.sessions.expire(paymentId, {}, { idempotencyKey: `expire-${paymentId}`, ...this.#options });
  }

  async normalize(event: Stripe.Event): Promise<Stripe.Event> {
    const type = event.type as string;
    if (type.startsWith("checkout.session.")) {
      const session = event.data.object as Stripe.Checkout.Session;
      const paid =
        (type === "checkout.session.completed" && session.payment_status === "paid") || type === "checkout.session.async_payment_succeeded";
      const failed = type === "checkout.session.async_payment_failed";
      if (!paid && !failed) return event;
      const object = {
        id: session.id,
        object: "payment_intent",
        amount: session.amount_total ?? 0,
        amount_received: paid ? (session.amount_total ?? 0) : 0,
        currency: session.currency ?? "",
        metadata: session.metadata ?? {},
        status: paid ? "succeeded" : "requires_payment_method",
      };
      return {
        ...asPlain(event),
        type: paid ? "payment_intent.succeeded" : "payment_intent.payment_failed",
        data: { object },
      } as unknown as Stripe.Event;
    }
    const object = event.data.object as { metadata?: Record<string, string> | null; payment_intent?: unknown };
    if (object.metadata?.[VIA_CHECKOUT] !== "1") return event;
    // A Checkout Session's PaymentIntent: its refunds are the session's; the rest is recorded only.
    if (type !== "charge.refunded" || typeof object.payment_intent !== "string") return event;
    const sessions = await this.#stripe.checkout.sessions.list({ payment_intent: object.payment_intent, limit: 1 }, this.#options);
    const session = sessions.data[0];
    if (!session) return event;
    const plain = asPlain(event);
    return {
      ...plain,
      data: { ...plain.data, object: { ...object, payment_intent: session.id, metadata: session.metadata ?? {} } },
    } as unknown as Stripe.Event;
  }

  async refund(p: {
    paymentIntentId: string;
    amount?: number;
    idempotencyKey: string;
    metadata?: Record<string, string>;
  }): Promise<{ id: string; status: string | null }> {
    let paymentIntent = p.paymentIntentId;
    if (paymentIntent.startsWith("cs_")) {
      const session = await this.#stripe.checkout.sessions.retrieve(paymentIntent, {}, this.#options);
      const pi = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
      if (!pi) throw new Error(`Checkout Session ${paymentIntent} has no payment to refund.`);
      paymentIntent = pi;
    }
    const refund = await this.#stripe.refunds.create(
      {
        payment_intent: paymentIntent,
        ...(p.amount === undefined ? {} : { amount: p.amount }),
        ...(p.metadata ? { metadata: p.metadata } : {}),
      },
      { idempotencyKey: p.idempotencyKey, ...this.#options },
    );
    return { id: refund.id, status: refund.status };
  }

  async webhookSecret(): Promise<string> {
    return this.#webhookSecret;
  }
}
