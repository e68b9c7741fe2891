import { toString as qrToString } from "qrcode";
import type { Config } from "../../lib/types.js";

/**
 * A ticket's QR code carries a signed payload, `GK1:<event id>:<ticket code>:<signature>`: an
 * Ed25519 signature (base64url) over `GK1:<event id>:<ticket code>`. Ed25519 rather than an HMAC so
 * a door scanner can tell a forged or altered code from a real one offline, with the public key
 * alone (each check-in list carries it as `qrPublicKey`); only the API holds the private key. The
 * key pair is derived from JWT_SECRET (nothing stored, the same on every instance and on Workers).
 */
export const QR_PREFIX = "GK1:";

const enc = new TextEncoder();
/** PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_ED25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

interface QrKeys {
  sign: CryptoKey;
  verify: CryptoKey;
  /** The raw public key, base64url. */
  publicKey: string;
}
const keys = new Map<string, Promise<QrKeys>>();

function qrKeys(config: Config): Promise<QrKeys> {
  let k = keys.get(config.jwtSecret);
  if (!k) {
    k = (async () => {
      const hmac = await crypto.subtle.importKey("raw", enc.encode(config.jwtSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const seed = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, enc.encode("ticket-qr-ed25519")));
      const pkcs8 = new Uint8Array([...PKCS8_ED25519, ...seed]);
      const sign = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
      const jwk = (await crypto.subtle.exportKey("jwk", sign)) as JsonWebKey;
      if (!jwk.x) throw new Error("Ed25519 key without its public part");
      const verify = await crypto.subtle.importKey("raw", unb64(jwk.x), { name: "Ed25519" }, false, ["verify"]);
      return { sign, verify, publicKey: jwk.x };
    })();
    keys.set(config.jwtSecret, k);
  }
  return k;
}

/** The key scanners verify QR payloads with (raw Ed25519, base64url). */
export async function qrPublicKey(config: Config): Promise<string> {
  return (await qrKeys(config)).publicKey;
}

/** The signed payload a ticket's QR code carries. */
export async function signedQrPayload(config: Config, eventId: string, code: string): Promise<string> {
  const message = `${QR_PREFIX}${eventId}:${code.replace(/-/g, "")}`;
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, (await qrKeys(config)).sign, enc.encode(message)));
  return `${message}:${b64(sig)}`;
}

/**
 * What a scanned QR payload says, if its signature is ours: the event and the ticket code. Null
 * for anything altered, truncated or signed with another key.
 */
export async function openQrPayload(config: Config, payload: string): Promise<{ eventId: string; code: string } | null> {
  const m = /^GK1:([A-Za-z0-9_]{1,64}):([A-Z0-9]{12}):([A-Za-z0-9_-]{86})$/.exec(payload.trim());
  if (!m) return null;
  const [, eventId, code, sig] = m as unknown as [string, string, string, string];
  const ok = await crypto.subtle.verify(
    { name: "Ed25519" },
    (await qrKeys(config)).verify,
    unb64(sig),
    enc.encode(`${QR_PREFIX}${eventId}:${code}`),
  );
  return ok ? { eventId, code } : null;
}

/** Whether a scanned or typed value is meant as a QR payload (rather than a typed ticket code). */
export const isQrPayload = (value: string) => value.trim().toUpperCase().startsWith(QR_PREFIX);

/**
 * A ticket's QR code as an SVG document (the `qrcode` package's SVG renderer: pure JavaScript, no
 * canvas or PNG encoder, so it runs on Workers as on Node), carrying its signed payload.
 */
export async function ticketQrSvg(config: Config, eventId: string, code: string): Promise<string> {
  return qrToString(await signedQrPayload(config, eventId, code), { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function unb64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
