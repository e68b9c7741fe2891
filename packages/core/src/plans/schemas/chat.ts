import { idSchema } from "../../ids.js";
import { pageSchema } from "../../pagination.js";
import { text } from "../../text.js";
import { z } from "../../zod.js";
import { ParticipantId, PlanId } from "./shared.js";

export const MAX_MESSAGE_LENGTH = 4000;
const MessageBody = text().trim().min(1).max(MAX_MESSAGE_LENGTH);

export const ChatMessageSchema = z
  .object({
    id: idSchema("message"),
    planId: PlanId,
    authorParticipantId: ParticipantId,
    authorName: z.string(),
    body: z
      .string()
      .nullable()
      .openapi({ description: "null once deleted (and in the room's `hidden` message, which participants must not read)." }),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    deletedAt: z.iso.datetime().nullable(),
    hiddenAt: z.iso.datetime().nullable().openapi({
      description:
        "Set while an organizer hides the message (moderation). Hidden messages are listed only to organizers and staff; participants do not get them.",
    }),
  })
  .openapi("ChatMessage");
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const CreateChatMessageSchema = z.strictObject({ body: MessageBody }).openapi("CreateChatMessageRequest");
export const UpdateChatMessageSchema = z.strictObject({ body: MessageBody }).openapi("UpdateChatMessageRequest");

export const ChatMessagePageSchema = pageSchema(ChatMessageSchema, "ChatMessagePage");
