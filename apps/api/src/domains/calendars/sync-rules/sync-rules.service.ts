import { type CreateSyncRule, newId, type SyncRule } from "@gatherkit/core";
import { calendarSyncedItems, calendarSyncRules } from "@gatherkit/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, enqueueWhen } from "../../../lib/outbox.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { eventCalendarItem } from "../../events/index.js";
import { placeCalendarItems } from "../../places/index.js";
import { planCalendarItems } from "../../plans/index.js";
import { loadClient, requireStaff } from "../access.js";
import { requireWritable } from "../calendars/calendars.service.js";
import { syncTask } from "../sync.js";

type RuleRow = typeof calendarSyncRules.$inferSelect;

const toRule = (r: RuleRow): SyncRule => ({
  id: r.id,
  clientId: r.clientId,
  calendarId: r.calendarId,
  source: { type: r.sourceType, id: r.sourceId },
  createdAt: toIso(r.createdAt),
});

/** Whether the organization has the source (404 names what is missing). */
async function requireSource(deps: Deps, orgId: string, source: CreateSyncRule["source"]): Promise<void> {
  if (source.type === "plan" && !(await planCalendarItems(deps, orgId, source.id))) throw notFound("Plan");
  if (source.type === "event" && !(await eventCalendarItem(deps, orgId, source.id))) throw notFound("Event");
  if (source.type === "place" && !(await placeCalendarItems(deps, orgId, source.id, { ids: [] }))) throw notFound("Place");
}

/**
 * Links a source (a plan, an event, a place's bookings) to a calendar of the client: from now on its items are pushed there
 * through the outbox. The calendar must be one the connection may write. Linking the same source
 * to the same calendar again answers the existing rule.
 */
export async function createSyncRule(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  input: CreateSyncRule,
): Promise<{ rule: SyncRule; created: boolean }> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  await requireSource(deps, staff.orgId, input.source);
  await requireWritable(deps, { orgId: staff.orgId, clientId }, input.calendarId);
  const existing = () =>
    deps.db
      .select()
      .from(calendarSyncRules)
      .where(
        and(
          eq(calendarSyncRules.clientId, clientId),
          eq(calendarSyncRules.calendarId, input.calendarId),
          eq(calendarSyncRules.sourceType, input.source.type),
          eq(calendarSyncRules.sourceId, input.source.id),
        ),
      )
      .limit(1);
  const [linked] = await existing();
  if (linked) return { rule: toRule(linked), created: false };
  const now = deps.now();
  const row: RuleRow = {
    id: newId("syncRule"),
    orgId: staff.orgId,
    clientId,
    calendarId: input.calendarId,
    sourceType: input.source.type,
    sourceId: input.source.id,
    createdAt: now,
  };
  // The rule and its first sync task in one batch, with the answer sealed where the rule landed
  // (a concurrent link of the same source may win: then it is answered below).
  const landed = sql`EXISTS (SELECT 1 FROM ${calendarSyncRules} WHERE ${calendarSyncRules.id} = ${row.id})`;
  answerOnCommit(deps, 201, toRule(row), landed);
  const [inserted] = await deps.db.batch([
    deps.db.insert(calendarSyncRules).values(row).onConflictDoNothing().returning(),
    // A source's current items (a finalized plan, a published event, upcoming bookings) go to the calendar now.
    enqueueWhen(deps.db, syncTask(row.id), landed, { orgId: staff.orgId, now }),
  ]);
  if (inserted[0]) {
    deliverSoon(deps);
    return { rule: toRule(row), created: true };
  }
  const [other] = await existing();
  if (!other) throw new ApiError(409, "conflict", "The rule changed while it was created; retry.");
  return { rule: toRule(other), created: false };
}

export async function listSyncRules(deps: Deps, caller: Caller | null, clientId: string): Promise<{ data: SyncRule[] }> {
  const client = await loadClient(deps, caller, clientId);
  const rows = await deps.db
    .select()
    .from(calendarSyncRules)
    .where(and(eq(calendarSyncRules.clientId, clientId), eq(calendarSyncRules.orgId, client.orgId)))
    .orderBy(asc(calendarSyncRules.createdAt), asc(calendarSyncRules.id));
  return { data: rows.map(toRule) };
}

/** Stops pushing: the rule and its memory of synced items go; events already on the calendar stay. */
export async function deleteSyncRule(deps: Deps, caller: Caller | null, clientId: string, ruleId: string): Promise<void> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  const where = and(eq(calendarSyncRules.id, ruleId), eq(calendarSyncRules.clientId, clientId), eq(calendarSyncRules.orgId, staff.orgId));
  const [rule] = await deps.db.select({ id: calendarSyncRules.id }).from(calendarSyncRules).where(where).limit(1);
  if (!rule) throw notFound("Sync rule");
  await deps.db.batch([
    deps.db.delete(calendarSyncedItems).where(eq(calendarSyncedItems.ruleId, ruleId)),
    deps.db.delete(calendarSyncRules).where(where),
  ]);
}
