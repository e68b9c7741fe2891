import { z } from "@gatherkit/core";
import { type EmailProvider, fetchProvider, providerFailure } from "./providers.js";

export interface ResendOptions {
  apiKey: string;
  /** The sender, e.g. `Gatherkit <notifications@example.com>` (a domain verified with Resend). */
  from: string;
  /** Defaults to Resend's API; tests point it at a local stand-in. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now: () => number;
}

const ResendAnswer = z.object({ id: z.string().min(1) });

/**
 * Email through Resend's `POST /emails`. Chosen over SendGrid's v3 mail send and Postmark because
 * it takes an `Idempotency-Key` header: a retry after a crash between the send and its record
 * (same key: the outbox row's id) sends nothing twice, where the others would send it again. It
 * also takes arbitrary headers (RFC 8058's List-Unsubscribe pair) and is plain JSON over fetch.
 */
export function createResendProvider(opts: ResendOptions): EmailProvider {
  const baseUrl = (opts.baseUrl ?? "https://api.resend.com").replace(/\/$/, "");
  const doFetch = opts.fetch ?? fetch;
  return {
    name: "resend",
    idempotent: true,
    async send(message, idempotencyKey) {
      const res = await fetchProvider("resend", doFetch, `${baseUrl}/emails`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${opts.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": idempotencyKey,
        },
        body: JSON.stringify({
          from: opts.from,
          to: [message.to],
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          ...(message.headers && Object.keys(message.headers).length ? { headers: message.headers } : {}),
          ...(message.attachments?.length
            ? { attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, content_type: a.contentType })) }
            : {}),
        }),
      });
      if (!res.ok) throw await providerFailure("resend", res, opts.now());
      const answer = ResendAnswer.safeParse(await res.json().catch(() => null));
      if (!answer.success) throw new Error("resend answered without an email id");
      return { providerMessageId: answer.data.id };
    },
  };
}

/** The three headers Resend signs its webhooks with (Svix's scheme). */
export interface SvixHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** How far a webhook's timestamp may be from our clock: older (or newer) ones are refused as replays. */
export const SVIX_TOLERANCE_MS = 5 * 60_000;

/**
 * Verifies a Resend webhook as Svix signs it: the secret is `whsec_` + base64 key bytes; the
 * signed content is `${svix-id}.${svix-timestamp}.${raw body}`; `svix-signature` holds one or
 * more space-separated `v1,<base64 HMAC-SHA256>` (several while a secret rotates), any of
 * which may match; the timestamp (Unix seconds) must be within five minutes of now.
 */
export async function verifySvix(secret: string, h: SvixHeaders, body: string, now: number): Promise<boolean> {
  if (!h.id || !h.timestamp || !h.signature || !/^\d{1,12}$/.test(h.timestamp)) return false;
  if (Math.abs(now - Number(h.timestamp) * 1000) > SVIX_TOLERANCE_MS) return false;
  let keyBytes: Uint8Array;
  try {
    keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  const key = await crypto.subtle.importKey("raw", keyBytes as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const content = new TextEncoder().encode(`${h.id}.${h.timestamp}.${body}`);
  for (const part of h.signature.split(" ")) {
    const [version, sig] = part.split(",");
    if (version !== "v1" || !sig) continue;
    let sigBytes: Uint8Array;
    try {
      sigBytes = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    } catch {
      continue;
    }
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify("HMAC", key, sigBytes as BufferSource, content as BufferSource)) return true;
  }
  return false;
}
