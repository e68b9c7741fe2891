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
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      form.set(opts.from.startsWith("MG") ? "MessagingServiceSid" : "From", opts.from);
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
