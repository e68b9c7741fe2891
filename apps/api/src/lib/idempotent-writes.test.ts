import { idempotencyKeys, organizations } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { createBaseApp } from "./create-app.js";
import { sha256Hex } from "./crypto.js";
import { ApiError } from "./errors.js";
import { insertWhen } from "./guarded-insert.js";
import { answerOnCommit } from "./idempotent-writes.js";

/**
 * The Idempotency-Key's lease and the binding of a request's write to the key, on routes made
 * for the test (their effect: an organization row named after the request), so a request can be
 * paused between claiming the key and writing, or made to fail right after its write.
 */

let t: TestApp;
let clock = Date.now();
beforeAll(async () => {
  t = await createTestApp({ now: () => clock, env: { IDEMPOTENCY_LEASE_SECONDS: "10" } });
});
afterAll(() => t.close());

const LEASE_MS = 10_000;

type WriteHow = "batch" | "single";
/** Names of /v1/test-conditional requests that die right after their write. */
const crashAfterWrite = new Set<string>();
/** Gates: a request to /v1/test-write waits for `gates[name]` (if any) before writing. */
const gates = new Map<string, Promise<void>>();

function testApp() {
  const app = createBaseApp(t.deps);
  app.post("/v1/test-write", async (c) => {
    const { name, how, fail, answer } = (await c.req.json()) as { name: string; how: WriteHow; fail?: boolean; answer?: boolean };
    await gates.get(name);
    const db = c.var.deps.db;
    const row = { id: `org_${crypto.randomUUID()}`, name, createdAt: t.deps.now() };
    const body = { id: row.id, name };
    if (answer) answerOnCommit(c.var.deps, 201, body);
    if (how === "batch") await db.batch([db.insert(organizations).values(row)]);
    else await db.insert(organizations).values(row);
    // The write committed; failing now is a crash between the write and storing the answer.
    if (fail) throw new Error("died after the write");
    return c.json(body, 201);
  });
  // A conditional create (its guard: `allow`) that seals its answer only where it took effect;
  // `crashAfterWrite` makes the request die right after its batch.
  app.post("/v1/test-conditional", async (c) => {
    const { name, allow } = (await c.req.json()) as { name: string; allow: boolean };
    const db = c.var.deps.db;
    const row = { id: `org_${crypto.randomUUID()}`, name, createdAt: t.deps.now() };
    answerOnCommit(
      c.var.deps,
      201,
      { id: row.id, name },
      sql`EXISTS (SELECT 1 FROM ${organizations} WHERE ${organizations.id} = ${row.id})`,
    );
    const [inserted] = await db.batch([insertWhen(db, organizations, row, allow ? sql`1` : sql`0`).returning()]);
    if (crashAfterWrite.has(name)) throw new Error("died after the write");
    if (inserted.length === 0) throw new ApiError(409, "conflict", "Not allowed now.");
    return c.json({ id: row.id, name }, 201);
  });
  // A guarded write whose guard lets nothing through, refused with a 409 (like voting on a closed proposal).
  app.post("/v1/test-refuse", async (c) => {
    const { name } = (await c.req.json()) as { name: string };
    const db = c.var.deps.db;
    const [changed] = await db.batch([
      db.update(organizations).set({ name }).where(eq(organizations.id, "org_that_does_not_exist")).returning(),
    ]);
    if (changed.length === 0) throw new ApiError(409, "conflict", "Nothing to change.");
    return c.json({ name }, 200);
  });
  return app;
}

function post(app: ReturnType<typeof testApp>, key: string, body: { name: string; how: WriteHow; fail?: boolean; answer?: boolean }) {
  return app.fetch(
    new Request("http://api.test/v1/test-write", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    }),
  );
}

const rowsNamed = async (name: string) => (await t.deps.db.select().from(organizations).where(eq(organizations.name, name))).length;

function gate(name: string) {
  let open!: () => void;
  gates.set(
    name,
    new Promise<void>((r) => {
      open = r;
    }),
  );
  return () => {
    gates.delete(name);
    open();
  };
}

/** Waits until the key's row exists (the paused request has claimed it). */
async function claimed() {
  for (let i = 0; i < 200; i++) {
    if ((await t.deps.db.select().from(idempotencyKeys)).some((r) => r.status === "pending")) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the key was never claimed");
}

describe.each<WriteHow>(["batch", "single"])("a request's write (%s) is bound to its Idempotency-Key", (how) => {
  it("a stuck holder's lease runs out: a retry takes the key over and runs; the old holder's later write aborts", async () => {
    const app = testApp();
    const name = `taken-over-${how}`;
    const body = { name, how };
    const release = gate(name);
    const stuck = post(app, `k-${name}`, body);
    await claimed();

    // Within the lease: in flight.
    const early = await post(app, `k-${name}`, body);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe("idempotency_key_in_flight");

    // Past the lease: the retry takes the key over and does the work (no gate for it: it was opened… later).
    clock += LEASE_MS + 1;
    gates.delete(name);
    const retry = await post(app, `k-${name}`, body);
    expect(retry.status).toBe(201);
    const answer = (await retry.json()) as { id: string };

    // The stuck request wakes up and writes: its guard finds the key held by another, and the write rolls back.
    release();
    const late = await stuck;
    expect(late.status).toBe(409);
    expect(((await late.json()) as { code: string }).code).toBe("idempotency_key_in_flight");
    expect(await rowsNamed(name)).toBe(1);

    const again = await post(app, `k-${name}`, body);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { id: string }).id).toBe(answer.id);
  });

  it("control: a holder within its lease writes once and its answer is replayed", async () => {
    const app = testApp();
    const name = `control-${how}`;
    const first = await post(app, `k-${name}`, { name, how });
    expect(first.status).toBe(201);
    const again = await post(app, `k-${name}`, { name, how });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await rowsNamed(name)).toBe(1);
  });

  it("dies after its write without storing the answer: the retry does not run it again and is told it was carried out", async () => {
    const app = testApp();
    const name = `committed-${how}`;
    const first = await post(app, `k-${name}`, { name, how, fail: true });
    expect(first.status).toBe(500);
    clock += LEASE_MS + 1;
    for (let i = 0; i < 3; i++) {
      const retry = await post(app, `k-${name}`, { name, how, fail: true });
      expect(retry.status).toBe(409);
      expect(((await retry.json()) as { code: string }).code).toBe("idempotency_key_committed");
    }
    expect(await rowsNamed(name)).toBe(1);
  });

  it("dies after its write, the answer sealed with the write: the retry gets the original answer", async () => {
    const app = testApp();
    const name = `sealed-${how}`;
    const first = await post(app, `k-${name}`, { name, how, fail: true, answer: true });
    expect(first.status).toBe(500);
    const [row] = await t.deps.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name));
    clock += LEASE_MS + 1;
    for (let i = 0; i < 3; i++) {
      const retry = await post(app, `k-${name}`, { name, how, fail: true, answer: true });
      expect(retry.status).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.headers.get("content-type")).toBe("application/json");
      expect(await retry.json()).toEqual({ id: row?.id, name });
    }
    expect(await rowsNamed(name)).toBe(1);
  });
});

describe("a conditional create sealing its answer `when` it took effect", () => {
  const conditional = (app: ReturnType<typeof testApp>, key: string, body: { name: string; allow: boolean }) =>
    app.fetch(
      new Request("http://api.test/v1/test-conditional", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(body),
      }),
    );

  it("took effect, then died: the retry gets the sealed 201", async () => {
    const app = testApp();
    const body = { name: "conditional-written", allow: true };
    crashAfterWrite.add(body.name);
    expect((await conditional(app, "k-cw", body)).status).toBe(500);
    clock += LEASE_MS + 1;
    const retry = await conditional(app, "k-cw", body);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await rowsNamed(body.name)).toBe(1);
  });

  it("its guard let nothing through, then died: nothing is sealed, the retry runs again and is refused", async () => {
    const app = testApp();
    const body = { name: "conditional-refused", allow: false };
    crashAfterWrite.add(body.name);
    expect((await conditional(app, "k-cr", body)).status).toBe(500);
    clock += LEASE_MS + 1;
    crashAfterWrite.delete(body.name);
    const retry = await conditional(app, "k-cr", body);
    expect([retry.status, ((await retry.json()) as { code: string }).code]).toEqual([409, "conflict"]);
    expect(await rowsNamed(body.name)).toBe(0);
  });
});

describe("a refused request", () => {
  it("whose guarded write let nothing through releases its key: the retry runs again instead of being told it was carried out", async () => {
    const app = testApp();
    for (let i = 0; i < 3; i++) {
      const res = await app.fetch(
        new Request("http://api.test/v1/test-refuse", {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": "k-refused" },
          body: JSON.stringify({ name: "refused" }),
        }),
      );
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe("conflict");
    }
  });
});

describe("the Idempotency-Key's lease", () => {
  it("a key left pending by a holder that died before writing is released after the lease, not after a day", async () => {
    const app = testApp();
    const name = "died-before-writing";
    const body = { name, how: "batch" as const };
    const release = gate(name);
    // The holder claims the key and never comes back (as after kill -9): its promise is dropped.
    void Promise.resolve(post(app, `k-${name}`, body)).catch(() => {});
    await claimed();
    const early = await post(app, `k-${name}`, body);
    expect(early.status).toBe(409);
    clock += LEASE_MS + 1;
    gates.delete(name);
    const retry = await post(app, `k-${name}`, body);
    expect(retry.status).toBe(201);
    expect(await rowsNamed(name)).toBe(1);
    release();
  });

  it("keys left pending before leases existed (no holder, no lease) are taken over by the next retry", async () => {
    const app = testApp();
    const name = "legacy-pending";
    const body = { name, how: "batch" as const };
    const first = await post(app, `k-${name}`, body);
    expect(first.status).toBe(201);
    // Rewind it to what an older version left behind after a crash.
    await t.deps.db.delete(organizations).where(eq(organizations.name, name));
    await t.deps.db
      .update(idempotencyKeys)
      .set({ status: "pending", holder: null, leaseExpiresAt: null, responseBody: null, responseStatus: null })
      .where(eq(idempotencyKeys.key, await sha256Hex(`k-${name}`)));
    const retry = await post(app, `k-${name}`, body);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await rowsNamed(name)).toBe(1);
  });
});
