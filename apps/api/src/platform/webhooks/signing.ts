import { randomToken } from "@gatherkit/core";

/**
 * Webhook signatures, as Stripe's: `Gatherkit-Signature: t=<unix seconds>,v1=<hex>` where the
 * hex is HMAC-SHA256(secret, `${t}.${body}`); during a rotation's overlap one `v1=` per live
 * secret. Secrets are stored encrypted (AES-GCM, a key derived from JWT_SECRET), since signing
 * needs them in clear.
 */

const enc = new TextEncoder();
export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` and 160 random bits. */
export const newWebhookSecret = () => `${WEBHOOK_SECRET_PREFIX}${randomToken(32)}`;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(message)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The `Gatherkit-Signature` header for `body` sent at `timestampSeconds`, one `v1` per secret. */
export async function signatureHeader(secrets: string[], timestampSeconds: number, body: string): Promise<string> {
  const sigs = await Promise.all(secrets.map((s) => hmacHex(s, `${timestampSeconds}.${body}`)));
  return [`t=${timestampSeconds}`, ...sigs.map((v) => `v1=${v}`)].join(",");
}

const keys = new Map<string, Promise<CryptoKey>>();
function storageKey(jwtSecret: string): Promise<CryptoKey> {
  let k = keys.get(jwtSecret);
  if (!k) {
    k = (async () => {
      const base = await crypto.subtle.importKey("raw", enc.encode(jwtSecret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode("gatherkit webhook endpoint secrets v1") },
        base,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(jwtSecret, k);
  }
  return k;
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Encrypts a signing secret for storage: `v1.<iv>.<ciphertext>`, base64. */
export async function sealSecret(jwtSecret: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await storageKey(jwtSecret), enc.encode(secret)));
  return `v1.${b64(iv)}.${b64(ct)}`;
}

export async function openSecret(jwtSecret: string, sealed: string): Promise<string> {
  const [v, iv, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !ct) throw new Error("unreadable webhook secret");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv) }, await storageKey(jwtSecret), unb64(ct));
  return new TextDecoder().decode(pt);
}
