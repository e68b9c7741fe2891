import { PLAN_EVENT_SCHEMAS } from "./plans/events.js";
import { z } from "./zod.js";

/** Room kinds map to the objects that have a room. `org` is the organization's own feed. */
export const ROOM_KINDS = ["org", "plan", "event", "premise"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const RoomNameSchema = z
  .string()
  .regex(/^(org|plan|event|premise):[a-z]+_[0-9a-z]{8,40}$/, 'must look like "plan:plan_…" or "org:org_…"')
  .openapi({ example: "org:org_0123456789abcdefghjk" });

export const CreateRoomTokenSchema = z.strictObject({ room: RoomNameSchema }).openapi("CreateRoomTokenRequest");

export const RoomTokenSchema = z
  .object({
    room: z.string(),
    token: z.string(),
    expiresAt: z.iso.datetime(),
    host: z.string().openapi({ description: "PartyKit host to connect to, e.g. 127.0.0.1:1999." }),
    party: z.string().openapi({ example: "main" }),
  })
  .openapi("RoomToken");
export type RoomToken = z.infer<typeof RoomTokenSchema>;

/** A presence entry: one per connected person (several tabs of the same person collapse). */
export const PresenceEntrySchema = z.object({ id: z.string(), name: z.string() });
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

/**
 * What the API publishes to a room after a write commits. Domains add their variants here,
 * so the room, the SDK and the widgets parse the same union.
 */
export const PublishedEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("organization.updated"), data: z.object({ id: z.string(), name: z.string() }) }),
  z.object({ type: z.literal("member.changed"), data: z.object({ id: z.string() }) }),
  z.object({ type: z.literal("key.changed"), data: z.object({ id: z.string() }) }),
  ...PLAN_EVENT_SCHEMAS,
]);
export type PublishedEvent = z.infer<typeof PublishedEventSchema>;

/** Why a room answered a client message with an `error`. */
export const ROOM_ERROR_CODES = ["message_too_large", "binary_not_supported", "invalid_message", "rate_limited"] as const;
export type RoomErrorCode = (typeof ROOM_ERROR_CODES)[number];

/** Largest client → room message a room accepts, in bytes (UTF-8). */
export const ROOM_MESSAGE_MAX_BYTES = 4096;

/**
 * Room → client. `seq` increases by one per published event in a room; `welcome` carries the
 * room's current `seq`, so a client that reconnects and sees a higher one knows it missed events.
 */
export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("welcome"), seq: z.number().int(), presence: z.array(PresenceEntrySchema) }),
  z.object({ type: z.literal("event"), seq: z.number().int(), event: PublishedEventSchema }),
  z.object({ type: z.literal("presence"), presence: z.array(PresenceEntrySchema) }),
  z.object({ type: z.literal("error"), code: z.enum(ROOM_ERROR_CODES), message: z.string() }),
  z.object({ type: z.literal("pong") }),
  /** Someone else in the room started or stopped typing; `id`/`name` come from their room token. */
  z.object({ type: z.literal("typing"), id: z.string(), name: z.string(), typing: z.boolean() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Client → room. Anything else is refused. */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping") }),
  /** "I am typing" (true) or "I stopped" (false). Never stored; the room adds who it is from. */
  z.strictObject({ type: z.literal("typing"), typing: z.boolean() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Claims of a room token (HS256 JWT signed with the API↔room shared secret). */
export const RoomTokenClaimsSchema = z.object({
  room: RoomNameSchema,
  sub: z.string().min(1).max(200),
  name: z.string().max(200),
  org: z.string().min(1),
});
export type RoomTokenClaims = z.infer<typeof RoomTokenClaimsSchema>;

export const ROOM_TOKEN_AUDIENCE = "gatherkit-room";
export const ROOM_TOKEN_ISSUER = "gatherkit-api";

/**
 * The API → room publish request: `POST /parties/main/<room>` with this JSON body and
 * `Authorization: Bearer <signPublishBody(secret, rawBody)>`. The room name and `sentAt` sit
 * inside the signed body, so a captured request cannot be replayed to another room or after
 * PUBLISH_MAX_AGE_MS; `id` (the outbox row id) lets the room drop a retried delivery it already
 * broadcast.
 */
export const PublishRequestSchema = z.strictObject({
  id: z.string().min(1).max(64),
  room: RoomNameSchema,
  sentAt: z.number().int().nonnegative(),
  event: PublishedEventSchema,
});
export type PublishRequest = z.infer<typeof PublishRequestSchema>;

/** The room's 202 answer to a publish: the event's `seq`, and whether `id` had been seen before. */
export const PublishAcceptedSchema = z.object({ seq: z.number().int(), duplicate: z.boolean() });
export type PublishAccepted = z.infer<typeof PublishAcceptedSchema>;

/** How far a publish request's `sentAt` may be from the room's clock. */
export const PUBLISH_MAX_AGE_MS = 5 * 60 * 1000;

const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let k = hmacKeys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    hmacKeys.set(secret, k);
  }
  return k;
}

/** HMAC-SHA256 of the raw request body with the API↔room shared secret, as lower-case hex. */
export async function signPublishBody(secret: string, body: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(body)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** Checks a publish signature in constant time (WebCrypto's verify). */
export async function verifyPublishSignature(secret: string, body: string, signatureHex: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(signatureHex)) return false;
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = Number.parseInt(signatureHex.slice(i * 2, i * 2 + 2), 16);
  return crypto.subtle.verify("HMAC", await hmacKey(secret), mac, new TextEncoder().encode(body));
}
