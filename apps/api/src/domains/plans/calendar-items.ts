import { plans, proposals } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import type { Deps } from "../../lib/types.js";

/** What another domain may put on a calendar for a plan: its state and its timed itinerary. */
export interface PlanCalendarItems {
  planId: string;
  title: string;
  status: "planning" | "finalized" | "completed" | "cancelled";
  timeZone: string;
  location: string | null;
  /** The selected proposals that have a start and an end (epoch ms). */
  items: { id: string; title: string; description: string; url: string | null; startsAt: number; endsAt: number }[];
}

/**
 * The plan of organization `orgId` as calendar items (for the calendars domain's sync rules), or
 * null when there is no such plan. Reads only; the caller decides what to do with each state.
 */
export async function planCalendarItems(deps: Pick<Deps, "db">, orgId: string, planId: string): Promise<PlanCalendarItems | null> {
  const [plan] = await deps.db
    .select({ id: plans.id, title: plans.title, status: plans.status, timeZone: plans.timeZone, locationName: plans.locationName })
    .from(plans)
    .where(and(eq(plans.id, planId), eq(plans.orgId, orgId)))
    .limit(1);
  if (!plan) return null;
  const selected = await deps.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.planId, planId), eq(proposals.status, "selected")))
    .orderBy(asc(proposals.startsAt), asc(proposals.id));
  return {
    planId: plan.id,
    title: plan.title,
    status: plan.status,
    timeZone: plan.timeZone,
    location: plan.locationName,
    items: selected.flatMap((p) =>
      p.startsAt !== null && p.endsAt !== null
        ? [{ id: p.id, title: p.title, description: p.description, url: p.url, startsAt: p.startsAt, endsAt: p.endsAt }]
        : [],
    ),
  };
}
