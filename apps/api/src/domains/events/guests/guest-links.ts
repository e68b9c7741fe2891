import { ApiError } from "../../../lib/errors.js";
import type { Deps } from "../../../lib/types.js";

/**
 * A guest's personal token: `<guest id>.<HMAC-SHA256 over id and token version>` (128 bits, hex).
 * Nothing secret is stored: the organizer's re-send rebuilds the same link, and bumping the guest's
 * `token_version` revokes every link sent before.
 */
const enc = new TextEncoder();

async function hmacKey(deps: Pick<Deps, "config">) {
  // Its own key, derived from the JWT secret, so a guest token's signature is never valid as anything else.
  const material = enc.encode(`gatherkit guest link v1:${deps.config.jwtSecret}`);
  return crypto.subtle.importKey("raw", material as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function signature(deps: Pick<Deps, "config">, guestId: string, version: number): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(deps), enc.encode(`${guestId}:${version}`) as BufferSource));
  return [...sig.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function guestToken(deps: Pick<Deps, "config">, guest: { id: string; tokenVersion: number }): Promise<string> {
  return `${guest.id}.${await signature(deps, guest.id, guest.tokenVersion)}`;
}

export const linkInvalid = () =>
  new ApiError(404, "guest_link_invalid", "This invitation link is not valid for this event (it may have been cut, changed or replaced).");

export const linkRevoked = () =>
  new ApiError(
    410,
    "guest_link_revoked",
    "This invitation link was replaced by the organizer: use the newest invitation you received, or ask the organizer to send it again.",
  );

/** How many replaced links of a guest are still recognised as such (410), not as forged (404). */
const REVOKED_RECOGNISED = 20;

/**
 * Checks `token` against `guest`'s current link: a link the organizer replaced (one of the guest's
 * last 20) answers 410 `guest_link_revoked`, anything else that does not match 404 `guest_link_invalid`.
 */
export async function requireToken(deps: Pick<Deps, "config">, token: string, guest: { id: string; tokenVersion: number }): Promise<void> {
  if (await tokenMatches(deps, token, guest)) return;
  for (let v = guest.tokenVersion - 1; v >= Math.max(0, guest.tokenVersion - REVOKED_RECOGNISED); v--) {
    if (await tokenMatches(deps, token, { id: guest.id, tokenVersion: v })) throw linkRevoked();
  }
  throw linkInvalid();
}

/** The guest id a token names, once its signature is checked against the guest's current token version. */
export function tokenGuestId(token: string): string {
  const [id] = token.split(".");
  if (!id) throw linkInvalid();
  return id;
}

export async function tokenMatches(
  deps: Pick<Deps, "config">,
  token: string,
  guest: { id: string; tokenVersion: number },
): Promise<boolean> {
  const expected = await guestToken(deps, guest);
  if (expected.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}

/** The invitation link: the event's page with `event` and `token` added; null without a page. */
export function invitationLink(invitationUrl: string | null, eventId: string, token: string): string | null {
  if (!invitationUrl) return null;
  const url = new URL(invitationUrl);
  url.searchParams.set("event", eventId);
  url.searchParams.set("token", token);
  return url.toString();
}
