import { z } from "../../zod.js";

const count = z.number().int().min(0);

/** One day of an organization's plan activity, in the organization's time zone. */
export const PlanActivityReportDaySchema = z
  .object({
    date: z.string().openapi({ example: "2031-07-02", description: "Local date in the organization's time zone." }),
    plans: count.openapi({ description: "Plans created that day." }),
    proposals: count.openapi({ description: "Proposals made that day." }),
    votes: count.openapi({ description: "Votes first cast that day (a changed vote counts once, on its first day)." }),
    messages: count.openapi({ description: "Chat messages posted that day." }),
  })
  .openapi("PlanActivityReportDay");

/** An organization's plan activity per day over a date range, counted by the database (all plans, not a page). */
export const PlanActivityReportSchema = z
  .object({
    timeZone: z.string().openapi({ example: "Europe/Lisbon", description: "The organization's time zone, which the days are in." }),
    from: z.string().openapi({ example: "2031-06-03" }),
    to: z.string().openapi({ example: "2031-07-02" }),
    totals: PlanActivityReportDaySchema.omit({ date: true }),
    byDay: z.array(PlanActivityReportDaySchema).openapi({ description: "Every day of the range, in order, zeros included." }),
  })
  .openapi("PlanActivityReport");
export type PlanActivityReport = z.infer<typeof PlanActivityReportSchema>;
