import {
  ACTIVITY_ROOM_KINDS,
  newId,
  type PublishedEvent,
  PublishedEventSchema,
  QUIET_MESSAGE_TYPES,
  RoomNameSchema,
  z,
} from "@gatherkit/core";
import { type Db, outbox, webhookEndpoints } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import { insertWhen } from "./guarded-insert.js";
import type { Deps } from "./types.js";

/**
 * What the outbox sends: its kinds of message (a room broadcast, an email, an SMS, a web push),
 * how each is checked, keyed for ordering and delivered, the inserts that queue one in a
 * change's batch, and the retry policy. How rows are claimed and sent is lib/outbox.ts.
 */

/** Everything delivery needs from the app's dependencies. */
export type DeliveryDeps = Pick<Deps, "db" | "publisher" | "logger" | "now" | "instanceId" | "notifications" | "webhooks" | "tasks">;

/** The outbox row a delivery is for. */
export interface OutboxRowRef {
  id: string;
  seq: number;
  /** This attempt's number (1 for the first). */
  attempts: number;
  orgId: string | null;
  createdAt: number;
}

export interface OutboxKind<P> {
  schema: z.ZodType<P>;
  /**
   * Rows with the same key are sent in commit order, one after another; different keys in
   * parallel. Written into the row's `order_key` when it is queued (`enqueue`, `orderKeyOf`).
   */
  orderKey(payload: P): string;
  deliver(deps: DeliveryDeps, payload: P, row: OutboxRowRef): Promise<void>;
  /** Attempts before the row is parked as failed (its `last_error` says why). */
  maxAttempts: number;
  /**
   * The kind's own retry schedule, instead of `nextAttemptAfter`'s: when a row first written at
   * `createdAt` whose attempt number `attempts` failed with `err` at `at` is tried next, or `PARKED`.
   */
  retryAt?(err: unknown, attempts: number, createdAt: number, at: number): number;
}

const RealtimePayloadSchema = z.object({
  room: RoomNameSchema,
  event: PublishedEventSchema,
  /** Room-token subjects the room disconnects once it has broadcast `event` (someone lost access). */
  disconnect: z.array(z.string().min(1).max(200)).max(100).optional(),
});

const EmailPayloadSchema = z.object({
  to: z.email(),
  subject: z.string().min(1),
  text: z.string().min(1),
  /** The same message as HTML (already escaped by the template that rendered it). */
  html: z.string().optional(),
  /** Extra headers, e.g. RFC 8058's `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Files sent with it (e.g. a ticket's `.ics`), base64, at most 5 of at most 256 KB each. */
  attachments: z
    .array(
      z.object({
        filename: z.string().regex(/^[\w.-]{1,100}$/),
        contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+(; ?[\w-]+=[\w.-]+)*$/),
        content: z.base64().max(350_000),
      }),
    )
    .max(5)
    .optional(),
  /** What the email is about, for the provider's templates and the outbox viewer (e.g. `plan_invite`). */
  template: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** The notification (its `notify` outbox row) whose fan-out queued it; else the message is its own notification. */
  notification: z.string().min(1).optional(),
});
export type EmailPayload = z.infer<typeof EmailPayloadSchema>;

const SmsPayloadSchema = z.object({
  /** E.164 (normalise user input with platform/notifications' `toE164`). */
  to: z.string().regex(/^\+[1-9][0-9]{6,14}$/, "must be an E.164 phone number such as +14155550100"),
  text: z.string().min(1).max(1600),
  template: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** The notification (its `notify` outbox row) whose fan-out queued it; else the message is its own notification. */
  notification: z.string().min(1).optional(),
});
export type SmsPayload = z.infer<typeof SmsPayloadSchema>;

const PushPayloadSchema = z.object({
  /** A row of push_subscriptions; a subscription deleted since is skipped. */
  subscriptionId: z.string().min(1),
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  /** Where a click on the notification goes. */
  url: z.url().optional(),
  template: z.string(),
  /** The notification (its `notify` outbox row) whose fan-out queued it; else the message is its own notification. */
  notification: z.string().min(1).optional(),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

const WebhookPayloadSchema = z.object({
  endpointId: z.string().min(1),
  event: z.object({
    id: z.string().min(1),
    type: z.string().min(1),
    /** Epoch ms of the change that caused it. */
    created: z.number().int(),
    data: z.unknown(),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

const TaskPayloadSchema = z.object({
  /** The domain that runs it (its `tasks.run`). */
  domain: z.string().min(1).max(40),
  name: z.string().min(1).max(60),
  /** Tasks with the same domain and key run one after another, in commit order. */
  key: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()),
});
export type TaskPayload = z.infer<typeof TaskPayloadSchema>;

const NotifyPayloadSchema = z.object({
  /** The notification kind (one template), e.g. `plan_finalized`. */
  kind: z.string().min(1),
  /**
   * What it is about (e.g. `plan_…`). The domain that owns the kind decides at send time who
   * gets it and whether it still holds (a reminder whose plan was finalized is not sent).
   */
  subjectId: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  /**
   * Its own order key: notifications need no order among themselves, and a reminder due later
   * must not hold up what is due now about the same subject.
   */
  key: z.string().min(1),
});
export type NotifyPayload = z.infer<typeof NotifyPayloadSchema>;

/** Attempts before an email or SMS is parked (its `last_error` and delivery log say why). */
export const MESSAGE_MAX_ATTEMPTS = 10;

/** Every kind of outbox message and how it is delivered. Add a kind here. */
export const KINDS = {
  realtime: {
    schema: RealtimePayloadSchema,
    orderKey: (p) => p.room,
    // The row id and its sequence travel with the publish, so the room drops a repeat of a
    // delivery whose answer was lost, however late it comes: at-least-once here, once for the
    // clients. Sequences rise in commit order and a room's rows go out in that order, so the
    // room only needs the highest one it has broadcast.
    // The event's webhook deliveries are queued while it is published (once: their ids derive
    // from this row's, so a retry of this row queues nothing twice), so they do not depend on the
    // rooms being up, and the room's clients do not wait for that write. Either failing fails the
    // attempt: the retry queues what is missing, and the room drops a publish it already broadcast.
    deliver: async (deps, p, row) => {
      const outcomes = await Promise.allSettled([
        deps.publisher.publish(p.room, p.event, {
          id: row.id,
          order: row.seq,
          ...(p.disconnect?.length ? { disconnect: p.disconnect } : {}),
        }),
        queueWebhookDeliveries(deps, p.event, row),
      ]);
      for (const o of outcomes) if (o.status === "rejected") throw o.reason;
      // Other domains' reactions to the event (deps.tasks): queued once per published row.
      await deps.tasks?.onPublished({ room: p.room, event: p.event, orgId: row.orgId, outboxId: row.id });
    },
    maxAttempts: 20,
  } satisfies OutboxKind<z.infer<typeof RealtimePayloadSchema>>,
  // Messages to people go out through the notifications platform (deps.notifications), one
  // address after another in commit order; a message parked for its address never blocks it.
  email: {
    schema: EmailPayloadSchema,
    orderKey: (p) => p.to,
    deliver: (deps, p, row) => messageSender(deps).email(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<EmailPayload>,
  sms: {
    schema: SmsPayloadSchema,
    orderKey: (p) => p.to,
    deliver: (deps, p, row) => messageSender(deps).sms(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<SmsPayload>,
  // Work a domain does in reaction to another domain's published event (see Deps.tasks), with
  // the outbox's retries: e.g. the calendars domain pushing a finalized plan to Google.
  task: {
    schema: TaskPayloadSchema,
    orderKey: (p) => `${p.domain}:${p.key}`,
    deliver: (deps, p) => {
      if (!deps.tasks) throw new Error("no domain tasks configured (deps.tasks)");
      return deps.tasks.run(p);
    },
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<TaskPayload>,
  push: {
    schema: PushPayloadSchema,
    orderKey: (p) => p.subscriptionId,
    deliver: (deps, p, row) => messageSender(deps).push(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<PushPayload>,
  // One event to one webhook endpoint, POSTed by the webhooks platform (deps.webhooks). An
  // endpoint's events go one after another, so an endpoint that is down is tried once per backoff,
  // not once per event; different endpoints (and organizations) in parallel.
  webhook: {
    schema: WebhookPayloadSchema,
    orderKey: (p) => p.endpointId,
    deliver: (deps, p, row) => webhookSender(deps).deliver(deps, p, row),
    maxAttempts: Number.MAX_SAFE_INTEGER,
    retryAt: webhookRetryAt,
  } satisfies OutboxKind<WebhookPayload>,
  // A notification to people: at its due time the notifications platform asks the owning domain
  // who gets it, writes their inbox items and queues the email and push rows (each person's
  // preferences honoured), once.
  notify: {
    schema: NotifyPayloadSchema,
    orderKey: (p) => p.key,
    deliver: (deps, p, row) => messageSender(deps).notify(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<NotifyPayload>,
};
type Kinds = typeof KINDS;
export type KindName = keyof Kinds;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

export type OutboxMessage = {
  [K in KindName]: { kind: K; payload: z.infer<Kinds[K]["schema"]> };
}[KindName];

/**
 * A realtime message for `room`. With `disconnect`, the room then closes the connections of
 * those room-token subjects (a participant or member who was just removed): they receive
 * neither this message nor any later one.
 */
export function realtime(room: string, event: PublishedEvent, opts: { disconnect?: string[] } = {}): OutboxMessage {
  return { kind: "realtime", payload: { room, event, ...(opts.disconnect?.length ? { disconnect: opts.disconnect } : {}) } };
}

/** An email to one address, sent by the notifications platform's email provider. */
export function email(payload: EmailPayload): OutboxMessage {
  return { kind: "email", payload: EmailPayloadSchema.parse(payload) };
}

/** A text message to one phone number, sent by the notifications platform's SMS provider. */
export function sms(payload: SmsPayload): OutboxMessage {
  return { kind: "sms", payload: SmsPayloadSchema.parse(payload) };
}
/** A web push message to one browser subscription, sent by the notifications platform. */
export function push(payload: PushPayload): OutboxMessage {
  return { kind: "push", payload: PushPayloadSchema.parse(payload) };
}
/** A webhook delivery of `event` to one endpoint (a resend: the same event id again). */
export function webhook(payload: WebhookPayload): OutboxMessage {
  return { kind: "webhook", payload: WebhookPayloadSchema.parse(payload) };
}

/** A task for a domain's `tasks.run`, delivered with the outbox's retries. */
export function task(payload: TaskPayload): OutboxMessage {
  return { kind: "task", payload: TaskPayloadSchema.parse(payload) };
}

/** A notification of `kind` about `subjectId`, fanned out to people when it is due (see `NotifyPayloadSchema`). */
export function notify(payload: Omit<NotifyPayload, "key">): OutboxMessage {
  return { kind: "notify", payload: NotifyPayloadSchema.parse({ ...payload, key: newId("outbox") }) };
}
/** Kept for callers written before email had a deliverer; every kind now has one. */
export type PendingMessage = OutboxMessage;

/**
 * Sends the messages to people (email, SMS) for the outbox; platform/notifications implements it
 * with the configured providers and node.ts / worker.ts put it in `deps.notifications`.
 */
export interface MessageSender {
  email(deps: DeliveryDeps, payload: EmailPayload, row: { id: string; orgId: string | null }): Promise<void>;
  sms(deps: DeliveryDeps, payload: SmsPayload, row: { id: string; orgId: string | null }): Promise<void>;
  push(deps: DeliveryDeps, payload: PushPayload, row: { id: string; orgId: string | null }): Promise<void>;
  /** Fans a notification out to its recipients' inboxes and channels. */
  notify(deps: DeliveryDeps, payload: NotifyPayload, row: { id: string; orgId: string | null }): Promise<void>;
  /** Checks the signature of the SMS provider's status callback, when it sends them (Twilio). */
  verifySmsStatus?(url: string, params: URLSearchParams, signature: string): Promise<boolean>;
  /** Checks the signature of the email provider's webhook (Resend's, Svix-signed), when one is configured. */
  verifyEmailEvent?(
    headers: { id: string | undefined; timestamp: string | undefined; signature: string | undefined },
    body: string,
    now: number,
  ): Promise<boolean>;
  /** What browsers need to subscribe to web push, when it is configured. */
  webPush?: { publicKey: string; allowsEndpoint(endpoint: string): boolean };
}

/**
 * Posts webhook outbox rows to their endpoints; platform/webhooks implements it and node.ts /
 * worker.ts put it in `deps.webhooks`. It throws a `DeliveryError` to retry, a permanent one to stop.
 */
export interface WebhookSender {
  /** The catalogue's event types: only these are sent to endpoints (`*` means all of these). */
  eventTypes: ReadonlySet<string>;
  deliver(deps: DeliveryDeps, payload: WebhookPayload, row: OutboxRowRef): Promise<void>;
}

function webhookSender(deps: DeliveryDeps): WebhookSender {
  if (!deps.webhooks) throw new Error("no webhook sender configured (deps.webhooks)");
  return deps.webhooks;
}

/** A webhook delivery is retried for this long after its event, then given up (parked). */
export const WEBHOOK_RETRY_WINDOW_MS = 3 * 24 * 60 * 60_000;
const WEBHOOK_FIRST_RETRY_MS = 60_000;
const WEBHOOK_MAX_BACKOFF_MS = 8 * 60 * 60_000;

/**
 * Webhooks' schedule: 1 min, 4 min, 16 min, ~1 h, ~4 h, then every 8 h (plus up to 25 % jitter,
 * never sooner than a 429's Retry-After), until three days after the event; a permanent failure
 * (the endpoint answered 410, or was disabled) stops at once.
 */
export function webhookRetryAt(err: unknown, attempts: number, createdAt: number, at: number, random = Math.random): number {
  if (err instanceof DeliveryError && err.permanent) return PARKED;
  const base = Math.min(WEBHOOK_FIRST_RETRY_MS * 4 ** Math.max(0, attempts - 1), WEBHOOK_MAX_BACKOFF_MS);
  const wait = Math.max(Math.round(base * (1 + 0.25 * random())), err instanceof DeliveryError ? (err.retryAfterMs ?? 0) : 0);
  const next = at + Math.min(wait, WEBHOOK_MAX_BACKOFF_MS);
  return next > createdAt + WEBHOOK_RETRY_WINDOW_MS ? PARKED : next;
}

/**
 * Queues one webhook outbox row per enabled endpoint of the row's organization subscribed to
 * the event's type (or to `*`), in one INSERT … SELECT. The event id and the rows' ids derive
 * from the realtime row's, so running it again (a retried publish) inserts nothing new.
 */
async function queueWebhookDeliveries(deps: DeliveryDeps, event: PublishedEvent, row: OutboxRowRef): Promise<void> {
  // Only the catalogue's types (the domains' messages): not an organization's own feed
  // (key.changed, member.changed…) nor a person's inbox; and nothing without a sender.
  if (!row.orgId || !deps.webhooks?.eventTypes.has(event.type)) return;
  const suffix = row.id.slice(row.id.indexOf("_") + 1);
  const eventId = `whevt_${suffix}`;
  const now = deps.now();
  const e = webhookEndpoints;
  // Each endpoint is its own order key (see `webhook.orderKey`): one slow endpoint delays only itself.
  await deps.db.run(sql`INSERT INTO ${outbox} (id, org_id, kind, payload, attempts, next_attempt_at, created_at, order_key)
    SELECT 'obx_' || ${suffix} || substr(${e.id}, instr(${e.id}, '_') + 1), ${e.orgId}, 'webhook',
      json_object('endpointId', ${e.id}, 'event', json_object('id', ${eventId}, 'type', ${event.type}, 'created', ${row.createdAt}, 'data', json(${JSON.stringify(event.data)}))),
      0, ${now}, ${now}, ${e.id}
    FROM ${e}
    WHERE ${e.orgId} = ${row.orgId} AND ${e.status} = 'enabled'
      AND EXISTS (SELECT 1 FROM json_each(${e.eventTypes}) WHERE value IN (${event.type}, '*'))
    ON CONFLICT (id) DO NOTHING`);
}

function messageSender(deps: DeliveryDeps): MessageSender {
  if (!deps.notifications) throw new Error("no notification providers configured (deps.notifications)");
  return deps.notifications;
}

/**
 * A failed delivery that says how to go on: `retryAfterMs` is the least wait the receiver asked
 * for (a 429's or 503's Retry-After); `permanent` means this message will never go through (the
 * provider refused it: a bad number, an unknown address), so it is parked now with the reason.
 */
export class DeliveryError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  constructor(message: string, opts: { retryAfterMs?: number; permanent?: boolean } = {}) {
    super(message);
    this.name = "DeliveryError";
    this.retryAfterMs = opts.retryAfterMs;
    this.permanent = opts.permanent ?? false;
  }
}

/** When a row whose attempt number `attempts` failed with `err` is tried next: a time, or `PARKED`. */
export function nextAttemptAfter(err: unknown, attempts: number, maxAttempts: number, at: number, random = Math.random): number {
  if (attempts >= maxAttempts) return PARKED;
  if (err instanceof DeliveryError) {
    if (err.permanent) return PARKED;
    return at + Math.max(retryDelay(attempts, random), Math.min(err.retryAfterMs ?? 0, BACKOFF_MAX_MS));
  }
  return at + retryDelay(attempts, random);
}

function outboxRow(message: OutboxMessage, opts: { orgId?: string | null; now?: number; dueAt?: number }) {
  const now = opts.now ?? Date.now();
  const orgId = opts.orgId ?? ("room" in message.payload ? orgOfRoom(message.payload.room) : null);
  return {
    id: newId("outbox"),
    orgId,
    kind: message.kind,
    payload: message.payload,
    attempts: 0,
    nextAttemptAt: opts.dueAt ?? now,
    createdAt: now,
    orderKey: orderKeyOf(message),
  };
}

/**
 * The insert for one outbox message. Put it in the same `db.batch([...])` as the change it
 * reports (or await it alone), then call `deliverSoon(deps)` once the batch has committed.
 */
export function enqueue(db: Db, message: OutboxMessage, opts: { orgId?: string | null; now?: number; dueAt?: number } = {}) {
  return db.insert(outbox).values(outboxRow(message, opts));
}

/**
 * `enqueue`, but the row is written only if `when` holds as the statement runs (see
 * `insertWhen`): for a message that must exist only if a conditional write before it in the
 * same batch really changed something.
 */
export function enqueueWhen(db: Db, message: OutboxMessage, when: SQL, opts: { orgId?: string | null; now?: number; dueAt?: number } = {}) {
  return insertWhen(db, outbox, outboxRow(message, opts), when);
}

/** The order key a message's row is written with (see `outbox.order_key`). */
export function orderKeyOf(message: OutboxMessage): string {
  return (KINDS[message.kind] as OutboxKind<unknown>).orderKey(message.payload);
}

/**
 * After a delivery pass, each organization whose plans', events' or places' rooms just got
 * messages hears one content-free `organization.activity` in its own room (which kinds of room;
 * no id, no data), so the dashboard's overview — one socket whatever the number of objects, for
 * the organization's staff only — knows to refetch its figures. One per organization per pass,
 * however many rows it sent; chat moves no figure and is left out. Best effort: a failed echo is
 * logged, not retried (the next change echoes again; the overview keeps its Refresh button).
 */
export async function echoActivity(
  deps: DeliveryDeps,
  rows: readonly { id: string; kind: string; orgId: string | null; payload: unknown }[],
) {
  const byOrg = new Map<string, { id: string; rooms: Set<(typeof ACTIVITY_ROOM_KINDS)[number]> }>();
  for (const row of rows) {
    if (row.kind !== "realtime" || !row.orgId) continue;
    const p = row.payload as { room: string; event: { type: string } };
    const kind = ACTIVITY_ROOM_KINDS.find((k) => p.room.startsWith(`${k}:`));
    if (!kind || QUIET_MESSAGE_TYPES.has(p.event.type)) continue;
    const echo = byOrg.get(row.orgId) ?? { id: row.id, rooms: new Set() };
    echo.rooms.add(kind);
    byOrg.set(row.orgId, echo);
  }
  for (const [orgId, echo] of byOrg) {
    try {
      await deps.publisher.publish(
        `org:${orgId}`,
        { type: "organization.activity", data: { rooms: [...echo.rooms].sort() } },
        { id: `${echo.id}.org` },
      );
    } catch (err) {
      deps.logger.warn("echoing activity to an organization's room failed", { orgId, error: String(err) });
    }
  }
}

function orgOfRoom(room: string): string | null {
  return room.startsWith("org:") ? room.slice("org:".length) : null;
}

const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 15 * 60_000;
/** `next_attempt_at` of a row that will not be tried again (see `last_error`). */
export const PARKED = Number.MAX_SAFE_INTEGER;

/** Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s, … capped at 15 min, plus up to 25 % jitter. */
export function retryDelay(attempts: number, random = Math.random): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.round(base * (1 + 0.25 * random()));
}
