import { type CreateSyncRule, newId, type SyncRule } from "@gatherkit/core";
import { calendarSyncedItems, calendarSyncRules } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { deliverSoon, enqueue, task } from "../../../lib/outbox.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { planCalendarItems } from "../../plans/index.js";
import { loadClient, requireStaff } from "../access.js";
import { requireWritable } from "../calendars/calendars.service.js";

type RuleRow = typeof calendarSyncRules.$inferSelect;

const toRule = (r: RuleRow): SyncRule => ({
  id: r.id,
  clientId: r.clientId,
  calendarId: r.calendarId,
  source: { type: r.sourceType, id: r.sourceId },
  createdAt: toIso(r.createdAt),
});

/** The outbox task that brings a rule's calendar in line with its source. */
export const syncTask = (ruleId: string) => task({ domain: "calendars", name: "sync", key: ruleId, data: { ruleId } });

/**
 * Links a source (a plan) to a calendar of the client: from now on its items are pushed there
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
  const plan = await planCalendarItems(deps, staff.orgId, input.source.id);
  if (!plan) throw notFound("Plan");
  await requireWritable(deps, { orgId: staff.orgId, clientId }, input.calendarId);
  const now = deps.now();
  const id = newId("syncRule");
  const [inserted] = await deps.db
    .insert(calendarSyncRules)
    .values({
      id,
      orgId: staff.orgId,
      clientId,
      calendarId: input.calendarId,
      sourceType: input.source.type,
      sourceId: input.source.id,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) {
    // A plan already finalized goes to the calendar now.
    await enqueue(deps.db, syncTask(inserted.id), { orgId: staff.orgId, now });
    deliverSoon(deps);
    return { rule: toRule(inserted), created: true };
  }
  const [existing] = await deps.db
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
  if (!existing) throw new ApiError(409, "conflict", "The rule changed while it was created; retry.");
  return { rule: toRule(existing), created: false };
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
