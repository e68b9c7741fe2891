import type { PublishedEvent } from "@gatherkit/core";
import { type Db, outbox, webhookDeliveries } from "@gatherkit/db";
import { and, eq, getTableColumns, inArray, isNull, lt, lte, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { pruneIdempotencyKeys } from "./idempotency.js";
import { rootDb } from "./idempotent-writes.js";
import {
  type DeliveryDeps,
  DeliveryError,
  echoActivity,
  enqueue,
  KIND_NAMES,
  KINDS,
  type KindName,
  nextAttemptAfter,
  type OutboxKind,
  PARKED,
  realtime,
} from "./outbox-messages.js";
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

// What is sent (the kinds, the inserts that queue them, the retry policy) lives in
// outbox-messages.ts; this module is how it is sent, and the one import for both.
export {
  type DeliveryDeps,
  DeliveryError,
  type EmailPayload,
  email,
  enqueue,
  enqueueWhen,
  MESSAGE_MAX_ATTEMPTS,
  type MessageSender,
  type NotifyPayload,
  nextAttemptAfter,
  notify,
  type OutboxMessage,
  orderKeyOf,
  PARKED,
  type PendingMessage,
  type PushPayload,
  push,
  realtime,
  retryDelay,
  type SmsPayload,
  sms,
  type TaskPayload,
  task,
  type WebhookPayload,
  type WebhookSender,
  webhook,
} from "./outbox-messages.js";

/**
 * A claimed row stays invisible to other deliverers this long; then it is due again. While a
 * pass is in flight its deliverer renews the lease of the rows it still holds every third of it
 * (`DeliveryOptions.renewEveryMs`), so a slow publish keeps its rows; a deliverer that died
 * (kill -9, a stopped isolate) holds them at most this long. On Node a restarted process does
 * not wait even that: it hands the dead process's claims back at start (`releaseClaimsOf`).
 */
export const CLAIM_LEASE_MS = 10_000;
export interface DeliveryResult {
  claimed: number;
  sent: number;
  failed: number;
}

export interface DeliveryOptions {
  /** Rows claimed per pass (default 50). */
  limit?: number;
  /** Passes before returning, while passes still find rows (default 20). */
  maxBatches?: number;
  /** Rows of one order key (one room) claimed per pass; they go out one after another (default 10). */
  perKey?: number;
  /** Order keys (rooms) sent to at the same time (default 8). */
  concurrency?: number;
  /** Wall-clock milliseconds between lease renewals while a pass is in flight (default a third of the lease). */
  renewEveryMs?: number;
}

/**
 * The deliverer id of this module instance (a process on Node, an isolate on Workers), unless
 * `Deps.instanceId` names one. Made on first use: Workers allow no random values at global scope.
 */
let moduleInstanceId: string | undefined;
function holderOf(deps: DeliveryDeps): string {
  if (deps.instanceId) return deps.instanceId;
  moduleInstanceId ??= `dlv_${crypto.randomUUID()}`;
  return moduleInstanceId;
}
const nowOf = (deps: Pick<Deps, "now">) => deps.now();

/**
 * Delivers due rows in passes: each pass claims a fair batch (see `claim`), sends the rows of
 * each order key one after another and different keys at the same time (at most
 * `concurrency`), then marks them sent, or records the error and the next attempt. Passes go
 * on while they find rows, up to `maxBatches`.
 */
export async function deliverOutbox(deps: DeliveryDeps, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const total: DeliveryResult = { claimed: 0, sent: 0, failed: 0 };
  for (let batch = 0; batch < (opts.maxBatches ?? 20); batch++) {
    const r = await deliverBatch(deps, opts);
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.failed += r.failed;
    if (r.claimed === 0) break;
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

type ClaimedRow = typeof outbox.$inferSelect & { seq: number };

/**
 * Claims a fair batch with one conditional UPDATE (`sent_at` still null, `next_attempt_at`
 * passed, nothing earlier of its key waiting), pushing the rows' `next_attempt_at` a lease ahead
 * and naming this deliverer in `claimed_by`, so a concurrent deliverer's UPDATE no longer matches
 * them. Fair: of each order key only the first `perKey` due rows are candidates, and candidates
 * are taken round-robin across organizations (each organization's first, then each one's second,
 * …; within an organization its keys take turns), so one organization's backlog, however long,
 * takes one turn per round and another organization's row goes out in the next pass.
 */
async function claim(deps: DeliveryDeps, opts: DeliveryOptions): Promise<ClaimedRow[]> {
  const { db } = deps;
  const now = nowOf(deps);
  const kinds = sql.join(
    KIND_NAMES.map((name) => sql`${name}`),
    sql`, `,
  );
  const due = and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now), inArray(outbox.kind, KIND_NAMES));
  // Per order key (read through the `outbox_order` index, never the payloads), its first
  // `perKey` unsent rows in sequence, parked ones left out (they let the rest go). A due row is a
  // candidate when no row before it in that prefix waits (leased by a deliverer, alive or dead,
  // or waiting out a backoff): a later row never overtakes a claimed-but-unsent or failed one.
  // So the work is a few index lookups per key, however long one key's backlog is.
  const fair = sql`WITH keys AS (
      SELECT DISTINCT kind, order_key FROM ${outbox} WHERE sent_at IS NULL AND kind IN (${kinds})
    ), heads AS (
      SELECT o.id, o.rowid AS seq, coalesce(o.org_id, '') AS org,
        row_number() OVER (PARTITION BY o.kind, o.order_key ORDER BY o.rowid) AS in_key,
        sum(o.next_attempt_at > ${now}) OVER (PARTITION BY o.kind, o.order_key ORDER BY o.rowid) AS waits
      FROM keys JOIN ${outbox} o ON o.rowid IN (
        SELECT rowid FROM ${outbox} WHERE sent_at IS NULL AND kind = keys.kind AND order_key = keys.order_key AND next_attempt_at <> ${PARKED}
        ORDER BY rowid LIMIT ${opts.perKey ?? 10}
      )
    )
    SELECT id FROM (
      SELECT id, seq, row_number() OVER (PARTITION BY org ORDER BY in_key, seq) AS in_org FROM heads WHERE waits = 0
    ) ORDER BY in_org, seq LIMIT ${opts.limit ?? 50}`;
  return db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now + CLAIM_LEASE_MS, claimedBy: holderOf(deps) })
    .where(and(sql`${outbox.id} IN (${fair})`, due))
    .returning({ ...getTableColumns(outbox), seq });
}

async function deliverBatch(deps: DeliveryDeps, opts: DeliveryOptions): Promise<DeliveryResult> {
  const claimed = await claim(deps, opts);
  const result: DeliveryResult = { claimed: claimed.length, sent: 0, failed: 0 };
  if (claimed.length === 0) return result;

  claimed.sort((a, b) => a.seq - b.seq);
  const groups = new Map<string, { org: string; rows: ClaimedRow[] }>();
  for (const row of claimed) {
    const kind = KINDS[row.kind as KindName] as OutboxKind<unknown>;
    const parsed = kind.schema.safeParse(row.payload);
    if (!parsed.success) {
      result.failed++;
      await park(deps, row.id, `invalid payload: ${parsed.error.message}`);
      continue;
    }
    const key = `${row.kind}:${kind.orderKey(parsed.data)}`;
    const group = groups.get(key) ?? { org: row.orgId ?? "", rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  // Keys start in the claim's round-robin order: each organization's first key, then each one's second, …
  const turn = new Map<string, number>();
  const queue = [...groups.values()]
    .map((g) => {
      const n = turn.get(g.org) ?? 0;
      turn.set(g.org, n + 1);
      return { turn: n, first: g.rows[0]!.seq, rows: g.rows };
    })
    .sort((a, b) => a.turn - b.turn || a.first - b.first);

  const delivered: ClaimedRow[] = [];
  // Keep the lease of what is still in flight, so a slow publish is not taken over while it runs.
  const ids = claimed.map((row) => row.id);
  const renewal = setInterval(
    () => {
      renewLeases(deps, ids).catch((err: unknown) =>
        deps.logger.warn("outbox lease renewal failed", { error: err instanceof Error ? err.message : String(err) }),
      );
    },
    opts.renewEveryMs ?? CLAIM_LEASE_MS / 3,
  );
  (renewal as { unref?: () => void }).unref?.();
  try {
    await inParallel(queue, Math.max(1, opts.concurrency ?? 8), async ({ rows }) => {
      const r = await deliverInOrder(deps, rows);
      result.sent += r.sent;
      result.failed += r.failed;
      delivered.push(...rows.slice(0, r.sent));
    });
  } finally {
    clearInterval(renewal);
  }
  await echoActivity(deps, delivered);
  return result;
}

/**
 * Sends one key's claimed rows in order, stopping at the first failure, then records the outcome
 * in one batch: the sent rows are marked sent; a failed row gets its error and next attempt (or
 * is parked after its last); the rows after it wait behind it, their claim not counted as an
 * attempt since they were not tried.
 */
async function deliverInOrder(deps: DeliveryDeps, rows: ClaimedRow[]): Promise<{ sent: number; failed: number }> {
  const { db } = deps;
  const sent: string[] = [];
  let failure: { row: ClaimedRow; index: number; message: string; err: unknown } | undefined;
  for (const [index, row] of rows.entries()) {
    const kind = KINDS[row.kind as KindName] as OutboxKind<unknown>;
    try {
      await kind.deliver(deps, kind.schema.parse(row.payload), row);
      sent.push(row.id);
    } catch (err) {
      failure = { row, index, message: err instanceof Error ? err.message : String(err), err };
      break;
    }
  }
  const at = nowOf(deps);
  const unsent = and(isNull(outbox.sentAt), eq(outbox.claimedBy, holderOf(deps)));
  const writes: BatchItem<"sqlite">[] = [];
  if (sent.length)
    writes.push(
      db
        .update(outbox)
        .set({ sentAt: at, lastError: null })
        .where(and(inArray(outbox.id, sent), isNull(outbox.sentAt))),
    );
  if (failure) {
    const { row, index, message, err } = failure;
    const kind = KINDS[row.kind as KindName] as OutboxKind<unknown>;
    deps.logger.warn("outbox delivery failed", { id: row.id, kind: row.kind, attempts: row.attempts, error: message });
    // A provider's refusal parks the message at once; a 429/5xx waits at least its Retry-After.
    const retryAt = kind.retryAt
      ? kind.retryAt(err, row.attempts, row.createdAt, at)
      : nextAttemptAfter(err, row.attempts, kind.maxAttempts, at);
    if (retryAt === PARKED) deps.logger.error("outbox message parked", { id: row.id, reason: message });
    const why = err instanceof DeliveryError && err.permanent ? "refused" : `gave up after ${row.attempts} attempts`;
    const lastError = retryAt === PARKED ? `${why}: ${message}` : message;
    writes.push(
      db
        .update(outbox)
        .set({ nextAttemptAt: retryAt, lastError: lastError.slice(0, 1000), claimedBy: null })
        .where(and(eq(outbox.id, row.id), unsent)),
    );
    const later = rows.slice(index + 1).map((r) => r.id);
    // Behind a parked row the rest may go on now; behind one that waits, they wait as long.
    const laterAt = retryAt === PARKED ? at : retryAt;
    if (later.length) {
      writes.push(
        db
          .update(outbox)
          .set({ nextAttemptAt: laterAt, attempts: sql`${outbox.attempts} - 1`, claimedBy: null })
          .where(and(inArray(outbox.id, later), unsent)),
      );
    }
  }
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return { sent: sent.length, failed: failure ? 1 : 0 };
}

/** Pushes the lease of the rows this deliverer still holds (unsent, not given back) a lease ahead. */
async function renewLeases(deps: DeliveryDeps, ids: string[]): Promise<void> {
  await deps.db
    .update(outbox)
    .set({ nextAttemptAt: nowOf(deps) + CLAIM_LEASE_MS })
    .where(and(inArray(outbox.id, ids), eq(outbox.claimedBy, holderOf(deps)), isNull(outbox.sentAt), ne(outbox.nextAttemptAt, PARKED)));
}

/**
 * Takes over the claims of a deliverer known to be dead (on Node: the previous process on the
 * same DATA_DIR, whose pid is gone): its unsent rows are due now, so their rooms resume at once,
 * in order, instead of after the lease. Some may have reached their room before the crash; the
 * room drops the repeat (publish `order`/id). Answers how many rows were handed back.
 */
export async function releaseClaimsOf(deps: Pick<Deps, "db" | "now">, instanceId: string): Promise<number> {
  const released = await deps.db
    .update(outbox)
    .set({ nextAttemptAt: nowOf(deps), claimedBy: null })
    .where(and(eq(outbox.claimedBy, instanceId), isNull(outbox.sentAt), ne(outbox.nextAttemptAt, PARKED)))
    .returning({ id: outbox.id });
  return released.length;
}

/** Runs `fn` over `items`, at most `limit` at a time, starting them in order. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function park(deps: DeliveryDeps, id: string, reason: string) {
  deps.logger.error("outbox message parked", { id, reason });
  await deps.db
    .update(outbox)
    .set({ nextAttemptAt: PARKED, lastError: reason.slice(0, 1000), claimedBy: null })
    .where(and(eq(outbox.id, id), isNull(outbox.sentAt)));
}

/**
 * The background delivery loops of one database in this process. Normally one: kicks during its
 * pass ask for one more, and it goes on while passes find rows, so a backlog drains without
 * waiting for the pump. When a kick comes while the running pass has taken longer than
 * `SLOW_PASS_MS` (a busy room sending its rows one after another, a saturated process), a
 * second loop starts at once: the rows in flight are leased, so its claim takes what was written
 * since (another organization's event) instead of letting it wait for the slow pass. At most
 * `MAX_LOOPS`; a loop that finds nothing stops, the last one only once no kick is pending.
 */
interface LoopState {
  running: Set<Promise<void>>;
  /** Loops that have not decided to stop (counted synchronously, so two never both stop on a kick). */
  active: number;
  again: boolean;
  passStartedAt: number;
  /** Set when the Node pump stops: each loop ends after the batch it is sending. */
  stopping: boolean;
}
const loops = new WeakMap<Db, LoopState>();
const MAX_LOOPS = 2;
const SLOW_PASS_MS = 200;

function runCoalesced(requestDeps: DeliveryDeps): Promise<void> {
  // A request with an Idempotency-Key hands its services a wrapper of the db: deliver on the db under it.
  const deps = { ...requestDeps, db: rootDb(requestDeps.db) };
  let state = loops.get(deps.db);
  if (!state) {
    state = { running: new Set(), active: 0, again: false, passStartedAt: 0, stopping: false };
    loops.set(deps.db, state);
  }
  const s = state;
  if (s.active > 0) {
    s.again = true;
    const slow = nowOf(deps) - s.passStartedAt > SLOW_PASS_MS;
    if (s.active >= MAX_LOOPS || !slow) return Promise.all(s.running).then(() => undefined);
  }
  s.active++;
  const loop = (async () => {
    let stopped = false;
    try {
      for (;;) {
        s.again = false;
        s.passStartedAt = nowOf(deps);
        const found = (await deliverOutbox(deps, { maxBatches: 1 })).claimed > 0;
        if (s.stopping || (!found && !(s.again && s.active === 1))) {
          s.active--;
          stopped = true;
          return;
        }
      }
    } finally {
      if (!stopped) s.active--;
    }
  })();
  const forget = () => void s.running.delete(loop);
  loop.then(forget, forget);
  s.running.add(loop);
  return loop;
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
 * Retries what failed and what a crash left behind: runs a delivery pass at once, then every
 * `intervalMs` (Node). On Workers, call `deliverOutbox` from a cron trigger instead.
 */
export function startOutboxPump(deps: DeliveryDeps & Pick<Deps, "waitUntil">, intervalMs = 5_000): () => Promise<void> {
  // (A pump started again on a database whose last pump stopped delivers in full again.)
  const previous = loops.get(rootDb(deps.db));
  if (previous) previous.stopping = false;
  // At once, for what a previous process left due (or whose claims it just took over).
  deliverSoon(deps);
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
  // Stopping waits for the batches in flight, so the database can be closed after them, but not
  // for the backlog: what is left stays queued for the next process (it takes over this one's
  // claims), so a shutdown under load takes one batch, not as long as the queue.
  return async () => {
    clearInterval(timer);
    const state = loops.get(rootDb(deps.db));
    if (!state) return;
    state.stopping = true;
    await Promise.allSettled(state.running);
  };
}

/**
 * Everything the API keeps only for a while, pruned past its retention: sent outbox rows and
 * idempotency keys, webhook delivery logs. The Node pump runs it about once a minute, the Worker's cron on each run.
 */
export async function pruneExpired(
  deps: Pick<Deps, "db" | "now" | "logger">,
): Promise<{ outbox: number; idempotencyKeys: number; webhookDeliveries: number }> {
  const result = {
    outbox: await pruneOutbox(deps),
    idempotencyKeys: await pruneIdempotencyKeys(deps),
    webhookDeliveries: await pruneWebhookDeliveries(deps),
  };
  if (result.outbox || result.idempotencyKeys || result.webhookDeliveries) deps.logger.info("pruned", result);
  return result;
}

/** A webhook endpoint's delivery log keeps each attempt this long. */
export const WEBHOOK_DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** Deletes webhook delivery log entries older than `WEBHOOK_DELIVERY_RETENTION_MS`. */
export async function pruneWebhookDeliveries(deps: Pick<Deps, "db" | "now">): Promise<number> {
  const deleted = await deps.db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.createdAt, deps.now() - WEBHOOK_DELIVERY_RETENTION_MS))
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
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
