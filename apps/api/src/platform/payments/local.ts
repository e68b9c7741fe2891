import { randomToken } from "@gatherkit/core";
import { hmacSha256, hmacSha256Matches } from "../hmac.js";
import type { CreatePaymentIntent, PaymentIntent, PaymentsProvider } from "./provider.js";

/**
 * The embedded default's provider: no account, no network. A PaymentIntent is a signed token
 * (amount, currency, metadata) that opens the API's own checkout page, where a tester pays,
 * declines, or goes through a "requires action" step; the page then emits the same Stripe-shaped
 * events, signed with this provider's webhook secret, into the same webhook code path.
 */
export class LocalProvider implements PaymentsProvider {
  readonly name = "local";
  /** A payment here is a token this process signs: nothing outside it is asked or changed. */
  readonly opensLocally = true;
  /** The HMAC key of this provider's tokens (see platform/hmac.ts). */
  readonly #key: string;
  readonly #publicUrl: string;

  constructor(opts: { secret: string; publicUrl: string }) {
    this.#publicUrl = opts.publicUrl.replace(/\/+$/, "");
    this.#key = `local-payments:${opts.secret}`;
  }

  async createPaymentIntent(p: CreatePaymentIntent): Promise<PaymentIntent> {
    const id = `pi_local_${randomToken(24)}`;
    const token = await this.sign({ id, amount: p.amount, currency: p.currency, metadata: p.metadata, description: p.description });
    return {
      id,
      mode: null,
      clientSecret: `${id}_secret_${randomToken(24)}`,
      checkoutUrl: `${this.#publicUrl}/v1/payments/local/checkout?token=${token}`,
      publishableKey: null,
      stripeAccount: null,
    };
  }

  /** Nothing to give back in the embedded default: the refund succeeds at once (its caller emits the `charge.refunded` event). */
  async refund(p: { paymentIntentId: string }): Promise<{ id: string; status: string }> {
    void p;
    return { id: `re_local_${randomToken(24)}`, status: "succeeded" };
  }

  async webhookSecret(): Promise<string> {
    const mac = await hmacSha256(this.#key, "webhook");
    return `whsec_local_${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }

  /** `base64url(json).base64url(hmac)`: what the checkout page is opened with. */
  async sign(intent: LocalIntent): Promise<string> {
    const body = b64(new TextEncoder().encode(JSON.stringify(intent)));
    return `${body}.${b64(await hmacSha256(this.#key, body))}`;
  }

  /** The intent a checkout token names, or null if the token was not made here. */
  async open(token: string): Promise<LocalIntent | null> {
    const [body, sig] = token.split(".");
    if (!body || !sig || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
    if (!(await hmacSha256Matches(this.#key, body, unb64(sig)))) return null;
    return JSON.parse(new TextDecoder().decode(unb64(body))) as LocalIntent;
  }
}

export interface LocalIntent {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  description: string;
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function unb64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
