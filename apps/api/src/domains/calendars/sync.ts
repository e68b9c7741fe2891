import { calendarSyncedItems, calendarSyncRules } from "@gatherkit/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { sha256Hex } from "../../lib/crypto.js";
import type { DomainTaskHandlers } from "../../lib/domain.js";
import { ApiError } from "../../lib/errors.js";
import { DeliveryError, deliverSoon, enqueue, enqueueWhen, task } from "../../lib/outbox.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { eventCalendarItem } from "../events/index.js";
import { placeCalendarItems } from "../places/index.js";
import { planCalendarItems } from "../plans/index.js";
import { type GoogleEvent, toGoogle } from "./calendar-events/calendar-events.service.js";
import { calendarApi } from "./google.js";
import { runJobTask } from "./jobs/jobs.service.js";

/**
 * Sync rules at work. When another domain publishes a change of a source (a plan finalized,
 * updated or cancelled; an event published, unpublished or cancelled; a place's booking made or
 * cancelled) or queues `source_changed` in the same batch as its write (an event edited, a guest's
 * RSVP), each rule linking that source to a calendar gets a `sync` task in the outbox (one after
 * another per rule, retried with backoff). The task brings the calendar in line with the source as
 * it is now: every item that belongs on a calendar (the timed activities of a finalized plan, a
 * published event with its RSVP headcount, a confirmed booking) is an event there; anything else
 * (a cancelled plan or event, a cancelled booking) is deleted. Each item's Google event id is
 * derived from the rule and the item, so a retry after a lost answer finds the same event (Google
 * answers 409 for a taken id) instead of making a second one, and an unchanged item is not sent
 * again (a digest of what was sent is kept).
 */

const PLAN_EVENTS = new Set(["plan.finalized", "plan.updated", "plan.proposal_changed"]);
const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

type SourceType = (typeof calendarSyncRules.$inferSelect)["sourceType"];

/** Google's client-chosen event id for an item of a rule: base32hex, 5–1024 characters. */
export async function googleEventIdFor(ruleId: string, itemId: string): Promise<string> {
  const hex = await sha256Hex(`${ruleId}:${itemId}`);
  let out = "gk";
  for (let i = 0; i < 52; i += 2) out += BASE32HEX[Number.parseInt(hex.slice(i, i + 2), 16) & 31];
  return out;
}

/** The `sync` task of a rule: `itemIds` limits it to those items (a place's booking), else the whole source. */
export const syncTask = (ruleId: string, itemIds?: string[]) =>
  task({ domain: "calendars", name: "sync", key: ruleId, data: itemIds ? { ruleId, itemIds } : { ruleId } });

/**
 * The outbox insert another domain puts in the batch of a write that changes a source without
 * publishing it (an event's details, a guest's RSVP): a `source_changed` task, written only when a
 * sync rule links that source, that queues a `sync` for each such rule.
 */
export function calendarSourceChanged(deps: Deps, orgId: string, source: { type: SourceType; id: string }) {
  const message = task({ domain: "calendars", name: "source_changed", key: `${source.type}:${source.id}`, data: { ...source, orgId } });
  const linked = sql`EXISTS (SELECT 1 FROM calendar_sync_rules WHERE org_id = ${orgId} AND source_type = ${source.type} AND source_id = ${source.id})`;
  return enqueueWhen(deps.db, message, linked, { orgId, now: deps.now() });
}

async function rulesOf(deps: Deps, orgId: string, type: SourceType, id: string) {
  return deps.db
    .select({ id: calendarSyncRules.id })
    .from(calendarSyncRules)
    .where(and(eq(calendarSyncRules.orgId, orgId), eq(calendarSyncRules.sourceType, type), eq(calendarSyncRules.sourceId, id)));
}

export const calendarTasks: DomainTaskHandlers = {
  async on(deps, { room, event, orgId }) {
    if (!orgId) return [];
    const [kind, id] = [room.slice(0, room.indexOf(":")), room.slice(room.indexOf(":") + 1)];
    if (kind === "plan" && PLAN_EVENTS.has(event.type)) {
      return (await rulesOf(deps, orgId, "plan", id)).map((r) => ({ name: "sync", key: r.id, data: { ruleId: r.id } }));
    }
    if (kind === "event" && event.type === "event.status_changed") {
      return (await rulesOf(deps, orgId, "event", id)).map((r) => ({ name: "sync", key: r.id, data: { ruleId: r.id } }));
    }
    if (kind === "place" && event.type === "place.availability_changed") {
      const bookingId = (event.data as { bookingId?: unknown }).bookingId;
      if (typeof bookingId !== "string") return [];
      return (await rulesOf(deps, orgId, "place", id)).map((r) => ({
        name: "sync",
        key: r.id,
        data: { ruleId: r.id, itemIds: [bookingId] },
      }));
    }
    return [];
  },
  async run(deps, t) {
    if (t.name === "source_changed") {
      const { type, id, orgId } = t.data as { type?: unknown; id?: unknown; orgId?: unknown };
      if ((type !== "plan" && type !== "event" && type !== "place") || typeof id !== "string" || typeof orgId !== "string")
        throw new DeliveryError("source_changed without a source", { permanent: true });
      const rules = await rulesOf(deps, orgId, type, id);
      for (const r of rules) await enqueue(deps.db, syncTask(r.id), { orgId, now: deps.now() });
      if (rules.length) deliverSoon(deps);
      return;
    }
    if (t.name === "job" && typeof t.data.jobId === "string") return runJobTask(deps, t.data.jobId);
    if (t.name !== "sync" || typeof t.data.ruleId !== "string")
      throw new DeliveryError(`unknown calendars task ${t.name}`, { permanent: true });
    const itemIds = Array.isArray(t.data.itemIds) ? t.data.itemIds.filter((x): x is string => typeof x === "string") : undefined;
    try {
      await syncRule(deps, t.data.ruleId, itemIds);
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

interface Desired {
  itemId: string;
  body: Partial<GoogleEvent>;
}
/** What belongs on the calendar for a rule's source, and which synced items that answer covers ("all", or some ids). */
interface SourceState {
  desired: Desired[];
  scope: "all" | Set<string>;
}

async function sourceState(
  deps: Deps,
  rule: typeof calendarSyncRules.$inferSelect,
  synced: string[],
  itemIds?: string[],
): Promise<SourceState> {
  if (rule.sourceType === "plan") {
    const plan = await planCalendarItems(deps, rule.orgId, rule.sourceId);
    if (!plan || (plan.status !== "finalized" && plan.status !== "completed")) return { desired: [], scope: "all" };
    return {
      scope: "all",
      desired: plan.items.map((item) => ({
        itemId: item.id,
        body: toGoogle({
          title: item.title,
          description: [item.description, item.url, `Plan: ${plan.title}`].filter(Boolean).join("\n\n"),
          ...(plan.location ? { location: plan.location } : {}),
          start: { dateTime: toIso(item.startsAt), timeZone: plan.timeZone },
          end: { dateTime: toIso(item.endsAt), timeZone: plan.timeZone },
        }),
      })),
    };
  }
  if (rule.sourceType === "event") {
    const e = await eventCalendarItem(deps, rule.orgId, rule.sourceId);
    if (e?.status !== "published") return { desired: [], scope: "all" };
    const going = e.going === null ? "" : `${e.going} going`;
    return {
      scope: "all",
      desired: [
        {
          itemId: e.eventId,
          body: toGoogle({
            title: e.title,
            description: [e.description, going].filter(Boolean).join("\n\n"),
            ...(e.venue ? { location: e.venue } : {}),
            start: { dateTime: toIso(e.startsAt), timeZone: e.timeZone },
            end: { dateTime: toIso(e.endsAt), timeZone: e.timeZone },
          }),
        },
      ],
    };
  }
  // A place: only the bookings asked about, or (a full sync) the upcoming ones and those already synced.
  const ids = itemIds ?? null;
  const place = await placeCalendarItems(deps, rule.orgId, rule.sourceId, ids ? { ids } : { from: deps.now() });
  if (!place) return { desired: [], scope: "all" };
  let bookings = place.bookings;
  if (!ids) {
    const known = new Set(bookings.map((b) => b.id));
    const missing = synced.filter((id) => !known.has(id));
    const more = missing.length ? await placeCalendarItems(deps, rule.orgId, rule.sourceId, { ids: missing }) : null;
    bookings = [...bookings, ...(more?.bookings ?? [])];
  }
  return {
    // A full sync covers what it read; an item synced before and not read (a past booking beyond the window) stays.
    scope: new Set([...(ids ?? []), ...bookings.map((b) => b.id)]),
    desired: bookings
      .filter((b) => b.holds)
      .map((b) => ({
        itemId: b.id,
        body: toGoogle({
          title: `${place.name}: ${b.contactName}`,
          description: [`Booking ${b.id}`, b.vehiclePlate ? `Vehicle: ${b.vehiclePlate}` : ""].filter(Boolean).join("\n"),
          ...(place.address ? { location: place.address } : {}),
          start: { dateTime: toIso(b.startsAt), timeZone: place.timeZone },
          end: { dateTime: toIso(b.endsAt), timeZone: place.timeZone },
        }),
      })),
  };
}

/**
 * Brings the rule's calendar in line with its source (only the items `itemIds`, when given). Safe
 * to run any number of times. Answers how many items it created, updated or deleted.
 */
export async function syncRule(deps: Deps, ruleId: string, itemIds?: string[]): Promise<{ changed: number }> {
  const [rule] = await deps.db.select().from(calendarSyncRules).where(eq(calendarSyncRules.id, ruleId)).limit(1);
  if (!rule) return { changed: 0 }; // deleted since the task was queued
  const synced = await deps.db
    .select()
    .from(calendarSyncedItems)
    .where(and(eq(calendarSyncedItems.ruleId, ruleId), itemIds ? inArray(calendarSyncedItems.itemId, itemIds) : undefined));
  const { desired, scope } = await sourceState(
    deps,
    rule,
    synced.map((s) => s.itemId),
    itemIds,
  );
  let changed = 0;
  const path = `/calendars/${encodeURIComponent(rule.calendarId)}/events`;
  const api = <T>(method: "POST" | "PATCH" | "DELETE", p: string, body?: unknown) =>
    calendarApi<T>(deps, rule.orgId, rule.clientId, method, p, { query: { sendUpdates: "none" }, body, notFound: "Calendar event" });

  for (const want of desired) {
    const hash = await sha256Hex(JSON.stringify(want.body));
    const have = synced.find((s) => s.itemId === want.itemId);
    if (have && have.contentHash === hash) continue;
    changed++;
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
    if (scope !== "all" && !scope.has(have.itemId)) continue;
    changed++;
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
  return { changed };
}
