import { idSchema } from "../../ids.js";
import { pageSchema } from "../../pagination.js";
import { z } from "../../zod.js";
import { PlanParticipantSchema } from "./participants.js";
import { PlanLocationSchema, PlanSchema, PlanStatusSchema, PlanTypeSchema } from "./plans.js";
import { Email, Instant, Link, Name, orNull, PlanId } from "./shared.js";

export const INVITE_STATUSES = ["active", "expired", "exhausted", "revoked"] as const;
export const InviteStatusSchema = z.enum(INVITE_STATUSES).openapi("InviteStatus");
export type InviteStatus = z.infer<typeof InviteStatusSchema>;

export const InviteCodeSchema = z
  .string()
  .regex(/^[0-9a-z]{16,40}$/, "must be an invite code from a Gatherkit invite link")
  .openapi({ example: "7m2q9xk4c8vhz1ntb5r3ds" });

export const InviteSchema = z
  .object({
    id: idSchema("invite"),
    planId: PlanId,
    code: InviteCodeSchema,
    email: z.string().nullable().openapi({ description: "Set for a personal invite sent by email." }),
    expiresAt: z.iso.datetime().nullable(),
    maxUses: z.number().int().nullable(),
    uses: z.number().int(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    status: InviteStatusSchema,
  })
  .openapi("Invite");
export type Invite = z.infer<typeof InviteSchema>;

export const MAX_INVITE_USES = 10_000;

export const CreateInviteSchema = z
  .strictObject({
    email: Email.optional().openapi({ description: "Send a personal, single-use invite to this address." }),
    expiresAt: Instant.optional(),
    maxUses: z.number().int().min(1).max(MAX_INVITE_USES).optional(),
    joinUrl: Link.optional().openapi({
      example: "https://host.example/trips/join",
      description:
        "For a personal invite: the page of your site where people join, on an origin one of your publishable keys allows; the email links to it with `invite=<code>` added to its query. Default: the API's invite preview.",
    }),
  })
  .refine((i) => i.email === undefined || i.maxUses === undefined || i.maxUses === 1, {
    message: "a personal invite is single-use: leave maxUses out or set it to 1",
    path: ["maxUses"],
  })
  .refine((i) => i.joinUrl === undefined || i.email !== undefined, {
    message: "joinUrl is where a personal invite's email links to: send it with an email",
    path: ["joinUrl"],
  })
  .openapi("CreateInviteRequest");
export type CreateInviteInput = z.input<typeof CreateInviteSchema>;

export const JoinPlanSchema = z
  .strictObject({
    name: Name.optional().openapi({
      example: "Grace Hopper",
      description: "Your name as the plan shows it. Required unless you join with a participant token (then that participant joins).",
    }),
    email: Email.optional(),
  })
  .openapi("JoinPlanRequest");
export type JoinPlanInput = z.input<typeof JoinPlanSchema>;

export const JoinPlanResultSchema = z
  .object({
    token: z.string().openapi({ description: "Participant token: send it as `Authorization: Bearer …`." }),
    expiresAt: z.iso.datetime(),
    plan: PlanSchema,
    participant: PlanParticipantSchema,
  })
  .openapi("JoinPlanResult");
export type JoinPlanResult = z.infer<typeof JoinPlanResultSchema>;

export const InvitePreviewSchema = z
  .object({
    code: InviteCodeSchema,
    status: InviteStatusSchema.openapi({ description: "Whether the link can still be used to join." }),
    expiresAt: z.iso.datetime().nullable(),
    plan: z.object({
      id: PlanId,
      type: PlanTypeSchema,
      status: PlanStatusSchema,
      title: z.string(),
      description: z.string(),
      startDate: z.string().nullable(),
      endDate: z.string().nullable(),
      timeZone: z.string(),
      location: orNull(PlanLocationSchema),
    }),
    organizerName: z
      .string()
      .nullable()
      .openapi({ description: "The first organizer's name; null when only organization staff organize it." }),
    participantCount: z.number().int(),
  })
  .openapi("InvitePreview", { description: "What an invite link shows before joining." });
export type InvitePreview = z.infer<typeof InvitePreviewSchema>;

export const InvitePageSchema = pageSchema(InviteSchema, "InvitePage");
