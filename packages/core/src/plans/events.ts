import { idSchema } from "../ids.js";
import { z } from "../zod.js";
import { ChatMessageSchema } from "./schemas/chat.js";
import { PaymentSchema } from "./schemas/costs.js";
import { PlanRoleSchema, PlanSchema } from "./schemas/plans.js";
import { PROPOSAL_VIEWER_FIELDS, ProposalSchema, TallySchema } from "./schemas/proposals.js";

const planId = idSchema("plan");

/**
 * What the API publishes to a plan's room (`plan:<id>`) after a write commits. Each carries
 * enough to update a view in place; clients that missed a `seq` refetch. Nothing here reveals
 * more than the plan's readers may see: participant emails are left out, and a tally respects
 * "hide votes until the deadline" (the API computes it as for a participant).
 */
export const PLAN_EVENT_SCHEMAS = [
  z.object({ type: z.literal("plan.updated"), data: z.object({ plan: PlanSchema }) }),
  z.object({
    type: z.literal("plan.participant_changed"),
    data: z.object({
      planId,
      participantId: idSchema("participant"),
      name: z.string(),
      role: PlanRoleSchema,
      removed: z.boolean(),
    }),
  }),
  // Without the caller-specific fields (myVote, committed): the room sends the same to everyone.
  z.object({ type: z.literal("plan.proposal_changed"), data: z.object({ proposal: ProposalSchema.omit(PROPOSAL_VIEWER_FIELDS) }) }),
  z.object({ type: z.literal("plan.tally_changed"), data: z.object({ planId, tally: TallySchema }) }),
  z.object({
    type: z.literal("plan.finalized"),
    data: z.object({ planId, selectedProposalIds: z.array(idSchema("proposal")) }),
  }),
  z.object({
    type: z.literal("plan.expense_changed"),
    data: z.object({ planId, expenseId: idSchema("expense"), deleted: z.boolean() }),
  }),
  z.object({ type: z.literal("plan.payment_changed"), data: z.object({ payment: PaymentSchema }) }),
  z.object({
    type: z.literal("plan.message_changed"),
    data: z.object({ change: z.enum(["created", "edited", "deleted", "hidden", "unhidden"]), message: ChatMessageSchema }),
  }),
] as const;

export type PlanEventType = (typeof PLAN_EVENT_SCHEMAS)[number]["shape"]["type"]["value"];
