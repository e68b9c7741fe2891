import { idSchema } from "../../ids.js";
import { PageQuerySchema, pageSchema } from "../../pagination.js";
import { z } from "../../zod.js";
import { PlanRoleSchema } from "./plans.js";
import { orNull, ParticipantId, PlanId } from "./shared.js";

export const PlanParticipantSchema = z
  .object({
    id: idSchema("planParticipant"),
    planId: PlanId,
    participantId: ParticipantId,
    name: z.string(),
    email: z.string().nullable().openapi({ description: "Shown to organizers and to the participant themself only." }),
    role: PlanRoleSchema,
    joinedAt: z.iso.datetime(),
    removedAt: z.iso.datetime().nullable(),
  })
  .openapi("PlanParticipant");
export type PlanParticipant = z.infer<typeof PlanParticipantSchema>;

/** Who the caller is in a plan (`GET /v1/plans/{planId}/me`). */
export const PlanViewerSchema = z
  .object({
    participantId: orNull(ParticipantId).openapi({
      description: "The participant the caller acts as (votes, expenses, chat); null for organization staff without a participant token.",
    }),
    role: orNull(PlanRoleSchema).openapi({
      description: "`organizer` for organization staff; a participant's role in the plan; null when not (or no longer) in it.",
    }),
    staff: z.boolean().openapi({
      description: "True for organization staff (organizer session, secret key), who organize every plan of their organization.",
    }),
  })
  .openapi("PlanViewer");
export type PlanViewer = z.infer<typeof PlanViewerSchema>;

export const UpdatePlanParticipantSchema = z
  .strictObject({ role: PlanRoleSchema.openapi({ description: "`organizer` promotes to co-organizer; `participant` demotes." }) })
  .openapi("UpdatePlanParticipantRequest");

export const AddPlanParticipantSchema = z
  .strictObject({
    participantId: ParticipantId.openapi({ description: "A participant of your organization (POST /v1/participant-tokens creates one)." }),
    role: PlanRoleSchema.default("participant"),
  })
  .openapi("AddPlanParticipantRequest", {
    description: "Adds a participant to the plan directly (or restores one who was removed), without an invite.",
  });
export type AddPlanParticipantInput = z.input<typeof AddPlanParticipantSchema>;

const queryBoolean = z.enum(["true", "false"]).transform((v) => v === "true");

export const PlanParticipantListQuerySchema = PageQuerySchema.extend({
  includeRemoved: queryBoolean.default(false).openapi({
    param: { name: "includeRemoved", in: "query" },
    description: "Also list participants who were removed or left (their `removedAt` is set).",
  }),
});
export type PlanParticipantListQuery = z.output<typeof PlanParticipantListQuerySchema>;

export const PlanParticipantPageSchema = pageSchema(PlanParticipantSchema, "PlanParticipantPage");
