import { z } from "./zod.js";

/** Room kinds map to the objects that have a room. `org` is the organization's own feed. */
export const ROOM_KINDS = ["org", "plan", "event", "premise"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const RoomNameSchema = z
  .string()
  .regex(/^(org|plan|event|premise):[a-z]+_[0-9a-z]{8,40}$/, 'must look like "plan:plan_…" or "org:org_…"')
  .openapi({ example: "org:org_0123456789abcdefghjk" });

export const CreateRoomTokenSchema = z
  .strictObject({ room: RoomNameSchema })
  .openapi("CreateRoomTokenRequest");

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
]);
export type PublishedEvent = z.infer<typeof PublishedEventSchema>;

/** Room → client. `seq` increases by one per published event in a room. */
export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("welcome"), seq: z.number().int(), presence: z.array(PresenceEntrySchema) }),
  z.object({ type: z.literal("event"), seq: z.number().int(), event: PublishedEventSchema }),
  z.object({ type: z.literal("presence"), presence: z.array(PresenceEntrySchema) }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Client → room. Anything else is refused. */
export const ClientMessageSchema = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Claims of a room token (HS256 JWT signed with the API↔room shared secret). */
export interface RoomTokenClaims {
  room: string;
  sub: string;
  name: string;
  org: string;
}

export const ROOM_TOKEN_AUDIENCE = "gatherkit-room";
export const ROOM_TOKEN_ISSUER = "gatherkit-api";
