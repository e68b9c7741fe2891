import { newId, type PublishedEvent } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import { insertWhen } from "../../lib/guarded-insert.js";
import { enqueue, enqueueWhen, realtime } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";

/** The realtime messages of an event's room. */
export type EventMessage = Extract<PublishedEvent, { type: `event.${string}` }>;

export const eventRoom = (eventId: string) => `event:${eventId}`;

/** An outbox row's id, time and room given by the caller (a prebuilt statement's placeholders, see lib/prebuilt.ts). */
export type FixedRow = { id: string; now: number; room: string };

/** The outbox insert telling the event's room about a change (with `when`: only if it holds as the statement runs). */
export function enqueueEventMessage(deps: Deps, orgId: string, eventId: string, message: EventMessage, when?: SQL) {
  const m = realtime(eventRoom(eventId), message);
  const opts = { orgId, now: deps.now() };
  return when ? enqueueWhen(deps.db, m, when, opts) : enqueue(deps.db, m, opts);
}

/**
 * SQL for one ticket type's remaining stock (`tt` is the ticket type row's alias): the least room
 * among its quantity, each of its quotas and its event's capacity, never below 0; NULL when none
 * limits it. The same rule as `remainingOfType`, computed inside the writing transaction.
 */
const remainingSql = sql.raw(`(SELECT CASE WHEN m IS NULL THEN NULL WHEN m < 0 THEN 0 ELSE m END FROM (SELECT MIN(v) AS m FROM (
    SELECT tt.quantity - tt.quantity_used AS v WHERE tt.quantity IS NOT NULL
    UNION ALL SELECT e.capacity - e.capacity_used FROM events e WHERE e.id = tt.event_id AND e.capacity IS NOT NULL
    UNION ALL SELECT q.size - q.used FROM quotas q JOIN ticket_type_quotas l ON l.quota_id = q.id WHERE l.ticket_type_id = tt.id)))`);

/**
 * The `event.stock_changed` outbox row for `eventId`, its payload built by SQL as the statement
 * runs: put it in the same batch, after the counter updates, so the message carries the stock the
 * write left (and a later write's message a later stock: the room's latest is the latest). With
 * `when`, only if it holds.
 */
export function enqueueStockChanged(deps: Deps, orgId: string, eventId: string, when: SQL = sql`1`, fixed?: FixedRow) {
  const room = fixed?.room ?? eventRoom(eventId);
  const payload = sql`json_object('room', ${room}, 'event', json_object('type', 'event.stock_changed', 'data', json_object(
    'eventId', ${eventId},
    'ticketTypes', json((SELECT json_group_array(json_object('id', tt.id, 'remaining', ${remainingSql}))
      FROM (SELECT * FROM ticket_types WHERE event_id = ${eventId} AND hidden = 0 ORDER BY sort_order, created_at) tt)))))`;
  return enqueueRoomRow(deps, orgId, room, payload, when, fixed);
}

/**
 * The `event.checkins_changed` outbox row of check-in list `listId`: its live check-ins counted by
 * SQL as the statement runs (so a later check-in's message carries a later count). Put it RIGHT
 * AFTER the check-in's insert or undo in the same batch: it goes in only if that statement wrote
 * (`changes() > 0`). A count only — no name, code or ticket — since a published event's room is
 * open to its public pages too.
 */
export function enqueueCheckinsChanged(deps: Deps, orgId: string, eventId: string, listId: string) {
  const room = eventRoom(eventId);
  const payload = sql`json_object('room', ${room}, 'event', json_object('type', 'event.checkins_changed', 'data', json_object(
    'eventId', ${eventId}, 'listId', ${listId},
    'checkedIn', (SELECT count(*) FROM checkins WHERE list_id = ${listId} AND undone_at IS NULL))))`;
  return enqueueRoomRow(deps, orgId, room, payload, sql`changes() > 0`);
}

/**
 * The `event.orders_changed` outbox row: an order of `eventId` just became `status`, with the
 * event's paid orders counted by SQL as the statement runs (a later change's message carries a
 * later count). Put it in the batch of the state change, written only if `when` holds (that the
 * change wrote), so a duplicate webhook delivery publishes nothing. Counts only — no order id,
 * name, email or code — since a published event's room is open to its public pages too.
 */
export function enqueueOrdersChanged(
  deps: Deps,
  orgId: string,
  eventId: string,
  status: "paid" | "partially_refunded" | "refunded" | "cancelled" | "expired",
  when: SQL,
) {
  const room = eventRoom(eventId);
  const payload = sql`json_object('room', ${room}, 'event', json_object('type', 'event.orders_changed', 'data', json_object(
    'eventId', ${eventId}, 'status', ${status},
    'paid', (SELECT count(*) FROM orders WHERE event_id = ${eventId} AND status IN ('paid', 'partially_refunded')))))`;
  return enqueueRoomRow(deps, orgId, room, payload, when);
}

/**
 * A realtime outbox row to `room` whose message (`{ room, event }`) is `payload`, computed by SQL
 * as the statement runs, so it carries the counts of the batch it is in; written only if `when` holds.
 */
export function enqueueRoomRow(deps: Deps, orgId: string, room: string, payload: SQL, when: SQL, fixed?: FixedRow) {
  const now = fixed?.now ?? deps.now();
  return insertWhen(
    deps.db,
    outbox,
    {
      id: fixed?.id ?? newId("outbox"),
      orgId,
      kind: "realtime",
      payload,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      lastError: null,
      sentAt: null,
      orderKey: room,
    },
    when,
  );
}
