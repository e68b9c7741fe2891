import { QUOTE_VALIDITY_MINUTES, type Window } from "@gatherkit/core";
import { errors, jwtVerify, SignJWT } from "jose";
import { ApiError } from "../../lib/errors.js";
import type { Config } from "../../lib/types.js";

/**
 * Quotes: a price for one window of one place, signed (HS256 with the API's secret, its own
 * audience, so no other token passes for one) and honoured by a booking of that same window
 * until it expires — even if the place's price changed meanwhile.
 */
const AUDIENCE = "gatherkit-place-quote";
const keys = new Map<string, Uint8Array>();
const keyOf = (config: Config) => {
  let k = keys.get(config.jwtSecret);
  if (!k) {
    k = new TextEncoder().encode(`place-quote:${config.jwtSecret}`);
    keys.set(config.jwtSecret, k);
  }
  return k;
};

export interface QuoteClaims {
  placeId: string;
  start: number;
  end: number;
  amount: number;
  currency: string;
}

export async function signQuote(config: Config, q: QuoteClaims, now: number): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = Math.floor(now / 1000) * 1000 + QUOTE_VALIDITY_MINUTES * 60_000;
  const token = await new SignJWT({ ...q })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(config.issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(expiresAt / 1000)
    .sign(keyOf(config));
  return { token, expiresAt };
}

/**
 * The price a quote honours for `w` at `placeId`: 409 `quote_expired` once it ran out, 422
 * `quote_invalid` for a token not made here or made for another place, window or currency.
 */
export async function quotedPrice(
  config: Config,
  token: string,
  placeId: string,
  w: Window,
  currency: string,
  now: number,
): Promise<number> {
  let claims: Partial<QuoteClaims>;
  try {
    const { payload } = await jwtVerify(token, keyOf(config), {
      algorithms: ["HS256"],
      issuer: config.issuer,
      audience: AUDIENCE,
      requiredClaims: ["exp"],
      currentDate: new Date(now),
    });
    claims = payload as Partial<QuoteClaims>;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ApiError(409, "quote_expired", "The quote has expired: ask for a new one.");
    throw new ApiError(422, "quote_invalid", "quote is not a quote of this API.");
  }
  if (
    claims.placeId !== placeId ||
    claims.start !== w.start ||
    claims.end !== w.end ||
    claims.currency !== currency ||
    typeof claims.amount !== "number"
  ) {
    throw new ApiError(422, "quote_invalid", "The quote is for another place, window or currency.");
  }
  return claims.amount;
}
