/**
 * HMAC-SHA256 for the API's own signed tokens (the local payment provider's checkout tokens, the
 * buyer's order token): WebCrypto on every runtime, each key imported once; on Node, node.ts
 * installs `node:crypto`'s synchronous HMAC instead (`useNativeHmac`). Same bytes either way (see
 * hmac.test.ts). Why: a WebCrypto `sign` is a job on Node's thread pool and a promise per call,
 * about 30 µs of CPU against 6 µs for `createHmac`, and a checkout signs twice. Workers have no
 * `node:crypto` (no nodejs_compat), so they keep WebCrypto.
 */
export type NativeHmac = (key: string, data: string) => Uint8Array;

let native: NativeHmac | undefined;

/** Node: use this synchronous HMAC-SHA256 for every key (node.ts passes `node:crypto`'s). Undefined goes back to WebCrypto. */
export function useNativeHmac(fn: NativeHmac | undefined): void {
  native = fn;
}

const enc = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();
/** The keys are a handful of values derived from the deployment's secrets; this bounds them anyway. */
const MAX_KEYS = 64;

function webKey(key: string): Promise<CryptoKey> {
  let k = keys.get(key);
  if (!k) {
    if (keys.size >= MAX_KEYS) keys.clear();
    k = crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(key, k);
  }
  return k;
}

/** HMAC-SHA256 of `data` (UTF-8) under `key` (UTF-8). */
export async function hmacSha256(key: string, data: string): Promise<Uint8Array> {
  if (native) return native(key, data);
  return new Uint8Array(await crypto.subtle.sign("HMAC", await webKey(key), enc.encode(data)));
}

/** Whether `mac` is the HMAC-SHA256 of `data` under `key`, compared in constant time. */
export async function hmacSha256Matches(key: string, data: string, mac: Uint8Array): Promise<boolean> {
  const want = await hmacSha256(key, data);
  if (want.length !== mac.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= (want[i] ?? 0) ^ (mac[i] ?? 0);
  return diff === 0;
}
