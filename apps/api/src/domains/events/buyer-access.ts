import type { Config } from "../../lib/types.js";

/**
 * The buyer's key to their own order (pretix's order secret): an HMAC of the order id under a key
 * derived from JWT_SECRET, so nothing is stored and the confirmation email, written when the
 * payment arrives, can carry the same link the checkout answered with. 256 bits, base64url.
 */
const keys = new Map<string, Promise<CryptoKey>>();
function keyFor(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", new TextEncoder().encode(`order-buyer-access:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    keys.set(secret, k);
  }
  return k;
}

export async function buyerToken(config: Config, orderId: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(config.jwtSecret), new TextEncoder().encode(orderId)));
  let s = "";
  for (const b of mac) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Whether `token` is the buyer token of `orderId` (compared in constant time). */
export async function isBuyerToken(config: Config, orderId: string, token: string): Promise<boolean> {
  const want = await buyerToken(config, orderId);
  if (want.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

/** Where the buyer reads the order, and each ticket's QR code, without a credential. */
export const buyerOrderUrl = (config: Config, orderId: string, token: string) =>
  `${config.publicUrl.replace(/\/+$/, "")}/v1/buyer/orders/${orderId}?token=${token}`;
export const ticketQrUrl = (config: Config, ticketId: string, token: string) =>
  `${config.publicUrl.replace(/\/+$/, "")}/v1/buyer/tickets/${ticketId}/qr?token=${token}`;
