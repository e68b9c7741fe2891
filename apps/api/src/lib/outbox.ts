import { newId, type PublishedEvent, PublishedEventSchema, RoomNameSchema, z } from "@gatherkit/core";
import { type Db, outbox } from "@gatherkit/db";
import { and, asc, eq, getTableColumns, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import { insertWhen } from "./guarded-insert.js";
import { pruneIdempotencyKeys } from "./idempotency.js";
import { rootDb } from "./idempotent-writes.js";
import type { Deps } from "./types.js";

/**
 * Durable outbox for side effects. A change and the message it causes are written in the same
 * `db.batch`, so the message exists if and only if the change committed; after the commit a
 * deliverer sends it, retrying with backoff until it is sent. Nothing is lost in a crash and,
 * because a row is claimed by one conditional UPDATE, two deliverers never send the same row.
 *
 * A route that changes something and tells a room:
 *
 *   await db.batch([db.update(plans).set(…).where(…), enqueue(db, realtime(`plan:${id}`, event))]);
 *   deliverSoon(c.var.deps);
 *
 * or, when the change is already committed: `await publishAfterCommit(c.var.deps, room, event)`.
 */

/** Everything delivery needs from the app's dependencies. */
export type DeliveryDeps = Pick<Deps, "db" | "publisher" | "logger" | "now" | "notifications">;

interface OutboxKind<P> {
  schema: z.ZodType<P>;
  /**
   * Rows with the same key are sent in commit order, one after another; different keys in
   * parallel. The same key as SQL over the row's `payload`, for the claim's "nothing earlier
   * is still waiting" guard.
   */
  orderKey(payload: P): string;
  orderKeySql(payload: SQL): SQL;
  deliver(deps: DeliveryDeps, payload: P, row: { id: string; seq: number; orgId: string | null }): Promise<void>;
  /** Attempts before the row is parked as failed (its `last_error` says why). */
  maxAttempts: number;
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
  /** What the email is about, for the provider's templates and the outbox viewer (e.g. `plan_invite`). */
  template: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type EmailPayload = z.infer<typeof EmailPayloadSchema>;

const SmsPayloadSchema = z.object({
  /** E.164 (normalise user input with platform/notifications' `toE164`). */
  to: z.string().regex(/^\+[1-9][0-9]{6,14}$/, "must be an E.164 phone number such as +14155550100"),
  text: z.string().min(1).max(1600),
  template: z.string(),
  data: z.record(z.string(), z.unknown()),
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
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** Attempts before an email or SMS is parked (its `last_error` and delivery log say why). */
export const MESSAGE_MAX_ATTEMPTS = 10;

/** Every kind of outbox message and how it is delivered. Add a kind here. */
const KINDS = {
  realtime: {
    schema: RealtimePayloadSchema,
    orderKey: (p) => p.room,
    orderKeySql: (payload) => sql`json_extract(${payload}, '$.room')`,
    // The row id and its sequence travel with the publish, so the room drops a repeat of a
    // delivery whose answer was lost, however late it comes: at-least-once here, once for the
    // clients. Sequences rise in commit order and a room's rows go out in that order, so the
    // room only needs the highest one it has broadcast.
    deliver: (deps, p, row) =>
      deps.publisher.publish(p.room, p.event, {
        id: row.id,
        order: row.seq,
        ...(p.disconnect?.length ? { disconnect: p.disconnect } : {}),
      }),
    maxAttempts: 20,
  } satisfies OutboxKind<z.infer<typeof RealtimePayloadSchema>>,
  // Messages to people go out through the notifications platform (deps.notifications), one
  // address after another in commit order; a message parked for its address never blocks it.
  email: {
    schema: EmailPayloadSchema,
    orderKey: (p) => p.to,
    orderKeySql: (payload) => sql`json_extract(${payload}, '$.to')`,
    deliver: (deps, p, row) => messageSender(deps).email(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<EmailPayload>,
  sms: {
    schema: SmsPayloadSchema,
    orderKey: (p) => p.to,
    orderKeySql: (payload) => sql`json_extract(${payload}, '$.to')`,
    deliver: (deps, p, row) => messageSender(deps).sms(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<SmsPayload>,
  push: {
    schema: PushPayloadSchema,
    orderKey: (p) => p.subscriptionId,
    orderKeySql: (payload) => sql`json_extract(${payload}, '$.subscriptionId')`,
    deliver: (deps, p, row) => messageSender(deps).push(deps, p, row),
    maxAttempts: MESSAGE_MAX_ATTEMPTS,
  } satisfies OutboxKind<PushPayload>,
};
type Kinds = typeof KINDS;
type KindName = keyof Kinds;
const KIND_NAMES = Object.keys(KINDS) as KindName[];

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
  /** What browsers need to subscribe to web push, when it is configured. */
  webPush?: { publicKey: string; allowsEndpoint(endpoint: string): boolean };
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

function orgOfRoom(room: string): string | null {
  return room.startsWith("org:") ? room.slice("org:".length) : null;
}

/** A claimed row stays invisible to other deliverers this long; then it is due again. */
export const CLAIM_LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 15 * 60_000;
/** `next_attempt_at` of a row that will not be tried again (see `last_error`). */
export const PARKED = Number.MAX_SAFE_INTEGER;

/** Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s, … capped at 15 min, plus up to 25 % jitter. */
export function retryDelay(attempts: number, random = Math.random): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.round(base * (1 + 0.25 * random()));
}

export interface DeliveryResult {
  claimed: number;
  sent: number;
  failed: number;
}

/**
 * Claims due rows with one conditional UPDATE (`sent_at` still null, `next_attempt_at` passed),
 * pushing their `next_attempt_at` a lease ahead, so a concurrent deliverer's UPDATE no longer
 * matches them. Sends each, then marks it sent, or records the error and the next attempt.
 * Loops while batches come back full.
 */
export async function deliverOutbox(deps: DeliveryDeps, opts: { limit?: number; maxBatches?: number } = {}): Promise<DeliveryResult> {
  const limit = opts.limit ?? 25;
  const total: DeliveryResult = { claimed: 0, sent: 0, failed: 0 };
  for (let batch = 0; batch < (opts.maxBatches ?? 10); batch++) {
    const r = await deliverBatch(deps, limit);
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.failed += r.failed;
    if (r.claimed < limit) break;
  }
  return total;
}

/**
 * The outbox's sequence: SQLite's rowid, which every insert (`enqueue`, `enqueueWhen`) takes
 * as one more than the largest, inside the writing transaction, so it rises in commit order
 * (not clock order: two rows of one millisecond keep the order they were written in). Pruning
 * never deletes the newest row, so a sequence is never handed out twice.
 */
const seq = sql<number>`${outbox}.rowid`;

/**
 * "No earlier row with the same order key is still on its way": unsent, not parked, and not due
 * now (leased by another deliverer or waiting out a backoff). An earlier row that is due now is
 * claimed in the same batch, before this one (claims go in sequence order), so it does not
 * block; one that failed and waits blocks everything after it.
 */
function nothingEarlierWaiting(kind: OutboxKind<unknown>, name: string, now: number): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${outbox} AS earlier WHERE earlier.kind = ${name}
    AND ${kind.orderKeySql(sql.raw("earlier.payload"))} = ${kind.orderKeySql(sql`${outbox.payload}`)}
    AND earlier.rowid < ${seq} AND earlier.sent_at IS NULL
    AND earlier.next_attempt_at <> ${PARKED} AND earlier.next_attempt_at > ${now})`;
}

async function deliverBatch(deps: DeliveryDeps, limit: number): Promise<DeliveryResult> {
  const { db } = deps;
  const now = deps.now?.() ?? Date.now();
  const inOrder = sql.join(
    KIND_NAMES.map((name) => sql`(${outbox.kind} = ${name} AND ${nothingEarlierWaiting(KINDS[name] as OutboxKind<unknown>, name, now)})`),
    sql` OR `,
  );
  const due = and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now), inArray(outbox.kind, KIND_NAMES));
  const claimed = await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now + CLAIM_LEASE_MS })
    .where(
      and(
        inArray(
          outbox.id,
          db
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(due, sql`(${inOrder})`))
            .orderBy(asc(seq))
            .limit(limit),
        ),
        due,
      ),
    )
    .returning({ ...getTableColumns(outbox), seq });
  if (claimed.length === 0) return { claimed: 0, sent: 0, failed: 0 };

  claimed.sort((a, b) => a.seq - b.seq);
  const groups = new Map<string, typeof claimed>();
  const result: DeliveryResult = { claimed: claimed.length, sent: 0, failed: 0 };
  for (const row of claimed) {
    const kind = KINDS[row.kind as KindName] as OutboxKind<unknown>;
    const parsed = kind.schema.safeParse(row.payload);
    if (!parsed.success) {
      result.failed++;
      await park(deps, row.id, `invalid payload: ${parsed.error.message}`);
      continue;
    }
    const key = `${row.kind}:${kind.orderKey(parsed.data)}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }

  await Promise.all(
    [...groups.values()].map(async (rows) => {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const kind = KINDS[row.kind as KindName] as OutboxKind<unknown>;
        try {
          await kind.deliver(deps, kind.schema.parse(row.payload), row);
          await db
            .update(outbox)
            .set({ sentAt: deps.now?.() ?? Date.now(), lastError: null })
            .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt)));
          result.sent++;
        } catch (err) {
          result.failed++;
          const message = err instanceof Error ? err.message : String(err);
          const at = deps.now?.() ?? Date.now();
          const retryAt = nextAttemptAfter(err, row.attempts, kind.maxAttempts, at);
          if (retryAt === PARKED) {
            const why = err instanceof DeliveryError && err.permanent ? "refused" : `gave up after ${row.attempts} attempts`;
            await park(deps, row.id, `${why}: ${message}`);
          } else {
            await db
              .update(outbox)
              .set({ nextAttemptAt: retryAt, lastError: message.slice(0, 1000) })
              .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt)));
            // Later messages for the same target wait behind this one, keeping their order;
            // they were not attempted, so their claim does not count as an attempt.
            const later = rows.slice(i + 1).map((r) => r.id);
            if (later.length > 0) {
              await db
                .update(outbox)
                .set({ nextAttemptAt: retryAt, attempts: sql`${outbox.attempts} - 1` })
                .where(and(inArray(outbox.id, later), isNull(outbox.sentAt)));
            }
          }
          deps.logger.warn("outbox delivery failed", { id: row.id, kind: row.kind, attempts: row.attempts, error: message });
          return;
        }
      }
    }),
  );
  return result;
}

async function park(deps: DeliveryDeps, id: string, reason: string) {
  deps.logger.error("outbox message parked", { id, reason });
  await deps.db
    .update(outbox)
    .set({ nextAttemptAt: PARKED, lastError: reason.slice(0, 1000) })
    .where(and(eq(outbox.id, id), isNull(outbox.sentAt)));
}

/** One delivery loop per database at a time in this process; kicks during a run ask for one more pass. */
const loops = new WeakMap<Db, { running: Promise<void> | undefined; again: boolean }>();

function runCoalesced(requestDeps: DeliveryDeps): Promise<void> {
  // A request with an Idempotency-Key hands its services a wrapper of the db: deliver on the db under it.
  const deps = { ...requestDeps, db: rootDb(requestDeps.db) };
  let state = loops.get(deps.db);
  if (!state) {
    state = { running: undefined, again: false };
    loops.set(deps.db, state);
  }
  const s = state;
  if (s.running) {
    s.again = true;
    return s.running;
  }
  s.running = (async () => {
    try {
      do {
        s.again = false;
        await deliverOutbox(deps);
      } while (s.again);
    } finally {
      s.running = undefined;
    }
  })();
  return s.running;
}

/**
 * Delivers due outbox rows in the background, after the response: through `deps.waitUntil`
 * on Workers (so the isolate stays alive for it), fire-and-forget on Node. Never throws.
 */
export function deliverSoon(deps: DeliveryDeps & Pick<Deps, "waitUntil">): void {
  const run = runCoalesced(deps).catch((err: unknown) => {
    deps.logger.error("outbox delivery crashed", { error: err instanceof Error ? err.message : String(err) });
  });
  if (deps.waitUntil) deps.waitUntil(run);
}

/**
 * For a change that has already committed: records the realtime message durably, then
 * delivers it in the background. Prefer `enqueue` in the change's own `db.batch` when you can.
 */
export async function publishAfterCommit(
  deps: DeliveryDeps & Pick<Deps, "waitUntil">,
  room: string,
  event: PublishedEvent,
  opts: { orgId?: string; disconnect?: string[] } = {},
): Promise<void> {
  await enqueue(deps.db, realtime(room, event, { disconnect: opts.disconnect }), { orgId: opts.orgId, now: deps.now?.() });
  deliverSoon(deps);
}

/**
 * Retries what failed and what a crash left behind: runs a delivery pass every `intervalMs`
 * (Node). On Workers, call `deliverOutbox` from a cron trigger instead.
 */
export function startOutboxPump(deps: DeliveryDeps & Pick<Deps, "waitUntil">, intervalMs = 5_000): () => void {
  let ticks = 0;
  const timer = setInterval(() => {
    deliverSoon(deps);
    // About once a minute, drop what is past its retention (sent outbox rows, idempotency keys).
    if (ticks++ % Math.max(1, Math.round(60_000 / intervalMs)) === 0) {
      pruneExpired(deps).catch((err: unknown) =>
        deps.logger.error("pruning failed", { error: err instanceof Error ? err.message : String(err) }),
      );
    }
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

/**
 * Everything the API keeps only for a while, pruned past its retention: sent outbox rows and
 * idempotency keys. The Node pump runs it about once a minute, the Worker's cron on each run.
 */
export async function pruneExpired(deps: Pick<Deps, "db" | "now" | "logger">): Promise<{ outbox: number; idempotencyKeys: number }> {
  const result = { outbox: await pruneOutbox(deps), idempotencyKeys: await pruneIdempotencyKeys(deps) };
  if (result.outbox || result.idempotencyKeys) deps.logger.info("pruned", result);
  return result;
}

/** Sent rows are kept this long (to look into what was sent), then pruned. */
export const SENT_RETENTION_MS = 24 * 60 * 60_000;

/**
 * Deletes rows sent more than `SENT_RETENTION_MS` ago. The newest row is always kept, even when
 * sent, so SQLite never hands its sequence (rowid) out again: rooms drop any publish whose
 * sequence is not above the highest they have broadcast. Unsent and parked rows are never pruned.
 */
export async function pruneOutbox(deps: Pick<Deps, "db" | "now">, retentionMs = SENT_RETENTION_MS): Promise<number> {
  const cutoff = (deps.now?.() ?? Date.now()) - retentionMs;
  const deleted = await deps.db
    .delete(outbox)
    .where(and(lt(outbox.sentAt, cutoff), sql`${outbox}.rowid < (SELECT max(rowid) FROM ${outbox})`))
    .returning({ id: outbox.id });
  return deleted.length;
}
