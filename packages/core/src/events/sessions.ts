import { idSchema } from "../ids.js";
import { text } from "../text.js";
import { z } from "../zod.js";
import { EventId } from "./schemas.js";

/** An event's agenda: sessions with their time, room, track and speakers. */

export const EventSessionId = idSchema("eventSession");

const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const Label = text().trim().min(1).max(120);

export const SpeakerSchema = z
  .strictObject({
    name: Label.openapi({ example: "Grace Hopper" }),
    bio: text().trim().max(2000).default(""),
    photoUrl: text(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
      .max(2000)
      .nullish()
      .transform((v) => v ?? null),
  })
  .openapi("Speaker");

export const EventSessionSchema = z
  .object({
    id: EventSessionId,
    eventId: EventId,
    title: z.string(),
    description: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    room: z.string().nullable(),
    track: z.string().nullable(),
    speakers: z.array(z.object({ name: z.string(), bio: z.string(), photoUrl: z.string().nullable() })),
    capacity: z.number().int().nullable().openapi({ description: "Most guests who may sign up; null: no limit." }),
    signedUp: z.number().int().openapi({ description: "Guests signed up now." }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("EventSession");
export type EventSession = z.infer<typeof EventSessionSchema>;

const sessionFields = {
  title: text().trim().min(1).max(200).openapi({ example: "Opening keynote" }),
  description: text().trim().max(5000),
  startsAt: Instant,
  endsAt: Instant,
  room: Label,
  track: Label,
  speakers: z.array(SpeakerSchema).max(20),
  capacity: z.number().int().min(1).max(100_000).openapi({ description: "Most guests who may sign up; leave out or null for no limit." }),
};
const ordered = (s: { startsAt?: string; endsAt?: string }) =>
  s.startsAt === undefined || s.endsAt === undefined || Date.parse(s.endsAt) > Date.parse(s.startsAt);
const orderedIssue = { message: "must be after startsAt", path: ["endsAt"] };

export const CreateEventSessionSchema = z
  .strictObject({
    title: sessionFields.title,
    description: sessionFields.description.default(""),
    startsAt: sessionFields.startsAt,
    endsAt: sessionFields.endsAt,
    room: sessionFields.room.nullish(),
    track: sessionFields.track.nullish(),
    speakers: sessionFields.speakers.default([]),
    capacity: sessionFields.capacity.nullish().transform((v) => v ?? null),
  })
  .refine(ordered, orderedIssue)
  .openapi("CreateEventSessionRequest");
export type CreateEventSessionInput = z.input<typeof CreateEventSessionSchema>;
export type CreateEventSession = z.output<typeof CreateEventSessionSchema>;

export const UpdateEventSessionSchema = z
  .strictObject({
    title: sessionFields.title.optional(),
    description: sessionFields.description.optional(),
    startsAt: sessionFields.startsAt.optional(),
    endsAt: sessionFields.endsAt.optional(),
    room: sessionFields.room.nullable().optional(),
    track: sessionFields.track.nullable().optional(),
    speakers: sessionFields.speakers.optional(),
    capacity: sessionFields.capacity.nullable().optional(),
  })
  .refine(ordered, orderedIssue)
  .openapi("UpdateEventSessionRequest");
export type UpdateEventSession = z.output<typeof UpdateEventSessionSchema>;

export const EventSessionListSchema = z.object({ data: z.array(EventSessionSchema) }).openapi("EventSessionList");

/** A guest's pick of a session, through their personal link. */
export const SessionPickSchema = z.strictObject({ sessionId: EventSessionId }).openapi("SessionPickRequest");
export type SessionPick = z.output<typeof SessionPickSchema>;

/** A guest's personal agenda: the sessions they picked, in time order. */
export const PersonalAgendaSchema = z.object({ data: z.array(EventSessionSchema) }).openapi("PersonalAgenda");
export type PersonalAgenda = z.infer<typeof PersonalAgendaSchema>;
