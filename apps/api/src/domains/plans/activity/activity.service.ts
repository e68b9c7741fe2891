import type { DateRangeQuery, PlanActivityReport } from "@gatherkit/core";
import { chatMessages, plans, proposals, votes } from "@gatherkit/db";
import { and, count, eq, gte, lt } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { requireOrganizer } from "../../../lib/auth.js";
import { countsByDay, dayRange, localDay } from "../../../lib/day-buckets.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { organizationTimeZone } from "../../accounts/index.js";

/**
 * The organization's plan activity per local day (staff): plans, proposals, votes and chat
 * messages counted by SQL over every row in the range (not a page of them), grouped by the day
 * each was created in the organization's time zone.
 */
export async function planActivity(deps: Deps, caller: Caller | null, query: DateRangeQuery): Promise<PlanActivityReport> {
  const who = requireOrganizer({ var: { caller } });
  const range = dayRange(query, await organizationTimeZone(deps, who.orgId), deps.now());
  const db = deps.db;
  const perDay = (table: SQLiteTable, orgId: SQLiteColumn, createdAt: SQLiteColumn) => {
    const day = localDay(range, createdAt);
    return db
      .select({ day, n: count() })
      .from(table)
      .where(and(eq(orgId, who.orgId), gte(createdAt, range.start), lt(createdAt, range.end)))
      .groupBy(day);
  };
  const rows = await db.batch([
    perDay(plans, plans.orgId, plans.createdAt),
    perDay(proposals, proposals.orgId, proposals.createdAt),
    perDay(votes, votes.orgId, votes.createdAt),
    perDay(chatMessages, chatMessages.orgId, chatMessages.createdAt),
  ]);
  const [p, pr, v, m] = rows.map(countsByDay) as [Map<string, number>, Map<string, number>, Map<string, number>, Map<string, number>];
  const byDay = range.days.map((date) => ({
    date,
    plans: p.get(date) ?? 0,
    proposals: pr.get(date) ?? 0,
    votes: v.get(date) ?? 0,
    messages: m.get(date) ?? 0,
  }));
  const sum = (k: "plans" | "proposals" | "votes" | "messages") => byDay.reduce((a, d) => a + d[k], 0);
  return {
    timeZone: range.timeZone,
    from: range.from,
    to: range.to,
    totals: { plans: sum("plans"), proposals: sum("proposals"), votes: sum("votes"), messages: sum("messages") },
    byDay,
  };
}
