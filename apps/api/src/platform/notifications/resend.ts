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
