import { DeliveryError } from "../../lib/outbox.js";
import type { SvixHeaders } from "./resend.js";
import type { VapidKeys } from "./webpush.js";

/**
 * The providers behind each channel: a real one over `fetch` (so it runs on Node and Workers
 * alike) and a local one for the embedded default that records the message in the database.
 */

export interface SendResult {
  /** The provider's id for the message (Resend's email id, Twilio's `SM…` sid, the local row id). */
  providerMessageId: string;
}

export interface OutgoingEmail {
  orgId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** Base64 content (see the outbox's EmailPayload). */
  attachments?: { filename: string; contentType: string; content: string }[];
}

export interface OutgoingSms {
  orgId: string | null;
  /** E.164. */
  to: string;
  text: string;
}

interface Provider<M> {
  /** Stored in the delivery log (`resend`, `twilio`, `local`). */
  name: string;
  /**
   * Whether sending the same `idempotencyKey` twice sends one message. A provider that is not
   * (Twilio) is never called twice for one message: an attempt a crash cut short is parked
   * instead, since it may have gone out.
   */
  idempotent: boolean;
  send(message: M, idempotencyKey: string): Promise<SendResult>;
  /** For a provider that reports delivery by status callback (Twilio): is this callback signed by it? */
  verifyStatusCallback?(url: string, params: URLSearchParams, signature: string): Promise<boolean>;
}
export type EmailProvider = Provider<OutgoingEmail>;
export type SmsProvider = Provider<OutgoingSms>;

export interface NotificationProviders {
  email: EmailProvider;
  sms: SmsProvider;
  /** Checks a webhook from the email provider (Resend's delivery, bounce and complaint events), when one is configured. */
  verifyEmailEvent?(headers: SvixHeaders, body: string, now: number): Promise<boolean>;
  /** Web push, when VAPID keys are configured; `fetch` is injectable for tests. */
  push?: { keys: VapidKeys; serviceOrigins: string[]; fetch?: typeof fetch };
}

/**
 * How long a `Retry-After` header asks to wait, in milliseconds: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3); undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The outcome of a provider's non-2xx answer: 429 and 5xx (and 401/403/408/409, which are about
 * the account or the moment, not the message) are retried, honouring `Retry-After`; any other
 * 4xx refused this one message, which is parked with the provider's reason.
 */
export async function providerFailure(provider: string, res: Response, now: number): Promise<DeliveryError> {
  const body = (await res.text().catch(() => "")).slice(0, 500);
  const reason = `${provider} answered ${res.status}${body ? `: ${body}` : ""}`;
  const retryable = res.status === 429 || res.status >= 500 || [401, 403, 408, 409].includes(res.status);
  return new DeliveryError(reason, { permanent: !retryable, retryAfterMs: retryAfterMs(res.headers.get("retry-after"), now) });
}

/** `fetch` that turns a network failure into a retryable DeliveryError naming the provider. */
export async function fetchProvider(provider: string, doFetch: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await doFetch(url, init);
  } catch (err) {
    throw new DeliveryError(`${provider} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
