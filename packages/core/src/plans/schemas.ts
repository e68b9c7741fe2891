import { idSchema } from "../ids.js";
import { CurrencySchema, MinorUnitsSchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { TimeZoneSchema } from "../time.js";
import { z } from "../zod.js";

// ---- shared pieces ------------------------------------------------------------------------

const PlanId = idSchema("plan");
const ParticipantId = idSchema("participant");
const ProposalId = idSchema("proposal");
const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const IsoDate = z.iso.date({ message: "must be a date such as 2030-07-01" });
const Title = z.string().trim().min(1).max(200);
const Description = z.string().trim().max(5000);
const Name = z.string().trim().min(1).max(120);
const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "grace@example.com" });
const Link = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2000)
  .openapi({ example: "https://example.com/tour" });
/**
 * `schema` or null. Prefer this to `.nullable()` on a schema registered as an OpenAPI component:
 * zod-to-openapi then makes the component itself nullable, so every other use of it (a request
 * body field, say) would document null as allowed. A union refers to the component unchanged.
 */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
/** A positive amount of minor units. */
const Amount = MinorUnitsSchema.min(1, "must be at least 1 minor unit");

/** Counts of each item in `list`, for "no duplicates" refinements. */
function duplicates(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of list) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}

/**
 * Decimal numbers with at most 4 decimals (percentages, share weights) become exact integers
 * in units of 1/10 000 so sums are checked without floating-point error.
 */
export const DECIMAL_SCALE = 10_000;
export function toScaled(x: number): number | null {
  const scaled = Math.round(x * DECIMAL_SCALE);
  return Math.abs(scaled - x * DECIMAL_SCALE) < 1e-6 ? scaled : null;
}
const Decimal4 = (what: string, min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((x) => toScaled(x) !== null, `${what} may have at most 4 decimals`);

// ---- plans --------------------------------------------------------------------------------

export const PLAN_TYPES = ["trip", "event", "purchase"] as const;
export const PlanTypeSchema = z.enum(PLAN_TYPES).openapi("PlanType", {
  description:
    "`trip`: collaborative, every participant may propose. `event` and `purchase`: organizer-driven, only organizers add proposals; participants join, vote, commit and share the cost.",
});
export type PlanType = z.infer<typeof PlanTypeSchema>;

export const PLAN_STATUSES = ["planning", "finalized", "completed", "cancelled"] as const;
export const PlanStatusSchema = z.enum(PLAN_STATUSES).openapi("PlanStatus", {
  description: "planning → finalized → completed; planning or finalized → cancelled.",
});
export type PlanStatus = z.infer<typeof PlanStatusSchema>;

export const PLAN_ROLES = ["organizer", "participant"] as const;
export const PlanRoleSchema = z.enum(PLAN_ROLES).openapi("PlanRole");
export type PlanRole = z.infer<typeof PlanRoleSchema>;

export const PlanLocationSchema = z
  .object({ name: z.string(), lat: z.number().nullable(), lng: z.number().nullable() })
  .openapi("PlanLocation");
export type PlanLocation = z.infer<typeof PlanLocationSchema>;

export const PlanLocationInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(300).openapi({ example: "Lisbon, Portugal" }),
    lat: z.number().min(-90).max(90).nullish(),
    lng: z.number().min(-180).max(180).nullish(),
  })
  .refine((l) => (l.lat == null) === (l.lng == null), { message: "give both lat and lng, or neither", path: ["lat"] })
  .openapi("PlanLocationInput");

export const PlanSchema = z
  .object({
    id: PlanId,
    type: PlanTypeSchema,
    status: PlanStatusSchema,
    title: z.string(),
    description: z.string(),
    location: orNull(PlanLocationSchema),
    startDate: z.string().nullable().openapi({ example: "2030-07-01", description: "First day, in the plan's time zone." }),
    endDate: z.string().nullable().openapi({ example: "2030-07-07", description: "Last day (inclusive)." }),
    timeZone: z.string().openapi({ example: "Europe/Lisbon" }),
    currency: z.string().openapi({ example: "EUR" }),
    votingDeadline: z.string().nullable().openapi({ description: "Voting closes at this UTC time; null: open until finalized." }),
    hideVotesUntilDeadline: z.boolean(),
    oneYesPerParticipant: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finalizedAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    calendarUrl: z.string().nullable().openapi({
      example: "https://api.gatherkit.dev/v1/plans/plan_0123456789abcdefghjk/calendar.ics?token=…",
      description:
        "iCalendar feed of the plan and its itinerary (selected proposals), to subscribe to in a calendar app. The URL carries its own token (calendar apps cannot send headers): share it only with the plan's readers.",
    }),
  })
  .openapi("Plan");
export type Plan = z.infer<typeof PlanSchema>;

/** The fields whose combination is checked, on create and after an update is merged. */
export interface PlanCrossFields {
  startDate?: string | null;
  endDate?: string | null;
  votingDeadline?: string | null;
  hideVotesUntilDeadline?: boolean;
}

/** Cross-field problems of a plan's dates and voting options (empty when fine). */
export function planFieldIssues(p: PlanCrossFields): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (p.endDate != null && p.startDate === null) issues.push({ path: "endDate", message: "an end date needs a start date" });
  if (p.startDate != null && p.endDate != null && p.endDate < p.startDate) {
    issues.push({ path: "endDate", message: "must be on or after startDate" });
  }
  if (p.hideVotesUntilDeadline === true && p.votingDeadline === null) {
    issues.push({ path: "hideVotesUntilDeadline", message: "hiding votes until the deadline needs a votingDeadline" });
  }
  return issues;
}

const planSettings = {
  title: Title.openapi({ example: "Lisbon long weekend" }),
  description: Description,
  location: PlanLocationInputSchema,
  startDate: IsoDate,
  endDate: IsoDate,
  timeZone: TimeZoneSchema,
  votingDeadline: Instant,
  hideVotesUntilDeadline: z.boolean(),
  oneYesPerParticipant: z.boolean(),
};

export const CreatePlanSchema = z
  .strictObject({
    type: PlanTypeSchema,
    title: planSettings.title,
    description: planSettings.description.default(""),
    location: planSettings.location.optional(),
    startDate: planSettings.startDate.optional(),
    endDate: planSettings.endDate.optional(),
    timeZone: planSettings.timeZone,
    currency: CurrencySchema,
    votingDeadline: planSettings.votingDeadline.optional(),
    hideVotesUntilDeadline: planSettings.hideVotesUntilDeadline
      .default(false)
      .openapi({ description: "Tallies show only the number of votes until the deadline passes." }),
    oneYesPerParticipant: planSettings.oneYesPerParticipant
      .default(false)
      .openapi({ description: "Each participant may vote `yes` on one proposal only." }),
    organizerParticipantId: ParticipantId.optional().openapi({
      description:
        "With a secret key or an organizer session: make this participant (of your organization) the plan's organizer. A participant creating a plan becomes its organizer.",
    }),
  })
  .superRefine((p, ctx) => {
    const issues = planFieldIssues({
      startDate: p.startDate ?? null,
      endDate: p.endDate ?? null,
      votingDeadline: p.votingDeadline ?? null,
      hideVotesUntilDeadline: p.hideVotesUntilDeadline,
    });
    for (const i of issues) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("CreatePlanRequest");
export type CreatePlanInput = z.input<typeof CreatePlanSchema>;
export type CreatePlan = z.output<typeof CreatePlanSchema>;

/**
 * A partial update; `null` clears an optional field. Type and currency are fixed at creation
 * (money already recorded is in that currency). The API checks the merged plan with
 * `applyPlanUpdate`, since a field left out keeps its stored value.
 */
export const UpdatePlanSchema = z
  .strictObject({
    title: planSettings.title.optional(),
    description: planSettings.description.optional(),
    location: orNull(planSettings.location).optional(),
    startDate: planSettings.startDate.nullable().optional(),
    endDate: planSettings.endDate.nullable().optional(),
    timeZone: planSettings.timeZone.optional(),
    votingDeadline: planSettings.votingDeadline.nullable().optional(),
    hideVotesUntilDeadline: planSettings.hideVotesUntilDeadline.optional(),
    oneYesPerParticipant: planSettings.oneYesPerParticipant.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .superRefine((u, ctx) => {
    // Fields left out are undefined and judged after merging (`applyPlanUpdate`).
    for (const i of planFieldIssues(u)) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("UpdatePlanRequest");
export type UpdatePlanInput = z.input<typeof UpdatePlanSchema>;
export type UpdatePlan = z.output<typeof UpdatePlanSchema>;

// ---- participants and invites -------------------------------------------------------------

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
        "For a personal invite: the page of your site where people join; the email links to it with `invite=<code>` added to its query. Default: the API's invite preview.",
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

export const PlanListQuerySchema = PageQuerySchema.extend({
  status: PlanStatusSchema.optional().openapi({ param: { name: "status", in: "query" }, description: "Only plans with this status." }),
});
export type PlanListQuery = z.output<typeof PlanListQuerySchema>;

export const PlanParticipantListQuerySchema = PageQuerySchema.extend({
  includeRemoved: queryBoolean.default(false).openapi({
    param: { name: "includeRemoved", in: "query" },
    description: "Also list participants who were removed or left (their `removedAt` is set).",
  }),
});
export type PlanParticipantListQuery = z.output<typeof PlanParticipantListQuerySchema>;

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

const proposalFields = {
  title: Title.openapi({ example: "Sunset sailing trip" }),
  description: Description,
  url: Link,
  startsAt: Instant,
  endsAt: Instant,
  cost: ProposalCostSchema,
  capacity: z.number().int().min(1).max(100_000),
  paidByParticipantId: ParticipantId,
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

// ---- costs --------------------------------------------------------------------------------

/**
 * A split that breaks a money rule (exact amounts or percentages that do not add up, someone
 * listed twice) is refused with the stable code `split_mismatch` (422), as `splitAmount` does:
 * the API answers a validation failure whose issues all carry `params.code` with that code.
 */
const splitMismatch = (message: string) => ({ message, params: { code: "split_mismatch" } });

const participantList = <T extends { participantId: string }>(item: z.ZodType<T>) =>
  z
    .array(item)
    .min(1)
    .max(500)
    .refine((l) => duplicates(l.map((x) => x.participantId)).length === 0, splitMismatch("lists a participant twice"));

export const SplitSpecSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("equal"),
      participantIds: z
        .array(ParticipantId)
        .min(1)
        .max(500)
        .refine((l) => duplicates(l).length === 0, splitMismatch("lists a participant twice"))
        .optional()
        .openapi({ description: "Who shares the cost; leave out to split among everyone in the plan." }),
    }),
    z.strictObject({
      mode: z.literal("shares"),
      shares: participantList(
        z.strictObject({
          participantId: ParticipantId,
          shares: Decimal4("shares", 0.0001, 1_000_000).openapi({
            example: 2,
            description: "Relative weight, e.g. 2 for a couple, 0.5 for a child.",
          }),
        }),
      ),
    }),
    z.strictObject({
      mode: z.literal("exact"),
      amounts: participantList(z.strictObject({ participantId: ParticipantId, amount: MinorUnitsSchema })).openapi({
        description: "Must add up to the expense's amount.",
      }),
    }),
    z.strictObject({
      mode: z.literal("percent"),
      percents: participantList(
        z.strictObject({
          participantId: ParticipantId,
          percent: Decimal4("percent", 0, 100).openapi({ example: 25 }),
        }),
      )
        .refine(
          (l) => l.reduce((s, x) => s + (toScaled(x.percent) ?? 0), 0) === 100 * DECIMAL_SCALE,
          splitMismatch("percentages must add up to 100"),
        )
        .openapi({ description: "Must add up to exactly 100 (up to 4 decimals each)." }),
    }),
  ])
  .openapi("SplitSpec", { description: "How an expense is divided. Rounding never loses or invents a cent." });
export type SplitSpec = z.output<typeof SplitSpecSchema>;
export type SplitMode = SplitSpec["mode"];

export const ShareSchema = z
  .object({ participantId: ParticipantId, amount: z.number().int() })
  .openapi("Share", { description: "One participant's part, in minor units." });
export type Share = z.infer<typeof ShareSchema>;

export const ExpenseSchema = z
  .object({
    id: idSchema("expense"),
    planId: PlanId,
    description: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    paidByParticipantId: ParticipantId,
    proposalId: ProposalId.nullable(),
    occurredAt: z.iso.datetime().nullable(),
    split: SplitSpecSchema,
    shares: z.array(ShareSchema),
    recordedByParticipantId: ParticipantId.nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Expense");
export type Expense = z.infer<typeof ExpenseSchema>;

export const CreateExpenseSchema = z
  .strictObject({
    description: Title.openapi({ example: "Taxi from the airport" }),
    amount: Amount,
    currency: CurrencySchema.openapi({ description: "Must be the plan's currency." }),
    paidByParticipantId: ParticipantId.optional().openapi({ description: "Who paid; defaults to the caller." }),
    split: SplitSpecSchema,
    proposalId: ProposalId.optional().openapi({ description: "The proposal this expense pays for, if any." }),
    occurredAt: Instant.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.split.mode !== "exact") return;
    const sum = e.split.amounts.reduce((s, x) => s + x.amount, 0);
    if (sum !== e.amount) {
      ctx.addIssue({
        code: "custom",
        path: ["split", "amounts"],
        ...splitMismatch(`the exact amounts add up to ${sum}, not the expense's ${e.amount}`),
      });
    }
  })
  .openapi("CreateExpenseRequest");
export type CreateExpenseInput = z.input<typeof CreateExpenseSchema>;
export type CreateExpense = z.output<typeof CreateExpenseSchema>;

export const BALANCE_STATUSES = ["settled", "owes", "paid", "owed"] as const;
export const BalanceStatusSchema = z.enum(BALANCE_STATUSES).openapi("BalanceStatus", {
  description:
    "`owes`: still has to pay. `paid`: has paid, waiting for the recipient to confirm. `owed`: others still owe them. `settled`: even.",
});
export type BalanceStatus = z.infer<typeof BalanceStatusSchema>;

export const BalanceSchema = z
  .object({
    participantId: ParticipantId,
    paid: z.number().int().openapi({ description: "Expenses this participant paid for." }),
    share: z.number().int().openapi({ description: "Their part of all expenses." }),
    sent: z.number().int().openapi({ description: "Confirmed payments they sent." }),
    received: z.number().int().openapi({ description: "Confirmed payments they received." }),
    pendingOut: z.number().int().openapi({ description: "Payments they sent that await confirmation." }),
    pendingIn: z.number().int().openapi({ description: "Payments to them that await their confirmation." }),
    net: z.number().int().openapi({ description: "paid − share + sent − received. Positive: the others owe them." }),
    outstanding: z.number().int().openapi({ description: "net once pending payments are confirmed." }),
    status: BalanceStatusSchema,
  })
  .openapi("Balance");
export type Balance = z.infer<typeof BalanceSchema>;

export const SettleUpTransferSchema = z
  .object({ fromParticipantId: ParticipantId, toParticipantId: ParticipantId, amount: z.number().int() })
  .openapi("SettleUpTransfer");
export type SettleUpTransfer = z.infer<typeof SettleUpTransferSchema>;

export const PlanBalancesSchema = z
  .object({
    currency: z.string(),
    balances: z.array(BalanceSchema),
    transfers: z.array(SettleUpTransferSchema).openapi({ description: "Suggested payments that settle everyone up." }),
  })
  .openapi("PlanBalances");
export type PlanBalances = z.infer<typeof PlanBalancesSchema>;

export const PAYMENT_STATUSES = ["pending", "received", "cancelled"] as const;
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES).openapi("PaymentStatus");
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

export const PaymentSchema = z
  .object({
    id: idSchema("payment"),
    planId: PlanId,
    fromParticipantId: ParticipantId,
    toParticipantId: ParticipantId,
    amount: z.number().int(),
    currency: z.string(),
    status: PaymentStatusSchema,
    note: z.string().nullable(),
    recordedByParticipantId: ParticipantId.nullable(),
    createdAt: z.iso.datetime(),
    receivedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
  })
  .openapi("Payment");
export type Payment = z.infer<typeof PaymentSchema>;

export const CreatePaymentSchema = z
  .strictObject({
    fromParticipantId: ParticipantId.optional().openapi({ description: "Who paid; defaults to the caller." }),
    toParticipantId: ParticipantId,
    amount: Amount,
    currency: CurrencySchema.openapi({ description: "Must be the plan's currency." }),
    note: z.string().trim().max(500).optional(),
  })
  .refine((p) => p.fromParticipantId === undefined || p.fromParticipantId !== p.toParticipantId, {
    message: "a payment goes from one participant to another",
    path: ["toParticipantId"],
  })
  .openapi("CreatePaymentRequest", {
    description:
      "Recorded by the sender it waits for the recipient to confirm; recorded by the recipient or an organizer it counts as received.",
  });
export type CreatePaymentInput = z.input<typeof CreatePaymentSchema>;
export type CreatePayment = z.output<typeof CreatePaymentSchema>;

export const UpdatePaymentSchema = z
  .strictObject({
    status: z.enum(["received", "cancelled"]).openapi({
      description: "`received`: the recipient (or an organizer) confirms it. `cancelled`: withdraw a pending payment.",
    }),
  })
  .openapi("UpdatePaymentRequest");
export type UpdatePayment = z.output<typeof UpdatePaymentSchema>;

// ---- chat ---------------------------------------------------------------------------------

export const MAX_MESSAGE_LENGTH = 4000;
const MessageBody = z.string().trim().min(1).max(MAX_MESSAGE_LENGTH);

export const ChatMessageSchema = z
  .object({
    id: idSchema("message"),
    planId: PlanId,
    authorParticipantId: ParticipantId,
    authorName: z.string(),
    body: z.string().nullable().openapi({ description: "null once deleted." }),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi("ChatMessage");
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const CreateChatMessageSchema = z.strictObject({ body: MessageBody }).openapi("CreateChatMessageRequest");
export const UpdateChatMessageSchema = z.strictObject({ body: MessageBody }).openapi("UpdateChatMessageRequest");

// ---- pages --------------------------------------------------------------------------------

export const PlanPageSchema = pageSchema(PlanSchema, "PlanPage");
export const PlanParticipantPageSchema = pageSchema(PlanParticipantSchema, "PlanParticipantPage");
export const InvitePageSchema = pageSchema(InviteSchema, "InvitePage");
export const ProposalPageSchema = pageSchema(ProposalSchema, "ProposalPage");
export const ExpensePageSchema = pageSchema(ExpenseSchema, "ExpensePage");
export const PaymentPageSchema = pageSchema(PaymentSchema, "PaymentPage");
export const ChatMessagePageSchema = pageSchema(ChatMessageSchema, "ChatMessagePage");
