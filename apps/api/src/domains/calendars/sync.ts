import { calendarSyncedItems, calendarSyncRules } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { sha256Hex } from "../../lib/crypto.js";
import type { DomainTaskHandlers } from "../../lib/domain.js";
import { ApiError } from "../../lib/errors.js";
import { DeliveryError } from "../../lib/outbox.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { type PlanCalendarItems, planCalendarItems } from "../plans/index.js";
import { type GoogleEvent, toGoogle } from "./calendar-events/calendar-events.service.js";
import { calendarApi } from "./google.js";

/**
 * Sync rules at work. When the plans domain publishes a change of a plan (finalized, updated,
 * cancelled, a proposal changed), each rule linking that plan to a calendar gets a `sync` task
 * in the outbox (one after another per rule, retried with backoff). The task brings the calendar
 * in line with the plan as it is now: every timed, selected proposal of a finalized or completed
 * plan is an event; anything else (a cancelled plan, a proposal no longer selected) is deleted.
 * Each item's Google event id is derived from the rule and the item, so a retry after a lost
 * answer finds the same event (Google answers 409 for a taken id) instead of making a second
 * one, and an unchanged item is not sent again (a digest of what was sent is kept).
 */

const PLAN_EVENTS = new Set(["plan.finalized", "plan.updated", "plan.proposal_changed"]);
const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

/** Google's client-chosen event id for an item of a rule: base32hex, 5–1024 characters. */
export async function googleEventIdFor(ruleId: string, itemId: string): Promise<string> {
  const hex = await sha256Hex(`${ruleId}:${itemId}`);
  let out = "gk";
  for (let i = 0; i < 52; i += 2) out += BASE32HEX[Number.parseInt(hex.slice(i, i + 2), 16) & 31];
  return out;
}

export const calendarTasks: DomainTaskHandlers = {
  async on(deps, { room, event, orgId }) {
    if (!orgId || !room.startsWith("plan:") || !PLAN_EVENTS.has(event.type)) return [];
    const planId = room.slice("plan:".length);
    const rules = await deps.db
      .select({ id: calendarSyncRules.id })
      .from(calendarSyncRules)
      .where(and(eq(calendarSyncRules.orgId, orgId), eq(calendarSyncRules.sourceType, "plan"), eq(calendarSyncRules.sourceId, planId)));
    return rules.map((r) => ({ name: "sync", key: r.id, data: { ruleId: r.id } }));
  },
  async run(deps, task) {
    if (task.name !== "sync" || typeof task.data.ruleId !== "string")
      throw new DeliveryError(`unknown calendars task ${task.name}`, { permanent: true });
    try {
      await syncRule(deps, task.data.ruleId);
    } catch (err) {
      // What a retry cannot fix (no connection, a calendar it may not write or that is gone)
      // parks the task with the reason; Google being busy or down is retried.
      if (err instanceof ApiError && (err.status === 409 || err.status === 403 || err.status === 404)) {
        throw new DeliveryError(`${err.code}: ${err.detail}`, { permanent: true });
      }
      throw err;
    }
  },
};

function desiredEvents(plan: PlanCalendarItems) {
  if (plan.status !== "finalized" && plan.status !== "completed") return [];
  return plan.items.map((item) => ({
    itemId: item.id,
    body: toGoogle({
      title: item.title,
      description: [item.description, item.url, `Plan: ${plan.title}`].filter(Boolean).join("\n\n"),
      ...(plan.location ? { location: plan.location } : {}),
      start: { dateTime: toIso(item.startsAt), timeZone: plan.timeZone },
      end: { dateTime: toIso(item.endsAt), timeZone: plan.timeZone },
    }),
  }));
}

/** Brings the rule's calendar in line with its plan. Safe to run any number of times. */
export async function syncRule(deps: Deps, ruleId: string): Promise<void> {
  const [rule] = await deps.db.select().from(calendarSyncRules).where(eq(calendarSyncRules.id, ruleId)).limit(1);
  if (!rule) return; // deleted since the task was queued
  const plan = await planCalendarItems(deps, rule.orgId, rule.sourceId);
  const desired = plan ? desiredEvents(plan) : [];
  const synced = await deps.db.select().from(calendarSyncedItems).where(eq(calendarSyncedItems.ruleId, ruleId));
  const path = `/calendars/${encodeURIComponent(rule.calendarId)}/events`;
  const api = <T>(method: "POST" | "PATCH" | "DELETE", p: string, body?: unknown) =>
    calendarApi<T>(deps, rule.orgId, rule.clientId, method, p, { query: { sendUpdates: "none" }, body, notFound: "Calendar event" });

  for (const want of desired) {
    const hash = await sha256Hex(JSON.stringify(want.body));
    const have = synced.find((s) => s.itemId === want.itemId);
    if (have && have.contentHash === hash) continue;
    const eventId = have?.googleEventId ?? (await googleEventIdFor(ruleId, want.itemId));
    // Confirmed again, in case the event was deleted (a cancelled plan finalized anew).
    const body = { ...want.body, status: "confirmed" };
    if (have) {
      await api<GoogleEvent>("PATCH", `${path}/${encodeURIComponent(eventId)}`, body);
    } else {
      try {
        await api<GoogleEvent>("POST", path, { ...body, id: eventId });
      } catch (err) {
        // 409 from Google: the id is taken, by this item's own event (a create whose answer was lost, or one deleted before).
        if (!(err instanceof ApiError && err.code === "conflict")) throw err;
        await api<GoogleEvent>("PATCH", `${path}/${encodeURIComponent(eventId)}`, body);
      }
    }
    const now = deps.now();
    await deps.db
      .insert(calendarSyncedItems)
      .values({ ruleId, itemId: want.itemId, googleEventId: eventId, contentHash: hash, updatedAt: now })
      .onConflictDoUpdate({
        target: [calendarSyncedItems.ruleId, calendarSyncedItems.itemId],
        set: { googleEventId: eventId, contentHash: hash, updatedAt: now },
      });
  }

  for (const have of synced) {
    if (desired.some((d) => d.itemId === have.itemId)) continue;
    try {
      await api("DELETE", `${path}/${encodeURIComponent(have.googleEventId)}`);
    } catch (err) {
      // Already gone at Google: nothing left to delete.
      if (!(err instanceof ApiError && (err.code === "calendar_event_gone" || err.code === "not_found"))) throw err;
    }
    await deps.db
      .delete(calendarSyncedItems)
      .where(and(eq(calendarSyncedItems.ruleId, ruleId), eq(calendarSyncedItems.itemId, have.itemId)));
  }
}
