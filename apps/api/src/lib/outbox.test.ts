import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PublishedEvent } from "@gatherkit/core";
import { applyMigrations, type Db, organizations, outbox, webhookEndpoints } from "@gatherkit/db";
import { createLibsqlDb, type LibsqlHandle } from "@gatherkit/db/libsql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "./logger.js";
import {
  CLAIM_LEASE_MS,
  type DeliveryDeps,
  deliverOutbox,
  deliverSoon,
  enqueue,
  PARKED,
  pruneExpired,
  publishAfterCommit,
  realtime,
  releaseClaimsOf,
  retryDelay,
  SENT_RETENTION_MS,
  startOutboxPump,
} from "./outbox.js";
import type { Publisher } from "./publisher.js";

let dir: string;
let url: string;
let handle: LibsqlHandle;
let db: Db;

async function open(): Promise<LibsqlHandle> {
  const h = createLibsqlDb({ url });
  await h.client.execute("PRAGMA busy_timeout = 5000");
  return h;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gk-outbox-"));
  url = pathToFileURL(join(dir, "outbox.db")).href;
  handle = await open();
  await handle.client.execute("PRAGMA journal_mode = WAL");
  await applyMigrations(handle.migrations);
  db = handle.db;
});
afterAll(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.delete(outbox);
});

const room = "org:org_outboxtest01";
const ev = (n: number): PublishedEvent => ({ type: "key.changed", data: { id: `key_${n}` } });

/** A publisher that records, and fails while `failing` is set. */
function recorder() {
  const sent: { room: string; event: PublishedEvent; id: string | undefined }[] = [];
  const state = { failing: false };
  const publisher: Publisher = {
    async publish(r, event, opts) {
      await new Promise((res) => setTimeout(res, Math.random() * 3));
      if (state.failing) throw new Error("room unreachable");
      sent.push({ room: r, event, id: opts?.id });
    },
  };
  return { sent, state, publisher };
}

function deps(publisher: Publisher, clock: { now: number }, database: Db = db, instanceId?: string): DeliveryDeps {
  return { db: database, publisher, logger: silentLogger, now: () => clock.now, ...(instanceId ? { instanceId } : {}) };
}

/** Lease renewal interval of a deliverer that has died: it never renews within a test. */
const DEAD = 3_600_000;

/** Writes `n` realtime rows, spread over `rooms`, in batches. */
async function enqueueMany(rooms: string[], n: number, now: number, event = ev) {
  for (let i = 0; i < n; i += 200) {
    const items = Array.from({ length: Math.min(200, n - i) }, (_, j) =>
      enqueue(db, realtime(rooms[(i + j) % rooms.length]!, event(i + j)), { now }),
    );
    await db.batch(items as [ReturnType<typeof enqueue>, ...ReturnType<typeof enqueue>[]]);
  }
}

describe("enqueue", () => {
  it("lands with the change in one batch, or not at all", async () => {
    const now = Date.now();
    await db.batch([
      db.insert(organizations).values({ id: "org_outboxtest01", name: "Outbox", createdAt: now }),
      enqueue(db, realtime(room, ev(1)), { now }),
    ]);
    expect(await db.select().from(outbox)).toMatchObject([{ kind: "realtime", orgId: "org_outboxtest01", sentAt: null }]);

    // The same organization id again violates the primary key: the batch fails as a whole.
    await expect(
      db.batch([
        db.insert(organizations).values({ id: "org_outboxtest01", name: "Again", createdAt: now }),
        enqueue(db, realtime(room, ev(2)), { now }),
      ]),
    ).rejects.toThrow();
    expect(await db.select().from(outbox)).toHaveLength(1);
  });
});

describe("deliverOutbox", () => {
  it("sends a due row once, with its row id, and marks it sent", async () => {
    const clock = { now: Date.now() };
    const r = recorder();
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });
    expect(await deliverOutbox(deps(r.publisher, clock))).toEqual({ claimed: 1, sent: 1, failed: 0 });
    expect(await deliverOutbox(deps(r.publisher, clock))).toEqual({ claimed: 0, sent: 0, failed: 0 });
    const [row] = await db.select().from(outbox);
    expect(r.sent).toEqual([{ room, event: ev(1), id: row!.id }]);
    expect(row).toMatchObject({ attempts: 1, sentAt: clock.now, lastError: null });
  });

  it("leaves a row pending when the publisher fails, and a later delivery sends it exactly once", async () => {
    const clock = { now: Date.now() };
    const r = recorder();
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });

    r.state.failing = true;
    expect(await deliverOutbox(deps(r.publisher, clock))).toEqual({ claimed: 1, sent: 0, failed: 1 });
    let [row] = await db.select().from(outbox);
    expect(row).toMatchObject({ attempts: 1, sentAt: null, lastError: "room unreachable" });
    expect(row!.nextAttemptAt).toBeGreaterThan(clock.now);
    expect(row!.nextAttemptAt).toBeLessThanOrEqual(clock.now + retryDelay(1, () => 1));

    // Not due yet: nothing is claimed, even with the room back.
    r.state.failing = false;
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 0 });

    clock.now = row!.nextAttemptAt;
    const results = await Promise.all([deliverOutbox(deps(r.publisher, clock)), deliverOutbox(deps(r.publisher, clock))]);
    expect(results.map((x) => x.sent).sort()).toEqual([0, 1]);
    expect(r.sent).toHaveLength(1);
    [row] = await db.select().from(outbox);
    expect(row).toMatchObject({ attempts: 2, sentAt: clock.now, lastError: null });
    expect(await deliverOutbox(deps(r.publisher, { now: clock.now + 60 * 60_000 }))).toMatchObject({ claimed: 0 });
  });

  it("backs off exponentially and parks a row after its last attempt", async () => {
    const clock = { now: Date.now() };
    const r = recorder();
    r.state.failing = true;
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 20; attempt++) {
      expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 1, failed: 1 });
      const [row] = await db.select().from(outbox);
      expect(row!.attempts).toBe(attempt);
      if (attempt < 20) {
        delays.push(row!.nextAttemptAt - clock.now);
        clock.now = row!.nextAttemptAt;
      } else {
        expect(row!.nextAttemptAt).toBe(PARKED);
        expect(row!.lastError).toMatch(/^gave up after 20 attempts: room unreachable/);
      }
    }
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[3]).toBeGreaterThanOrEqual(8000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(15 * 60_000 * 1.25);
    clock.now += 365 * 24 * 60 * 60_000;
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 0 });
  });

  it("keeps the order of one room's messages across a failure", async () => {
    const clock = { now: Date.now() };
    const r = recorder();
    for (let i = 1; i <= 3; i++) await enqueue(db, realtime(room, ev(i)), { now: clock.now + i });
    clock.now += 10;
    r.state.failing = true;
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 3, sent: 0, failed: 1 });
    const rows = await db.select().from(outbox);
    // Only the first was attempted; the others wait behind it, their claim not counted.
    expect(rows.map((x) => x.attempts).sort()).toEqual([0, 0, 1]);
    r.state.failing = false;
    clock.now = Math.max(...rows.map((x) => x.nextAttemptAt));
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 3, sent: 3 });
    expect(r.sent.map((s) => s.event)).toEqual([ev(1), ev(2), ev(3)]);
  });

  it("lets a row whose deliverer died be claimed again after the lease", async () => {
    const clock = { now: Date.now() };
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });
    // A deliverer that claims and never comes back.
    const hung: Publisher = { publish: () => new Promise(() => {}) };
    void deliverOutbox(deps(hung, clock), { renewEveryMs: DEAD });
    const r = recorder();
    await expect.poll(async () => (await db.select().from(outbox))[0]!.attempts).toBe(1);
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 0 });
    clock.now += CLAIM_LEASE_MS;
    expect(await deliverOutbox(deps(r.publisher, clock))).toMatchObject({ claimed: 1, sent: 1 });
  });

  it("sends every row exactly once with many concurrent deliverers on separate connections", async () => {
    const clock = { now: Date.now() };
    const rooms = Array.from({ length: 6 }, (_, i) => `org:org_concurrent0${i}`);
    const total = 120;
    for (let i = 0; i < total; i += 20) {
      await db.batch(
        Array.from({ length: 20 }, (_, j) => enqueue(db, realtime(rooms[(i + j) % rooms.length]!, ev(i + j)), { now: clock.now })) as [
          ReturnType<typeof enqueue>,
          ...ReturnType<typeof enqueue>[],
        ],
      );
    }
    const second = await open();
    try {
      const r = recorder();
      const deliverers = Array.from({ length: 10 }, (_, i) =>
        deliverOutbox(deps(r.publisher, clock, i % 2 === 0 ? db : second.db), { limit: 7, maxBatches: 100 }),
      );
      const results = await Promise.all(deliverers);
      expect(results.reduce((n, x) => n + x.sent, 0)).toBe(total);
      expect(results.reduce((n, x) => n + x.claimed, 0)).toBe(total);
      const ids = r.sent.map((s) => s.id);
      expect(new Set(ids).size).toBe(total);
      expect(ids).toHaveLength(total);
      const pending = await db.select().from(outbox).where(eq(outbox.attempts, 1));
      expect(pending.every((row) => row.sentAt !== null)).toBe(true);
      expect(pending).toHaveLength(total);
    } finally {
      second.client.close();
    }
  });
});

describe("a realtime row's webhook deliveries", () => {
  it("are queued while the event is published: a failing queue write does not hold the room back, and the retry queues them", async () => {
    const clock = { now: 5_000_000 };
    const r = recorder();
    const withHooks: DeliveryDeps = {
      ...deps(r.publisher, clock),
      webhooks: { eventTypes: new Set(["key.changed"]), deliver: async () => {} },
    };
    const org = "org_outboxtest01";
    await db.insert(organizations).values({ id: org, name: "Outbox", createdAt: clock.now }).onConflictDoNothing();
    await db.insert(webhookEndpoints).values({
      id: "we_outboxtest01",
      orgId: org,
      url: "https://example.com/hook",
      eventTypes: ["*"],
      status: "enabled",
      apiVersion: "2025-01-01",
      secret: "whsec_outboxtest",
      secretPrefix: "whsec_outb",
      createdAt: clock.now,
      updatedAt: clock.now,
    });
    try {
      await enqueue(db, realtime(room, ev(1)), { now: clock.now });
      // The queue write fails (the outbox refuses webhook rows for now): the room gets the event anyway.
      await handle.client.execute(
        "CREATE TRIGGER outbox_test_no_webhooks BEFORE INSERT ON outbox WHEN NEW.kind = 'webhook' BEGIN SELECT RAISE(ABORT, 'webhook queue unavailable'); END",
      );
      try {
        expect(await deliverOutbox(withHooks)).toEqual({ claimed: 1, sent: 0, failed: 1 });
      } finally {
        await handle.client.execute("DROP TRIGGER outbox_test_no_webhooks");
      }
      expect(r.sent.map((s) => s.event)).toEqual([ev(1)]);
      const [failed] = await db.select().from(outbox).where(eq(outbox.kind, "realtime"));
      expect(failed).toMatchObject({ sentAt: null, lastError: expect.stringMatching(/^Failed query: INSERT INTO "outbox"/) });
      expect(await db.select().from(outbox).where(eq(outbox.kind, "webhook"))).toEqual([]);

      // The retry queues the webhook delivery (once) and publishes again (the room drops the repeat by id).
      clock.now = failed!.nextAttemptAt;
      await deliverOutbox(withHooks);
      const [sent] = await db.select().from(outbox).where(eq(outbox.kind, "realtime"));
      expect(sent!.sentAt).toBe(clock.now);
      expect(await db.select({ orderKey: outbox.orderKey }).from(outbox).where(eq(outbox.kind, "webhook"))).toEqual([
        { orderKey: "we_outboxtest01" },
      ]);
      expect(r.sent.map((s) => s.id)).toEqual([failed!.id, failed!.id]);
    } finally {
      await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, "we_outboxtest01"));
    }
  });
});

describe("publishAfterCommit and deliverSoon", () => {
  it("records the message and delivers it in the background through waitUntil", async () => {
    const r = recorder();
    const background: Promise<unknown>[] = [];
    const d = { ...deps(r.publisher, { now: Date.now() }), waitUntil: (p: Promise<unknown>) => void background.push(p) };
    await publishAfterCommit(d, room, ev(7));
    expect(background).toHaveLength(1);
    await Promise.all(background);
    expect(r.sent).toMatchObject([{ room, event: ev(7) }]);
    expect((await db.select().from(outbox))[0]!.sentAt).not.toBeNull();
  });

  it("runs one delivery loop at a time and never throws, even when the publisher does", async () => {
    const r = recorder();
    r.state.failing = true;
    const background: Promise<unknown>[] = [];
    const clock = { now: Date.now() };
    const d = { ...deps(r.publisher, clock), waitUntil: (p: Promise<unknown>) => void background.push(p) };
    for (let i = 0; i < 5; i++) await enqueue(db, realtime(`org:org_soon0000${i}`, ev(i)), { now: clock.now });
    for (let i = 0; i < 5; i++) deliverSoon(d);
    await Promise.all(background);
    const rows = await db.select().from(outbox);
    expect(rows.map((row) => [row.attempts, row.sentAt, row.lastError])).toEqual(Array(5).fill([1, null, "room unreachable"]));
  });
});

describe("one room's order", () => {
  it("a failed delivery is not overtaken by a row written after it for the same room", async () => {
    const r = recorder();
    const clock = { now: 1_000_000 };
    const d = deps(r.publisher, clock);
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });
    r.state.failing = true;
    await deliverOutbox(d); // row 1 fails and waits out its backoff
    r.state.failing = false;
    await enqueue(db, realtime(room, ev(2)), { now: clock.now });
    await enqueue(db, realtime("org:org_otherroom001", ev(3)), { now: clock.now });
    await deliverOutbox(d); // row 1 is not due yet: row 2 must wait behind it; another room goes on
    expect(r.sent.map((s) => s.event)).toEqual([ev(3)]);
    clock.now += 60 * 60_000;
    await deliverOutbox(d);
    expect(r.sent.filter((s) => s.room === room).map((s) => s.event)).toEqual([ev(1), ev(2)]);
  });

  it("rows written in the same millisecond go out in the order they were written, with rising sequences", async () => {
    const seen: { event: PublishedEvent; order?: number }[] = [];
    const publisher: Publisher = {
      async publish(_r, event, opts) {
        seen.push({ event, order: opts?.order });
      },
    };
    const clock = { now: 2_000_000 };
    for (let i = 0; i < 30; i++) await enqueue(db, realtime(room, ev(i)), { now: clock.now });
    await deliverOutbox(deps(publisher, clock), { limit: 7 });
    expect(seen.map((s) => s.event)).toEqual(Array.from({ length: 30 }, (_, i) => ev(i)));
    const orders = seen.map((s) => s.order ?? -1);
    expect(orders.every((o, i) => o > 0 && (i === 0 || o > orders[i - 1]!))).toBe(true);
  });

  it("a parked row does not hold its room back forever", async () => {
    const r = recorder();
    const clock = { now: 3_000_000 };
    await enqueue(db, realtime(room, ev(1)), { now: clock.now });
    await db.update(outbox).set({ nextAttemptAt: PARKED });
    await enqueue(db, realtime(room, ev(2)), { now: clock.now });
    await deliverOutbox(deps(r.publisher, clock));
    expect(r.sent.map((s) => s.event)).toEqual([ev(2)]);
  });

  it("disconnect travels with the publish", async () => {
    const seen: { disconnect?: string[] }[] = [];
    const publisher: Publisher = {
      async publish(_r, _e, opts) {
        seen.push({ disconnect: opts?.disconnect });
      },
    };
    const clock = { now: 4_000_000 };
    await enqueue(db, realtime(room, ev(1), { disconnect: ["ppt_gone"] }), { now: clock.now });
    await deliverOutbox(deps(publisher, clock));
    expect(seen).toEqual([{ disconnect: ["ppt_gone"] }]);
  });
});

describe("fairness across organizations", () => {
  it("another organization's row goes out within the first pass while one organization has thousands queued", async () => {
    const sent: { room: string; order?: number }[] = [];
    const publisher: Publisher = {
      async publish(r, _e, opts) {
        sent.push({ room: r, order: opts?.order });
      },
    };
    const clock = { now: 20_000_000 };
    // Organization A: 3,000 rows, most in one busy plan room, the rest over twenty others.
    const busy = "plan:plan_busyroom0000001";
    const others = Array.from({ length: 20 }, (_, i) => `plan:plan_quietroom0000${String(i).padStart(2, "0")}`);
    for (let i = 0; i < 3_000; i += 300) {
      const items = Array.from({ length: 300 }, (_, j) =>
        enqueue(db, realtime((i + j) % 3 === 0 ? others[(i + j) % others.length]! : busy, ev(i + j)), {
          orgId: "org_tenantaaaa0001",
          now: clock.now,
        }),
      );
      await db.batch(items as [ReturnType<typeof enqueue>, ...ReturnType<typeof enqueue>[]]);
    }
    // Then one row for organization B.
    await enqueue(db, realtime("plan:plan_tenantbroom0001", ev(9_999)), { orgId: "org_tenantbbbb0001", now: clock.now });

    const limit = 50;
    await deliverOutbox(deps(publisher, clock), { limit, maxBatches: 1 });
    const b = sent.findIndex((s) => s.room === "plan:plan_tenantbroom0001");
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(limit);

    // The rest drains, each room in order.
    await deliverOutbox(deps(publisher, clock), { limit, maxBatches: 1_000 });
    // (Plus one content-free `organization.activity` per organization per pass: see outbox-activity.test.ts.)
    expect(sent.filter((s) => !s.room.startsWith("org:"))).toHaveLength(3_001);
    for (const r of [busy, ...others]) {
      const orders = sent.filter((s) => s.room === r).map((s) => s.order ?? -1);
      expect(orders).toEqual([...orders].sort((x, y) => x - y));
    }
  });

  it("sends to different rooms at the same time, one room's rows one after another", async () => {
    let inFlight = 0;
    let most = 0;
    const perRoom = new Map<string, number>();
    const gates: (() => void)[] = [];
    const publisher: Publisher = {
      async publish(r) {
        inFlight++;
        most = Math.max(most, inFlight);
        perRoom.set(r, (perRoom.get(r) ?? 0) + 1);
        expect(perRoom.get(r)).toBe(1); // never two of one room in flight
        await new Promise<void>((res) => gates.push(res));
        perRoom.set(r, perRoom.get(r)! - 1);
        inFlight--;
      },
    };
    const clock = { now: 21_000_000 };
    const rooms = Array.from({ length: 12 }, (_, i) => `plan:plan_parallelroom00${String(i).padStart(2, "0")}`);
    await enqueueMany(rooms, 36, clock.now);
    const run = deliverOutbox(deps(publisher, clock), { concurrency: 4 });
    // Let the first sends start, then release one at a time until everything is sent.
    let done = false;
    void run.then(() => {
      done = true;
    });
    while (!done) {
      await new Promise((res) => setTimeout(res, 1));
      gates.shift()?.();
    }
    expect(await run).toMatchObject({ sent: 36, failed: 0 });
    expect(most).toBe(4);
  });
});

describe("background delivery", () => {
  it("a kick during a slow pass starts a second loop: a new row of another room does not wait for the pass", async () => {
    const clock = { now: 25_000_000 };
    const busy = "plan:plan_slowpassroom0001";
    const other = "plan:plan_otherorgroom0001";
    const gates: (() => void)[] = [];
    const sent: string[] = [];
    const publisher: Publisher = {
      async publish(r) {
        if (r === busy) await new Promise<void>((res) => gates.push(res));
        sent.push(r);
      },
    };
    await enqueueMany([busy], 5, clock.now);
    const background: Promise<unknown>[] = [];
    const d = { ...deps(publisher, clock), waitUntil: (p: Promise<unknown>) => void background.push(p) };
    deliverSoon(d);
    await expect.poll(() => gates.length).toBe(1); // the busy room's first publish hangs
    clock.now += 1_000; // …for a (logical) second: the pass is slow
    await enqueue(db, realtime(other, ev(99)), { now: clock.now });
    deliverSoon(d);
    await expect.poll(() => sent).toEqual([other]);

    while (sent.length < 6) {
      gates.shift()?.();
      await new Promise((res) => setTimeout(res, 1));
    }
    await Promise.all(background);
    expect(sent).toEqual([other, busy, busy, busy, busy, busy]);
    expect((await db.select().from(outbox)).every((row) => row.sentAt !== null)).toBe(true);
  });
});

describe("after a crash", () => {
  const crashRoom = "plan:plan_crashroom000001";
  const otherRoom = "plan:plan_otherroom000001";

  /** A deliverer that claims the room's due rows and dies before sending any (no renewal, no answer). */
  async function dieHoldingClaims(clock: { now: number }, instanceId: string, rows: number) {
    const hung: Publisher = { publish: () => new Promise(() => {}) };
    void deliverOutbox(deps(hung, clock, db, instanceId), { renewEveryMs: DEAD });
    await expect.poll(async () => (await db.select().from(outbox).where(eq(outbox.attempts, 1))).length).toBe(rows);
  }

  it("a new process takes over a dead one's claims: the room resumes at once, in order, never overtaken", async () => {
    const clock = { now: 30_000_000 };
    await enqueueMany([crashRoom], 3, clock.now);
    await dieHoldingClaims(clock, "dlv_dead_process", 3);
    // Written after the crash: later rows of the same room, and another room.
    await enqueueMany([crashRoom], 3, clock.now, (i) => ev(100 + i));
    await enqueueMany([otherRoom], 1, clock.now, (i) => ev(200 + i));

    const r = recorder();
    const live = deps(r.publisher, clock, db, "dlv_new_process");
    // Before the takeover, the room waits behind its claimed rows; the other room goes on.
    await deliverOutbox(live);
    expect(r.sent.map((s) => s.room)).toEqual([otherRoom]);

    // No time passes: the takeover alone lets the room resume.
    expect(await releaseClaimsOf(live, "dlv_dead_process")).toBe(3);
    await deliverOutbox(live);
    expect(r.sent.filter((s) => s.room === crashRoom).map((s) => s.event)).toEqual([ev(0), ev(1), ev(2), ev(100), ev(101), ev(102)]);
    expect(await releaseClaimsOf(live, "dlv_dead_process")).toBe(0);
  });

  it("without a takeover (a stopped Worker isolate), the room resumes in order within 10 s of logical time", async () => {
    const clock = { now: 31_000_000 };
    await enqueueMany([crashRoom], 3, clock.now);
    await dieHoldingClaims(clock, "dlv_dead_isolate", 3);
    await enqueueMany([crashRoom], 2, clock.now, (i) => ev(100 + i));
    const r = recorder();
    clock.now += 9_999;
    await deliverOutbox(deps(r.publisher, clock));
    expect(r.sent).toEqual([]);
    clock.now += 1;
    await deliverOutbox(deps(r.publisher, clock));
    expect(r.sent.map((s) => s.event)).toEqual([ev(0), ev(1), ev(2), ev(100), ev(101)]);
  });

  it("a live deliverer renews its lease while a publish is slow, so nobody takes its rows over", async () => {
    const clock = { now: 32_000_000 };
    await enqueueMany([crashRoom], 2, clock.now);
    let release!: () => void;
    const slowSent: PublishedEvent[] = [];
    const slow: Publisher = {
      async publish(_r, event) {
        if (slowSent.length === 0) await new Promise<void>((res) => (release = res));
        slowSent.push(event);
      },
    };
    const run = deliverOutbox(deps(slow, clock, db, "dlv_slow"), { renewEveryMs: 5 });
    await expect.poll(async () => (await db.select().from(outbox).where(eq(outbox.attempts, 1))).length).toBe(2);
    // Long past the first lease: the renewals kept it.
    clock.now += 3 * CLAIM_LEASE_MS;
    await expect.poll(async () => Math.min(...(await db.select().from(outbox)).map((row) => row.nextAttemptAt))).toBeGreaterThan(clock.now);
    const r = recorder();
    expect(await deliverOutbox(deps(r.publisher, clock, db, "dlv_other"))).toMatchObject({ claimed: 0 });
    release();
    expect(await run).toMatchObject({ sent: 2 });
    expect(slowSent).toEqual([ev(0), ev(1)]);
    expect(r.sent).toEqual([]);
  });
});

describe("retention", () => {
  it("prunes sent rows past their retention and idempotency keys past a day, keeping unsent, parked and the newest row", async () => {
    const { idempotencyKeys } = await import("@gatherkit/db");
    const r = recorder();
    const clock = { now: 10_000_000 };
    for (let i = 0; i < 3; i++) await enqueue(db, realtime(room, ev(i)), { now: clock.now });
    await deliverOutbox(deps(r.publisher, clock)); // 3 sent at t0
    await enqueue(db, realtime(room, ev(9)), { now: clock.now }); // unsent
    await db.delete(idempotencyKeys);
    await db.insert(idempotencyKeys).values([
      { scope: "s", key: "old", requestHash: "h", status: "done", createdAt: clock.now },
      { scope: "s", key: "new", requestHash: "h", status: "done", createdAt: clock.now + 23 * 3600_000 },
    ]);
    clock.now += SENT_RETENTION_MS + 60_000;
    const pruned = await pruneExpired({ db, now: () => clock.now, logger: silentLogger });
    expect(pruned).toEqual({ outbox: 3, idempotencyKeys: 1, webhookDeliveries: 0 });
    const left = await db.select().from(outbox);
    expect(left.map((x) => x.sentAt)).toEqual([null]);
    expect((await db.select().from(idempotencyKeys)).map((k) => k.key)).toEqual(["new"]);

    // The newest row survives even once it is sent and old, so its sequence is never reused.
    await deliverOutbox(deps(r.publisher, clock));
    clock.now += SENT_RETENTION_MS + 60_000;
    expect(await pruneExpired({ db, now: () => clock.now, logger: silentLogger })).toEqual({
      outbox: 0,
      idempotencyKeys: 1,
      webhookDeliveries: 0,
    });
    expect(await db.select().from(outbox)).toHaveLength(1);
  });
});

describe("startOutboxPump's stop", () => {
  it("ends after the batch in flight, leaving the backlog queued for the next process, and sends nothing after", async () => {
    const clock = { now: Date.now() };
    await enqueueMany([room, "org:org_outboxtest02", "org:org_outboxtest03"], 600, clock.now);
    const { sent, publisher } = recorder();
    const stop = startOutboxPump(deps(publisher, clock), 3_600_000);
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    await stop();
    const atStop = sent.length;
    // Not the whole queue: a shutdown under load does not wait for it.
    expect(atStop).toBeLessThan(600);
    const unsent = (await db.select().from(outbox)).filter((r) => r.sentAt === null);
    expect(unsent.length).toBe(600 - atStop);
    // Nothing goes out once stop has answered (the database may be closed by then).
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.length).toBe(atStop);
  });
});
