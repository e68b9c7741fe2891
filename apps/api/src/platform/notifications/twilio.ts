import { z } from "@gatherkit/core";
import { fetchProvider, providerFailure, type SmsProvider } from "./providers.js";

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or, instead, a Messaging Service sid (`MG…`). */
  from: string;
  /** Defaults to Twilio's API; tests point it at a local stand-in. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now: () => number;
  /** Where Twilio posts each message's status (`StatusCallback`), signed with the auth token. */
  statusCallback?: string;
}

const TwilioAnswer = z.object({ sid: z.string().min(1) });

/**
 * SMS through Twilio's Messages REST API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form
 * encoded, basic auth) over fetch: the `twilio` SDK needs Node's http/crypto and does not run on
 * Workers, and one POST is all we use. Twilio takes no idempotency key, hence `idempotent: false`.
 */
export function createTwilioProvider(opts: TwilioOptions): SmsProvider {
  const baseUrl = (opts.baseUrl ?? "https://api.twilio.com").replace(/\/$/, "");
  const doFetch = opts.fetch ?? fetch;
  const auth = `Basic ${btoa(`${opts.accountSid}:${opts.authToken}`)}`;
  return {
    name: "twilio",
    idempotent: false,
    verifyStatusCallback: (url, params, signature) => verifyTwilioSignature(opts.authToken, url, params, signature),
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      form.set(opts.from.startsWith("MG") ? "MessagingServiceSid" : "From", opts.from);
      if (opts.statusCallback) form.set("StatusCallback", opts.statusCallback);
      const res = await fetchProvider(
        "twilio",
        doFetch,
        `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`,
        {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        },
      );
      if (!res.ok) throw await providerFailure("twilio", res, opts.now());
      const answer = TwilioAnswer.safeParse(await res.json().catch(() => null));
      if (!answer.success) throw new Error("twilio answered without a message sid");
      return { providerMessageId: answer.data.sid };
    },
  };
}

/**
 * Twilio's request signature (`X-Twilio-Signature`): base64 of HMAC-SHA1, keyed with the auth
 * token, over the full URL Twilio called followed by each POST parameter's name and value, sorted
 * by name.
 */
export async function twilioSignature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  const data =
    url +
    [...params.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => k + v)
      .join("");
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(authToken) as BufferSource, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(data) as BufferSource));
  return btoa(String.fromCharCode(...mac));
}

/** Whether `signature` is Twilio's for this request (compared in constant time). */
export async function verifyTwilioSignature(authToken: string, url: string, params: URLSearchParams, signature: string): Promise<boolean> {
  const expected = await twilioSignature(authToken, url, params);
  if (expected.length !== signature.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signature.charCodeAt(i);
  return diff === 0;
}
