import { CurrencySchema } from "../../money.js";
import { PageQuerySchema, pageSchema } from "../../pagination.js";
import { text } from "../../text.js";
import { TimeZoneSchema } from "../../time.js";
import { ImageRefSchema } from "../../uploads/schemas.js";
import { z } from "../../zod.js";
import { Description, Instant, IsoDate, orNull, ParticipantId, PlanId, Title } from "./shared.js";

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
    name: text().trim().min(1).max(300).openapi({ example: "Lisbon, Portugal" }),
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
    imageUrls: z
      .array(z.string())
      .openapi({ description: "Its images, the first its cover: uploads' lasting URLs (`/v1/files/…`) or external https URLs." }),
    location: orNull(PlanLocationSchema),
    startDate: z.string().nullable().openapi({ example: "2030-07-01", description: "First day, in the plan's time zone." }),
    endDate: z.string().nullable().openapi({ example: "2030-07-07", description: "Last day (inclusive)." }),
    timeZone: z.string().openapi({ example: "Europe/Lisbon" }),
    currency: z.string().openapi({ example: "EUR" }),
    votingDeadline: z.string().nullable().openapi({ description: "Voting closes at this UTC time; null: open until finalized." }),
    hideVotesUntilDeadline: z.boolean(),
    oneYesPerParticipant: z.boolean(),
    notifyParticipants: z.boolean().openapi({
      description:
        "Participants are told (inbox, email, push, as each prefers) when the plan is finalized or cancelled, and an hour before voting closes.",
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finalizedAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    calendarUrl: z.string().nullable().openapi({
      example: "https://api.gatherkit.dev/v1/plans/plan_0123456789abcdefghjk/calendar.ics?token=…",
      description:
        "Your own iCalendar feed of the plan and its itinerary (selected proposals), to subscribe to in a calendar app. The URL carries its own token (calendar apps cannot send headers): each participant has their own, which stops working when they leave or are removed; organization staff get the plan's. Null in realtime messages: fetch the plan for it.",
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

/** Most images a plan carries (its cover and files). */
export const PLAN_MAX_IMAGES = 10;

const planSettings = {
  title: Title.openapi({ example: "Lisbon long weekend" }),
  description: Description,
  imageUrls: z
    .array(ImageRefSchema)
    .max(PLAN_MAX_IMAGES)
    .openapi({
      description: `Up to ${PLAN_MAX_IMAGES} images, the first its cover: completed uploads of the organization (\`file_…\`, each attached to this plan only) or http(s) URLs. On update the list replaces the previous one; uploads left out are detached.`,
    }),
  location: PlanLocationInputSchema,
  startDate: IsoDate,
  endDate: IsoDate,
  timeZone: TimeZoneSchema,
  votingDeadline: Instant,
  hideVotesUntilDeadline: z.boolean(),
  oneYesPerParticipant: z.boolean(),
  notifyParticipants: z.boolean(),
};

export const CreatePlanSchema = z
  .strictObject({
    type: PlanTypeSchema,
    title: planSettings.title,
    description: planSettings.description.default(""),
    imageUrls: planSettings.imageUrls.optional(),
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
    notifyParticipants: planSettings.notifyParticipants.default(false).openapi({
      description:
        "Tell participants (inbox, email, push, as each prefers) when the plan is finalized or cancelled, and an hour before voting closes.",
    }),
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
    imageUrls: planSettings.imageUrls.optional(),
    location: orNull(planSettings.location).optional(),
    startDate: planSettings.startDate.nullable().optional(),
    endDate: planSettings.endDate.nullable().optional(),
    timeZone: planSettings.timeZone.optional(),
    votingDeadline: planSettings.votingDeadline.nullable().optional(),
    hideVotesUntilDeadline: planSettings.hideVotesUntilDeadline.optional(),
    oneYesPerParticipant: planSettings.oneYesPerParticipant.optional(),
    notifyParticipants: planSettings.notifyParticipants.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .superRefine((u, ctx) => {
    // Fields left out are undefined and judged after merging (`applyPlanUpdate`).
    for (const i of planFieldIssues(u)) ctx.addIssue({ code: "custom", message: i.message, path: [i.path] });
  })
  .openapi("UpdatePlanRequest");
export type UpdatePlanInput = z.input<typeof UpdatePlanSchema>;
export type UpdatePlan = z.output<typeof UpdatePlanSchema>;

export const PlanListQuerySchema = PageQuerySchema.extend({
  status: PlanStatusSchema.optional().openapi({ param: { name: "status", in: "query" }, description: "Only plans with this status." }),
});
export type PlanListQuery = z.output<typeof PlanListQuerySchema>;

export const PlanPageSchema = pageSchema(PlanSchema, "PlanPage");
