import { ApiError } from "../../lib/errors.js";
import type { CalendarsConfig } from "../../lib/types.js";

/**
 * OAuth secrets at rest (access and refresh tokens, PKCE verifiers, an organization's client
 * secret): AES-256-GCM through WebCrypto (Node and Workers alike) under CALENDAR_TOKEN_KEY.
 * A ciphertext is `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url), so a key can be rotated: the
 * current key encrypts, any listed key decrypts what it encrypted. The additional data binds a
 * ciphertext to its row and column (`aad`), so one row's token copied into another does not decrypt.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

function importKey(b64: string): Promise<CryptoKey> {
  let key = keyCache.get(b64);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
      "AES-GCM",
      false,
      ["encrypt", "decrypt"],
    );
    keyCache.set(b64, key);
  }
  return key;
}

/** The configured keys, or 503 `calendars_not_configured`. */
export function tokenKeys(config: CalendarsConfig): NonNullable<CalendarsConfig["tokenKeys"]> {
  if (!config.tokenKeys) {
    throw new ApiError(503, "calendars_not_configured", "Calendar connections are not configured on this server (CALENDAR_TOKEN_KEY).");
  }
  return config.tokenKeys;
}

export async function sealSecret(config: CalendarsConfig, plaintext: string, aad: string): Promise<string> {
  const keys = tokenKeys(config);
  const key = await importKey(keys.keys[keys.currentKeyId] as string);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(aad) }, key, enc.encode(plaintext));
  return `v1.${keys.currentKeyId}.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}

/**
 * A sealed secret this server cannot open: sealed with a key no longer in CALENDAR_TOKEN_KEY (a
 * retired key), or not authentic. Callers turn it into a 4xx and mark what held it unusable.
 */
export class SecretUnreadable extends Error {
  constructor(readonly keyId: string) {
    super(`calendar secret sealed with a key this server does not have (${keyId})`);
    this.name = "SecretUnreadable";
  }
}

/** The plaintext, or throws SecretUnreadable: an unknown (retired) key id or a ciphertext that does not authenticate. */
export async function openSecret(config: CalendarsConfig, sealed: string, aad: string): Promise<string> {
  const keys = tokenKeys(config);
  const [version, keyId, iv, ct] = sealed.split(".");
  const raw = keyId === undefined ? undefined : keys.keys[keyId];
  if (version !== "v1" || !raw || !iv || !ct) throw new SecretUnreadable(keyId ?? "?");
  const key = await importKey(raw);
  try {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64url(iv), additionalData: enc.encode(aad) }, key, fromB64url(ct));
    return dec.decode(pt);
  } catch {
    throw new SecretUnreadable(keyId ?? "?");
  }
}

/** Whether a sealed value was made with a key other than the current one (re-seal it when next written). */
export const sealedWithOldKey = (config: CalendarsConfig, sealed: string) => sealed.split(".")[1] !== config.tokenKeys?.currentKeyId;
