import type { Config } from "../../lib/types.js";
import { hmacSha256 } from "../../platform/hmac.js";

/**
 * The buyer's key to their own order (pretix's order secret): an HMAC of the order id under a key
 * derived from JWT_SECRET, so nothing is stored and the confirmation email, written when the
 * payment arrives, can carry the same link the checkout answered with. 256 bits, base64url.
 */
type Purpose = "order-buyer-access" | "waitlist-leave";

async function mac(config: Config, purpose: Purpose, id: string): Promise<string> {
  const bytes = await hmacSha256(`${purpose}:${config.jwtSecret}`, id);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function macMatches(config: Config, purpose: Purpose, id: string, token: string): Promise<boolean> {
  const want = await mac(config, purpose, id);
  if (want.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

export const buyerToken = (config: Config, orderId: string): Promise<string> => mac(config, "order-buyer-access", orderId);

/** Whether `token` is the buyer token of `orderId` (compared in constant time). */
export const isBuyerToken = (config: Config, orderId: string, token: string): Promise<boolean> =>
  macMatches(config, "order-buyer-access", orderId, token);

/** A waiting-list entrant's key to leave it: the same construction under its own key, so neither token opens the other. */
export const leaveToken = (config: Config, entryId: string): Promise<string> => mac(config, "waitlist-leave", entryId);
export const isLeaveToken = (config: Config, entryId: string, token: string): Promise<boolean> =>
  macMatches(config, "waitlist-leave", entryId, token);

/** Where the buyer reads the order, and each ticket's QR code, without a credential. */
export const buyerOrderUrl = (config: Config, orderId: string, token: string) =>
  `${config.publicUrl.replace(/\/+$/, "")}/v1/buyer/orders/${orderId}?token=${token}`;
export const ticketQrUrl = (config: Config, ticketId: string, token: string) =>
  `${config.publicUrl.replace(/\/+$/, "")}/v1/buyer/tickets/${ticketId}/qr?token=${token}`;
