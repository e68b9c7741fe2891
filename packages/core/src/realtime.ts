import { EVENT_MESSAGE_SCHEMAS } from "./events/messages.js";
import { PLACE_EVENT_SCHEMAS } from "./places/events.js";
import { PLAN_EVENT_SCHEMAS } from "./plans/events.js";
import { z } from "./zod.js";

/** Room kinds map to the objects that have a room. `org` is the organization's own feed. */
/** `person:<ptc_… or usr_…>` is one person's own room (their inbox), joinable only by that person. */
export const ROOM_KINDS = ["org", "plan", "event", "place", "person"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const RoomNameSchema = z
  .string()
  .regex(/^(org|plan|event|place|person):[a-z]+_[0-9a-z]{8,40}$/, 'must look like "plan:plan_…" or "org:org_…"')
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

/** The rooms whose messages the API echoes (coalesced) to their organization's room as `organization.activity`. */
export const ACTIVITY_ROOM_KINDS = ["plan", "event", "place"] as const;
/** Messages that move none of the organization's figures (chat), so they are not echoed. */
export const QUIET_MESSAGE_TYPES: ReadonlySet<string> = new Set(["plan.message_changed"]);

/**
 * What the API publishes to a room after a write commits. Domains add their variants here,
 * so the room, the SDK and the widgets parse the same union.
 */
export const PublishedEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("organization.updated"), data: z.object({ id: z.string(), name: z.string() }) }),
  z.object({ type: z.literal("member.changed"), data: z.object({ id: z.string() }) }),
  z.object({ type: z.literal("key.changed"), data: z.object({ id: z.string() }) }),
  /** To a person's room (`id`: the person): their inbox changed (a new item, or items read); refetch the unread count. */
  z.object({ type: z.literal("inbox.changed"), data: z.object({ id: z.string() }) }),
  /**
   * To the organization's room: some of its plans, events or places changed (their rooms got
   * messages; which ones is not said), at most once per delivery pass. The dashboard's overview
   * refetches its figures. No id, no data.
   */
  z.object({ type: z.literal("organization.activity"), data: z.object({ rooms: z.array(z.enum(ACTIVITY_ROOM_KINDS)) }) }),
  ...PLAN_EVENT_SCHEMAS,
  ...EVENT_MESSAGE_SCHEMAS,
  ...PLACE_EVENT_SCHEMAS,
]);
export type PublishedEvent = z.infer<typeof PublishedEventSchema>;

/** Why a room answered a client message with an `error`. */
export const ROOM_ERROR_CODES = ["message_too_large", "binary_not_supported", "invalid_message", "rate_limited"] as const;
export type RoomErrorCode = (typeof ROOM_ERROR_CODES)[number];

/** Largest client → room message a room accepts, in bytes (UTF-8). */
export const ROOM_MESSAGE_MAX_BYTES = 4096;

/**
 * Close codes a room ends a connection with (4xxx: application codes, never sent by browsers).
 * `ROOM_CLOSE_REVOKED` is final: the person lost access, and a client must not reconnect.
 * `ROOM_CLOSE_TOKEN_EXPIRED` is not: reconnect with a fresh room token (which the API refuses
 * to someone who lost access). The SDK keeps its own copies of these numbers (it loads nothing
 * from this module at run time); a test checks they agree.
 */
export const ROOM_CLOSE_REVOKED = 4403;
export const ROOM_CLOSE_TOKEN_EXPIRED = 4401;

/**
 * Room → client. `seq` increases by one per published event in a room; `welcome` carries the
 * room's current `seq`, so a client that reconnects and sees a higher one knows it missed events.
 * `welcome.idleMs` is how long ago (in milliseconds, measured on the room's clock, so no clock
 * skew) the room last broadcast an event, or null if it never did: a client that loaded over REST
 * before connecting compares it with how long ago its load began to know whether it missed one.
 * `revoked` is the last thing a person who lost access receives before the room closes their
 * connection with ROOM_CLOSE_REVOKED; `reconnect` comes before a close a client should answer
 * by connecting again at once with a fresh token (its token expired: ROOM_CLOSE_TOKEN_EXPIRED),
 * without waiting for the end of the closing handshake.
 */
export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    seq: z.number().int(),
    presence: z.array(PresenceEntrySchema),
    idleMs: z.number().int().nonnegative().nullable(),
  }),
  z.object({ type: z.literal("event"), seq: z.number().int(), event: PublishedEventSchema }),
  /** The whole list; rooms now send it only in `welcome` (kept for clients of older rooms). */
  z.object({ type: z.literal("presence"), presence: z.array(PresenceEntrySchema) }),
  /**
   * Who came (`joined`, people not there before) and who went (`left`, by `id`) since the last
   * presence the connection got: apply it to that list. Keeps a join O(people) for the room.
   */
  z.object({ type: z.literal("presence_delta"), joined: z.array(PresenceEntrySchema), left: z.array(z.string()) }),
  z.object({ type: z.literal("error"), code: z.enum(ROOM_ERROR_CODES), message: z.string() }),
  z.object({ type: z.literal("pong") }),
  /** Someone else in the room started or stopped typing; `id`/`name` come from their room token. */
  z.object({ type: z.literal("typing"), id: z.string(), name: z.string(), typing: z.boolean() }),
  /** This connection's person lost access to the room; the room closes the connection next. */
  z.object({ type: z.literal("revoked"), message: z.string() }),
  /** The room is closing this connection; connect again with a fresh room token. */
  z.object({ type: z.literal("reconnect"), reason: z.enum(["token_expired"]) }),
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

/** Most room-token subjects one publish may disconnect. */
export const PUBLISH_DISCONNECT_MAX = 100;

/**
 * The API → room publish request: `POST /parties/main/<room>` with this JSON body and
 * `Authorization: Bearer <signPublishBody(secret, rawBody)>`. The room name and `sentAt` sit
 * inside the signed body, so a captured request cannot be replayed to another room or after
 * PUBLISH_MAX_AGE_MS; `id` (the outbox row id) lets the room drop a retried delivery it already
 * broadcast within the last PUBLISH_MAX_AGE_MS.
 *
 * `order` (the outbox sequence) rises strictly, per room, in delivery order: the room keeps the
 * highest it broadcast in its storage and answers any publish at or below it as a duplicate,
 * however late the retry comes. `disconnect` lists room-token subjects (`sub`) who lost access:
 * once the event is broadcast to everyone else, their connections get a `revoked` message and
 * are closed with ROOM_CLOSE_REVOKED; they receive neither this event nor any later one.
 */
export const PublishRequestSchema = z.strictObject({
  id: z.string().min(1).max(64),
  room: RoomNameSchema,
  sentAt: z.number().int().nonnegative(),
  event: PublishedEventSchema,
  order: z.number().int().nonnegative().optional(),
  disconnect: z.array(RoomTokenClaimsSchema.shape.sub).max(PUBLISH_DISCONNECT_MAX).optional(),
});
export type PublishRequest = z.infer<typeof PublishRequestSchema>;

/**
 * The room's 202 answer to a publish: whether it was a repeat (`id` seen within
 * PUBLISH_MAX_AGE_MS, or `order` at or below the highest broadcast), and the event's `seq` — for
 * a repeat known only by its `order`, the room's current `seq` (the event was at or before it).
 */
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
