import { importJWK, SignJWT } from "jose";
import { DeliveryError } from "../../lib/outbox.js";
import { fetchProvider, providerFailure } from "./providers.js";

/**
 * Web Push with WebCrypto only, so the same code runs on Node and Workers: message encryption
 * per RFC 8291 (aes128gcm, RFC 8188) and VAPID per RFC 8292 (an ES256 JWT signed with jose).
 * The `web-push` package was not used: it needs Node's `crypto` (createECDH) and `https`
 * modules, which Workers do not have.
 */

export interface VapidKeys {
  /** Uncompressed P-256 public key (65 bytes), base64url: what browsers pass as `applicationServerKey`. */
  publicKey: string;
  /** The private scalar d (32 bytes), base64url. */
  privateKey: string;
  /** Who runs this sender, for push services to reach: `mailto:…` or `https://…`. */
  subject: string;
}

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export const b64url = {
  encode(bytes: Uint8Array): string {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(text: string): Uint8Array {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  },
};

const enc = new TextEncoder();
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: info as BufferSource },
      key,
      bytes * 8,
    ),
  );
}

/** A fresh VAPID key pair (the embedded default makes one and keeps it in DATA_DIR). */
export async function generateVapidKeys(subject: string): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { publicKey: b64url.encode(raw), privateKey: jwk.d!, subject };
}

/**
 * `payload` encrypted for one browser subscription (RFC 8291 §3.4): one aes128gcm record whose
 * header carries a random salt and the sender's ephemeral public key.
 */
export async function encryptPushPayload(target: Pick<PushTarget, "p256dh" | "auth">, payload: Uint8Array): Promise<Uint8Array> {
  const uaPublic = b64url.decode(target.p256dh);
  const authSecret = b64url.decode(target.auth);
  const ephemeral = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", ephemeral.publicKey)) as ArrayBuffer);
  const uaKey = await crypto.subtle.importKey("raw", uaPublic as BufferSource, { name: "ECDH", namedCurve: "P-256" }, false, []);
  // Passed as a variable: Workers' types spell the member `$public`, the runtime (like WebCrypto everywhere) reads `public`.
  const ecdh = { name: "ECDH", public: uaKey };
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, ephemeral.privateKey, 256));
  const ikm = await hkdf(authSecret, ecdhSecret, concat(enc.encode("WebPush: info\0"), uaPublic, asPublic), 32);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek as BufferSource, "AES-GCM", false, ["encrypt"]);
  // The last (only) record: the payload, then the 0x02 delimiter, no padding.
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce as BufferSource }, key, concat(payload, new Uint8Array([2])) as BufferSource),
  );
  const header = new Uint8Array(16 + 4 + 1 + asPublic.length);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, 4096);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concat(header, sealed);
}

/** The VAPID `Authorization` header for a push service origin (RFC 8292 §3): `vapid t=<jwt>, k=<public key>`. */
export async function vapidAuthorization(keys: VapidKeys, endpoint: string, now: number): Promise<string> {
  const pub = b64url.decode(keys.publicKey);
  const key = await importJWK(
    { kty: "EC", crv: "P-256", x: b64url.encode(pub.slice(1, 33)), y: b64url.encode(pub.slice(33, 65)), d: keys.privateKey },
    "ES256",
  );
  const jwt = await new SignJWT({ sub: keys.subject })
    .setProtectedHeader({ typ: "JWT", alg: "ES256" })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(now / 1000) + 12 * 3600)
    .sign(key);
  return `vapid t=${jwt}, k=${keys.publicKey}`;
}

/** What happened to one push: sent (with the push service's message location), or the subscription is gone. */
export type PushOutcome = { sent: true; providerMessageId: string } | { sent: false; gone: true; reason: string };

/**
 * Sends one push message. 201 is sent; 404/410 mean the subscription is gone (the caller deletes
 * it); 429/5xx are retried (Retry-After honoured), other 4xx park the message. `topic` lets the
 * push service replace a still-undelivered copy of the same message instead of showing two.
 */
export async function sendWebPush(
  opts: { keys: VapidKeys; fetch?: typeof fetch; now: number; ttlSeconds?: number; topic?: string },
  target: PushTarget,
  payload: unknown,
): Promise<PushOutcome> {
  const body = await encryptPushPayload(target, enc.encode(JSON.stringify(payload)));
  const res = await fetchProvider("push service", opts.fetch ?? fetch, target.endpoint, {
    method: "POST",
    headers: {
      authorization: await vapidAuthorization(opts.keys, target.endpoint, opts.now),
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: String(opts.ttlSeconds ?? 24 * 3600),
      urgency: "normal",
      ...(opts.topic ? { topic: opts.topic } : {}),
    },
    body: body as BodyInit,
  });
  if (res.status === 404 || res.status === 410) return { sent: false, gone: true, reason: `push service answered ${res.status}` };
  if (!res.ok) throw await providerFailure("push service", res, opts.now);
  await res.body?.cancel();
  return { sent: true, providerMessageId: res.headers.get("location") ?? `${res.status}` };
}

/** Throws a permanent DeliveryError unless `p256dh`/`auth` decode to a P-256 point and a 16-byte secret. */
export function checkPushKeys(p256dh: string, auth: string): void {
  let key: Uint8Array;
  let secret: Uint8Array;
  try {
    key = b64url.decode(p256dh);
    secret = b64url.decode(auth);
  } catch {
    throw new DeliveryError("push keys are not base64url", { permanent: true });
  }
  if (key.length !== 65 || key[0] !== 4 || secret.length !== 16)
    throw new DeliveryError("push keys have the wrong length", { permanent: true });
}
