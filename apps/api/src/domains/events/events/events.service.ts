import {
  type CreateEvent,
  type EventAction,
  type EventListQuery,
  eventTransition,
  eventTransitionSources,
  newId,
  type Page,
  type TicketedEvent,
  type UpdateEvent,
} from "@gatherkit/core";
import { events } from "@gatherkit/db";
import { and, eq, gt, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, conflict } from "../../../lib/errors.js";
import { previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, enqueueWhen, task } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { withImages } from "../../../platform/uploads/index.js";
import { calendarSourceChanged } from "../../calendars/index.js";
import { type EventRow, eventViewer, loadEvent, loadStock, toEvent } from "../access.js";
import { enqueueEventMessage } from "../events.js";
import { guestCalendarsNotified } from "../guests/guest-calendar-notices.js";
import { rescheduleReminders } from "../guests/guest-reminders.js";
import { releaseExpiredHolds } from "../holds.js";

/** What a guest's calendar shows of an event: a change to one of these is sent to them (iTIP REQUEST, SEQUENCE raised). */
const CALENDAR_FIELDS = ["title", "description", "venueName", "timeZone", "startsAt", "endsAt", "contactName", "contactEmail"] as const;

/** The events domain's task that refunds a cancelled event's orders. */
export const CANCELLED_EVENT_TASK = "refund_cancelled_event";

/** The API shape of `row` with its current stock. */
export async function eventView(deps: Deps, row: EventRow): Promise<TicketedEvent> {
  return toEvent(row, await loadStock(deps, row.id), deps.now());
}

/** Creates a draft event (organizers). */
export async function createEvent(deps: Deps, caller: Caller | null, input: CreateEvent): Promise<TicketedEvent> {
  const who = requireOrganizer({ var: { caller } });
  const id = newId("event");
  // Uploaded images (`file_…`) are attached to the event and stored as their lasting URLs.
  return withImages(deps, who.orgId, id, input.imageUrls, [], (imageUrls = []) => insertEvent(deps, who, id, { ...input, imageUrls }));
}

async function insertEvent(deps: Deps, who: ReturnType<typeof requireOrganizer>, id: string, input: CreateEvent): Promise<TicketedEvent> {
  const now = deps.now();
  const row: EventRow = {
    id,
    orgId: who.orgId,
    icsSequence: 0,
    status: "draft",
    title: input.title,
    description: input.description,
    ...venueColumns(input.venue ?? null),
    timeZone: input.timeZone,
    startsAt: fromIso(input.startsAt),
    endsAt: fromIso(input.endsAt),
    capacity: input.capacity ?? null,
    capacityUsed: 0,
    currency: input.currency,
    categories: input.categories,
    imageUrls: input.imageUrls,
    contactName: input.contact?.name ?? null,
    contactEmail: input.contact?.email ?? null,
    holdMinutes: input.holdMinutes,
    createdByUserId: who.kind === "user" ? who.userId : null,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    cancelledAt: null,
  };
  const event = await eventView(deps, row);
  answerOnCommit(deps, 201, event);
  await deps.db.insert(events).values(row);
  return event;
}

function venueColumns(venue: CreateEvent["venue"] | null) {
  return {
    venueName: venue?.name ?? null,
    address: venue?.address
      ? {
          line1: venue.address.line1 ?? null,
          line2: venue.address.line2 ?? null,
          city: venue.address.city ?? null,
          region: venue.address.region ?? null,
          postalCode: venue.address.postalCode ?? null,
          country: venue.address.country ?? null,
        }
      : null,
    lat: venue?.lat ?? null,
    lng: venue?.lng ?? null,
  };
}

/** `LIKE` pattern for `text` anywhere, with its own wildcards escaped (`\`). */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Events newest first. Organizers see every status (or `status`); a publishable key or a
 * participant sees published events only. `q` matches title, description and venue name;
 * `from`/`to` keep the events that overlap that window.
 */
export async function listEvents(deps: Deps, caller: Caller | null, query: EventListQuery): Promise<Page<TicketedEvent>> {
  const viewer = eventViewer(caller);
  const db = deps.db;
  const status = viewer.staff ? query.status : "published";
  if (!viewer.staff && query.status !== undefined && query.status !== "published") return { data: [], nextCursor: null };
  const text = query.q === undefined ? undefined : contains(query.q);
  const filters: (SQL | undefined)[] = [
    eq(events.orgId, viewer.orgId),
    status ? eq(events.status, status) : undefined,
    text
      ? or(
          sql`${events.title} LIKE ${text} ESCAPE '\\'`,
          sql`${events.description} LIKE ${text} ESCAPE '\\'`,
          sql`${events.venueName} LIKE ${text} ESCAPE '\\'`,
        )
      : undefined,
    query.category ? sql`EXISTS (SELECT 1 FROM json_each(${events.categories}) WHERE value = ${query.category})` : undefined,
    query.from ? gt(events.endsAt, fromIso(query.from)) : undefined,
    query.to ? lt(events.startsAt, fromIso(query.to)) : undefined,
  ];
  const page = await paginate(
    events,
    query,
    (p) =>
      db
        .select()
        .from(events)
        .where(and(...filters, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => row,
  );
  return { data: await Promise.all(page.data.map((row) => eventView(deps, row))), nextCursor: page.nextCursor };
}

export async function getEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<TicketedEvent> {
  const { event } = await loadEvent(deps, caller, eventId);
  // Holds that ran out return their tickets before the stock is shown (the counters move, so reload).
  if ((await releaseExpiredHolds(deps, event.id)) > 0) return getEvent(deps, caller, eventId);
  return eventView(deps, event);
}

/**
 * Edits an event (organizers) unless it is cancelled. The capacity cannot go below the tickets
 * already held or sold (409 `event_has_sales`). Optimistic: the update applies only if the row
 * is still the one read, else the caller gets 409 `conflict` and retries.
 */
export async function updateEvent(deps: Deps, caller: Caller | null, eventId: string, input: UpdateEvent): Promise<TicketedEvent> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  if (event.status === "cancelled") throw new ApiError(409, "invalid_event_transition", "A cancelled event cannot be edited.");
  return withImages(deps, event.orgId, event.id, input.imageUrls, event.imageUrls, (imageUrls) =>
    applyUpdate(deps, event, { ...input, imageUrls }),
  );
}

async function applyUpdate(deps: Deps, event: EventRow, input: UpdateEvent): Promise<TicketedEvent> {
  const set: Partial<EventRow> = {
    ...(input.title !== undefined && { title: input.title }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.venue !== undefined && venueColumns(input.venue)),
    ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
    ...(input.startsAt !== undefined && { startsAt: fromIso(input.startsAt) }),
    ...(input.endsAt !== undefined && { endsAt: fromIso(input.endsAt) }),
    ...(input.capacity !== undefined && { capacity: input.capacity }),
    ...(input.categories !== undefined && { categories: input.categories }),
    ...(input.imageUrls !== undefined && { imageUrls: input.imageUrls }),
    ...(input.contact !== undefined && { contactName: input.contact?.name ?? null, contactEmail: input.contact?.email ?? null }),
    ...(input.holdMinutes !== undefined && { holdMinutes: input.holdMinutes }),
  };
  const merged = { ...event, ...set };
  if (merged.endsAt <= merged.startsAt) {
    const message = "must be after startsAt";
    throw new ApiError(400, "validation_failed", `body.endsAt: ${message}`, { errors: [{ path: "body.endsAt", message }] });
  }
  if (merged.capacity !== null && merged.capacity < event.capacityUsed) {
    throw new ApiError(409, "event_has_sales", `${event.capacityUsed} tickets are already held or sold: the capacity cannot be lower.`);
  }
  const updatedAt = Math.max(deps.now(), event.updatedAt + 1);
  // A change a guest's calendar shows raises the event's SEQUENCE and sends confirmed guests the new REQUEST.
  const calendarChange = CALENDAR_FIELDS.some((k) => merged[k] !== event[k]);
  const written = sql`EXISTS (SELECT 1 FROM events WHERE id = ${event.id} AND updated_at = ${updatedAt})`;
  const db = deps.db;
  const row = await guardedWrite(
    deps,
    [
      db
        .update(events)
        // Raised where it stands (a guest leaving raises it too, without touching updated_at).
        .set({ ...set, updatedAt, ...(calendarChange && { icsSequence: sql`${events.icsSequence} + 1` }) })
        .where(
          and(
            eq(events.id, event.id),
            eq(events.updatedAt, event.updatedAt),
            merged.capacity === null ? undefined : sql`${events.capacityUsed} <= ${merged.capacity}`,
          ),
        )
        .returning(),
      // Guest reminders follow a moved start (those for the old one would be suppressed when due).
      ...(merged.startsAt !== event.startsAt ? rescheduleReminders(deps, merged, written) : []),
      ...(calendarChange && event.status === "published"
        ? [guestCalendarsNotified(deps, { ...merged, icsSequence: event.icsSequence + 1 }, "event_changed", written)]
        : []),
      // A calendar this event is pushed to (a sync rule of the calendars domain) gets the change.
      calendarSourceChanged(deps, event.orgId, { type: "event", id: event.id }),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        throw conflict("The event changed (or sold tickets) while this edit was on its way: read it again and retry.");
      },
    },
  );
  return eventView(deps, row);
}

/**
 * publish / unpublish / cancel (organizers); the room hears the new status and availability.
 * Cancelling also queues, in the same batch, the task that cancels the holds, voids the tickets,
 * tells each buyer and refunds every paid order (refunds' `refundCancelledEvent`).
 */
export async function transitionEvent(deps: Deps, caller: Caller | null, eventId: string, action: EventAction): Promise<TicketedEvent> {
  const who = requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  const to = eventTransition(event.status, action);
  const now = Math.max(deps.now(), event.updatedAt + 1);
  const next: EventRow = {
    ...event,
    status: to,
    updatedAt: now,
    ...(to === "published" && event.publishedAt === null && { publishedAt: now }),
    ...(to === "cancelled" && { cancelledAt: now, icsSequence: event.icsSequence + 1 }),
  };
  const view = await eventView(deps, next);
  const db = deps.db;
  // Its answer is the event as written (its stock as read): sealed with the write, if it takes effect.
  answerOnCommit(deps, 200, view, sql`EXISTS (SELECT 1 FROM ${events} WHERE ${events.id} = ${event.id} AND ${events.updatedAt} = ${now})`);
  const row = await guardedWrite(
    deps,
    [
      db
        .update(events)
        .set({ status: to, updatedAt: now, publishedAt: next.publishedAt, cancelledAt: next.cancelledAt, icsSequence: next.icsSequence })
        .where(and(eq(events.id, event.id), inArray(events.status, [...eventTransitionSources(action)]), isNull(events.cancelledAt)))
        .returning(),
      enqueueEventMessage(
        deps,
        event.orgId,
        event.id,
        { type: "event.status_changed", data: { eventId: event.id, status: to, availability: view.availability } },
        previousStatementChanged,
      ),
      ...(to === "cancelled"
        ? [
            enqueueWhen(
              db,
              task({
                domain: "events",
                name: CANCELLED_EVENT_TASK,
                key: event.id,
                data: { eventId: event.id, by: who.kind === "user" ? who.userId : who.keyId },
              }),
              sql`EXISTS (SELECT 1 FROM ${events} WHERE ${events.id} = ${event.id} AND ${events.status} = 'cancelled' AND ${events.cancelledAt} = ${now})`,
              { orgId: event.orgId, now },
            ),
            // Confirmed guests' calendars drop it: METHOD:CANCEL with its UID and the raised SEQUENCE.
            guestCalendarsNotified(
              deps,
              next,
              "event_cancelled",
              sql`EXISTS (SELECT 1 FROM ${events} WHERE ${events.id} = ${event.id} AND ${events.status} = 'cancelled' AND ${events.cancelledAt} = ${now})`,
            ),
          ]
        : []),
    ],
    {
      written: ([rows]) => rows[0],
      explain: async () => {
        const { event: fresh } = await loadEvent(deps, caller, eventId);
        eventTransition(fresh.status, action);
        throw conflict("The event changed while this request was on its way: read it again and retry.");
      },
    },
  );
  if (to === "cancelled") deliverSoon(deps);
  return eventView(deps, row);
}
