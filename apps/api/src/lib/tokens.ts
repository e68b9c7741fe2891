import { ROOM_TOKEN_AUDIENCE, ROOM_TOKEN_ISSUER, type Role, type RoomTokenClaims } from "@gatherkit/core";
import { errors, jwtVerify, SignJWT } from "jose";
import { ApiError } from "./errors.js";
import type { Config } from "./types.js";

const API_AUDIENCE = "gatherkit-api";
const ALG = "HS256";
/** Participant tokens carry this prefix so a reader (and the auth middleware) can tell them apart. */
export const PARTICIPANT_TOKEN_PREFIX = "gk_pt_";

const keyCache = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let k = keyCache.get(secret);
  if (!k) {
    k = new TextEncoder().encode(secret);
    keyCache.set(secret, k);
  }
  return k;
}

export interface AccessClaims {
  typ: "access";
  sub: string;
  org: string;
  role: Role;
}
export interface ParticipantClaims {
  typ: "participant";
  sub: string;
  org: string;
  name: string;
}

async function sign(config: Config, claims: Record<string, unknown>, ttlSeconds: number, now: number) {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: ALG })
    .setIssuer(config.issuer)
    .setAudience(API_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key(config.jwtSecret));
  return { jwt, expiresAt: new Date(exp * 1000) };
}

export function signAccessToken(config: Config, c: Omit<AccessClaims, "typ">, now: number) {
  return sign(config, { typ: "access", ...c }, config.accessTokenTtlSeconds, now);
}

export async function signParticipantToken(config: Config, c: Omit<ParticipantClaims, "typ">, ttlSeconds: number, now: number) {
  const { jwt, expiresAt } = await sign(config, { typ: "participant", ...c }, ttlSeconds, now);
  return { token: PARTICIPANT_TOKEN_PREFIX + jwt, expiresAt };
}

/** Verifies an access or participant token: algorithm pinned, `iss`, `aud` and `exp` checked. */
export async function verifyApiToken(config: Config, token: string): Promise<AccessClaims | ParticipantClaims> {
  const jwt = token.startsWith(PARTICIPANT_TOKEN_PREFIX) ? token.slice(PARTICIPANT_TOKEN_PREFIX.length) : token;
  try {
    const { payload } = await jwtVerify(jwt, key(config.jwtSecret), {
      algorithms: [ALG],
      issuer: config.issuer,
      audience: API_AUDIENCE,
      requiredClaims: ["exp", "sub"],
    });
    const typ = payload.typ;
    if (typ === "participant" && token.startsWith(PARTICIPANT_TOKEN_PREFIX)) return payload as unknown as ParticipantClaims;
    if (typ === "access" && !token.startsWith(PARTICIPANT_TOKEN_PREFIX)) return payload as unknown as AccessClaims;
    throw new ApiError(401, "invalid_token", "The bearer token is not an access or participant token.");
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired) throw new ApiError(401, "token_expired", "The token has expired. Get a new one.");
    throw new ApiError(401, "invalid_token", "The bearer token is invalid.");
  }
}

/** Room tokens are verified by the PartyKit room with the same shared secret. */
export function signRoomToken(config: Config, claims: RoomTokenClaims, now: number) {
  const iat = Math.floor(now / 1000);
  const exp = iat + config.roomTokenTtlSeconds;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALG })
    .setIssuer(ROOM_TOKEN_ISSUER)
    .setAudience(ROOM_TOKEN_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key(config.realtimeSecret))
    .then((jwt) => ({ jwt, expiresAt: new Date(exp * 1000) }));
}
