/**
 * Verifying Gatherkit webhooks, in any runtime with WebCrypto (Node 20+, Workers, Deno, Bun,
 * browsers). Its own entry point, `@gatherkit/sdk/webhooks`, so pages that never receive a
 * webhook do not download it; `gk.webhooks.constructEvent` loads it on first use.
 *
 * ```ts
 * import { constructEvent } from "@gatherkit/sdk/webhooks";
 * const event = await constructEvent(await req.text(), req.headers.get("gatherkit-signature"), process.env.GATHERKIT_WEBHOOK_SECRET);
 * ```
 */
import { GatherkitError } from "./errors.js";

/** What every webhook delivery's body holds; `type` says what `data` is (see the API's `webhooks` catalogue). */
export interface WebhookEvent<T extends string = string, D = unknown> {
  id: string;
  object: "event";
  type: T;
  /** Unix seconds. */
  created: number;
  api_version: string;
  data: D;
}

/** The signature is missing, malformed, too old or does not match: answer the request with 400. */
export class WebhookSignatureError extends GatherkitError {
  override name = "WebhookSignatureError";
}

/** Default tolerance between the signature's timestamp and now: 5 minutes, as Stripe's. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const enc = new TextEncoder();

/**
 * Checks the `Gatherkit-Signature` header over the raw `body` (the exact bytes received, before
 * any JSON parsing) with the endpoint's signing secret, and that its timestamp is within
 * `toleranceSeconds` of now (0: no age check); returns the parsed event, or throws
 * `WebhookSignatureError`. During a secret rotation the header has one `v1=` per secret: any
 * one matching is enough. Comparison is constant-time (WebCrypto's verify).
 */
export async function constructEvent<E extends WebhookEvent = WebhookEvent>(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: () => number = Date.now,
): Promise<E> {
  if (!header) throw new WebhookSignatureError("No Gatherkit-Signature header.");
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t") t = v;
    else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) signatures.push(v);
  }
  if (!t || !/^\d+$/.test(t) || signatures.length === 0) {
    throw new WebhookSignatureError("The Gatherkit-Signature header has no timestamp or no v1 signature.");
  }
  if (toleranceSeconds > 0 && Math.abs(now() / 1000 - Number(t)) > toleranceSeconds) {
    throw new WebhookSignatureError("The signature's timestamp is outside the tolerance (a replay, or a clock far off).");
  }
  const raw = typeof body === "string" ? enc.encode(body) : body;
  const signed = new Uint8Array(t.length + 1 + raw.length);
  signed.set(enc.encode(`${t}.`));
  signed.set(raw, t.length + 1);
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  for (const sig of signatures) {
    const mac = new Uint8Array(32);
    for (let i = 0; i < 32; i++) mac[i] = Number.parseInt(sig.slice(i * 2, i * 2 + 2), 16);
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) {
      return JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body)) as E;
    }
  }
  throw new WebhookSignatureError("No signature in the Gatherkit-Signature header matches this secret and body.");
}
