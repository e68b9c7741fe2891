import { idSchema } from "../../ids.js";
import { CurrencySchema } from "../../money.js";
import { PageQuerySchema, pageSchema } from "../../pagination.js";
import { ImageRefSchema } from "../../uploads/schemas.js";
import { z } from "../../zod.js";
import { Amount, Description, duplicates, Instant, Link, orNull, ParticipantId, PlanId, ProposalId, Title } from "./shared.js";

// ---- proposals ----------------------------------------------------------------------------

export const PROPOSAL_STATUSES = ["proposed", "selected", "rejected"] as const;
export const ProposalStatusSchema = z.enum(PROPOSAL_STATUSES).openapi("ProposalStatus");
export type ProposalStatus = z.infer<typeof ProposalStatusSchema>;

export const ProposalCostSchema = z
  .strictObject({
    kind: z.enum(["total", "per_person"]).openapi({
      description: "`total`: split evenly among the participants who take it. `per_person`: each of them pays `amount`.",
    }),
    amount: Amount,
    currency: CurrencySchema,
  })
  .openapi("ProposalCost");
export type ProposalCost = z.infer<typeof ProposalCostSchema>;

export const VOTE_VALUES = ["yes", "maybe", "no"] as const;
export const VoteValueSchema = z.enum(VOTE_VALUES).openapi("VoteValue");
export type VoteValue = z.infer<typeof VoteValueSchema>;

export const TallySchema = z
  .object({
    proposalId: ProposalId,
    yes: z.number().int().nullable(),
    maybe: z.number().int().nullable(),
    no: z.number().int().nullable(),
    total: z.number().int().openapi({ description: "Votes cast, always shown." }),
    hidden: z.boolean().openapi({ description: "True while votes are hidden until the deadline: yes/maybe/no are null." }),
  })
  .openapi("Tally");
export type Tally = z.infer<typeof TallySchema>;

export const ProposalSchema = z
  .object({
    id: ProposalId,
    planId: PlanId,
    title: z.string(),
    description: z.string(),
    url: z.string().nullable(),
    imageUrls: z.array(z.string()).openapi({ description: "Its images: uploads' lasting URLs (`/v1/files/…`) or external https URLs." }),
    startsAt: z.iso.datetime().nullable(),
    endsAt: z.iso.datetime().nullable(),
    cost: orNull(ProposalCostSchema),
    capacity: z.number().int().nullable().openapi({ description: "How many participants can take it; null: no limit." }),
    takenCount: z.number().int().openapi({ description: "Participants who committed to it." }),
    paidByParticipantId: ParticipantId.nullable().openapi({
      description: "Who pays the vendor and collects the shares; when set, the selected proposal's cost enters the balances.",
    }),
    status: ProposalStatusSchema,
    createdByParticipantId: ParticipantId.nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    tally: TallySchema.openapi({
      description: "Its votes as the caller may see them: while the plan hides votes until the deadline, participants see only `total`.",
    }),
    myVote: orNull(VoteValueSchema).openapi({
      description:
        "The caller's own vote on it; null when they have not voted (or act as organization staff, who vote through a participant).",
    }),
    committed: z.boolean().openapi({ description: "Whether the caller took a place in it (POST …/commitment)." }),
  })
  .openapi("Proposal");
export type Proposal = z.infer<typeof ProposalSchema>;

/** The caller-specific fields of a proposal, left out of what a plan's room broadcasts. */
export const PROPOSAL_VIEWER_FIELDS = { myVote: true, committed: true } as const;

export const ProposalListQuerySchema = PageQuerySchema.extend({
  status: ProposalStatusSchema.optional().openapi({
    param: { name: "status", in: "query" },
    description: "Only proposals with this status.",
  }),
});
export type ProposalListQuery = z.output<typeof ProposalListQuerySchema>;

/** "ends after it starts", and no end without a start (empty when fine). */
export function timeWindowIssues(startsAt: string | null | undefined, endsAt: string | null | undefined) {
  const issues: { path: string; message: string }[] = [];
  if (endsAt != null && startsAt == null) issues.push({ path: "endsAt", message: "an end time needs a start time" });
  if (startsAt != null && endsAt != null && Date.parse(endsAt) <= Date.parse(startsAt)) {
    issues.push({ path: "endsAt", message: "must be after startsAt" });
  }
  return issues;
}

/** Most images a proposal carries. */
export const PROPOSAL_MAX_IMAGES = 6;

const proposalFields = {
  title: Title.openapi({ example: "Sunset sailing trip" }),
  description: Description,
  url: Link,
  startsAt: Instant,
  endsAt: Instant,
  cost: ProposalCostSchema,
  capacity: z.number().int().min(1).max(100_000),
  paidByParticipantId: ParticipantId,
  imageUrls: z
    .array(ImageRefSchema)
    .max(PROPOSAL_MAX_IMAGES)
    .openapi({
      description: `Up to ${PROPOSAL_MAX_IMAGES} images: completed uploads of the plan's organization (\`file_…\`, each attached to this proposal only) or http(s) URLs.`,
    }),
};

export const CreateProposalSchema = z
  .strictObject({
    title: proposalFields.title,
    description: proposalFields.description.default(""),
    url: proposalFields.url.optional(),
    startsAt: proposalFields.startsAt.optional(),
    endsAt: proposalFields.endsAt.optional(),
    cost: proposalFields.cost.optional(),
    capacity: proposalFields.capacity.optional(),
    paidByParticipantId: proposalFields.paidByParticipantId.optional(),
    imageUrls: proposalFields.imageUrls.optional(),
  })
  .superRefine((p, ctx) => {
    for (const i of timeWindowIssues(p.startsAt, p.endsAt)) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("CreateProposalRequest");
export type CreateProposalInput = z.input<typeof CreateProposalSchema>;
export type CreateProposal = z.output<typeof CreateProposalSchema>;

export const UpdateProposalSchema = z
  .strictObject({
    title: proposalFields.title.optional(),
    description: proposalFields.description.optional(),
    url: proposalFields.url.nullable().optional(),
    startsAt: proposalFields.startsAt.nullable().optional(),
    endsAt: proposalFields.endsAt.nullable().optional(),
    cost: orNull(proposalFields.cost).optional(),
    capacity: proposalFields.capacity.nullable().optional(),
    paidByParticipantId: proposalFields.paidByParticipantId.nullable().optional(),
    imageUrls: proposalFields.imageUrls.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .superRefine((u, ctx) => {
    if (u.startsAt === undefined || u.endsAt === undefined) return; // judged after merging
    for (const i of timeWindowIssues(u.startsAt, u.endsAt)) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("UpdateProposalRequest");
export type UpdateProposalInput = z.input<typeof UpdateProposalSchema>;
export type UpdateProposal = z.output<typeof UpdateProposalSchema>;

// ---- votes --------------------------------------------------------------------------------

export const VoteSchema = z
  .object({
    id: idSchema("vote"),
    planId: PlanId,
    proposalId: ProposalId,
    participantId: ParticipantId,
    value: VoteValueSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Vote");
export type Vote = z.infer<typeof VoteSchema>;

export const CastVoteSchema = z
  .strictObject({ value: VoteValueSchema.openapi({ description: "Casting again replaces your vote on this proposal." }) })
  .openapi("CastVoteRequest");

export const VoteResultSchema = z
  .object({
    vote: VoteSchema,
    tally: TallySchema.openapi({ description: "The proposal's votes right after yours, as you may see them." }),
  })
  .openapi("VoteResult");
export type VoteResult = z.infer<typeof VoteResultSchema>;

export const TallyListSchema = z
  .object({ data: z.array(TallySchema).openapi({ description: "One per proposal of the plan, oldest proposal first." }) })
  .openapi("TallyList");
export type TallyList = z.infer<typeof TallyListSchema>;

export const FinalizeSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("select"),
      proposalIds: z
        .array(ProposalId)
        .min(1)
        .max(500)
        .refine((ids) => duplicates(ids).length === 0, "lists a proposal twice"),
    }),
    z.strictObject({
      mode: z.literal("top_voted"),
      count: z.number().int().min(1).max(500).default(1).openapi({ description: "How many of the top-voted proposals to keep." }),
    }),
  ])
  .openapi("FinalizeRequest", {
    description:
      "Choose the itinerary: the listed proposals, or the `count` proposals ranked highest by votes (yes, then maybe, then fewest no).",
  });
export type FinalizeInput = z.input<typeof FinalizeSchema>;
export type Finalize = z.output<typeof FinalizeSchema>;

export const ProposalPageSchema = pageSchema(ProposalSchema, "ProposalPage");
