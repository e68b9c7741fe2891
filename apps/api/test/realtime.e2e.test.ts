/**
 * Realtime end to end: the API's token route and publisher, a real `partykit dev` running
 * apps/realtime, and the SDK's Realtime client over partysocket.
 */
import type { PresenceEntry, PublishedEvent, RoomToken } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { CuttableProxy, type PartykitDev, startPartykit } from "@gatherkit/realtime/test/partykit";
import { Realtime, type RealtimeStatus, type Subscription } from "@gatherkit/sdk/realtime";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHttpPublisher } from "../src/lib/http-publisher.js";
import { silentLogger } from "../src/lib/logger.js";
import { nodePublishing } from "../src/lib/node-publisher.js";
import { publishAfterCommit } from "../src/lib/outbox.js";
import { newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";

const SECRET = "e2e-realtime-secret-0123456789abcdefghijkl";
let pk: PartykitDev;
let proxy: CuttableProxy;
let t: TestApp;
let a: TestOrg;
let b: TestOrg;
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  pk = await startPartykit({ secret: SECRET });
  // Clients reach the rooms through a proxy the tests can cut; the API publishes directly.
  proxy = new CuttableProxy({ port: pk.port });
  const clientHost = await proxy.listen();
  t = await createTestApp({
    env: { REALTIME_SECRET: SECRET, REALTIME_HOST: clientHost },
    publisher: createHttpPublisher({ host: pk.host, secret: SECRET, logger: silentLogger }),
  });
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
});
afterAll(async () => {
  for (const s of subscriptions) s.close();
  t?.close();
  await proxy?.close();
  await pk?.stop();
});

/** getRoomToken for the SDK: POST /v1/realtime/tokens as `credential` (errors carry `status`, like the SDK's). */
const roomTokens =
  (credential: string) =>
  async (room: string): Promise<RoomToken> => {
    const r = await call(t, "POST", "/v1/realtime/tokens", { token: credential, body: { room } });
    if (r.status !== 201) throw Object.assign(new Error(`${r.status} ${r.body?.code}`), { status: r.status });
    return r.body as RoomToken;
  };

/** Subscribes and records everything the subscription reports. */
function watch(credential: string, room: string) {
  const seen = {
    events: [] as { event: PublishedEvent; seq: number }[],
    presence: [] as PresenceEntry[][],
    statuses: [] as RealtimeStatus[],
    resyncs: 0,
    errors: [] as unknown[],
  };
  const rt = new Realtime(roomTokens(credential), { minReconnectionDelay: 20, maxReconnectionDelay: 200 });
  const sub = rt.subscribe(room, (event, { seq }) => seen.events.push({ event, seq }), {
    onPresence: (p) => seen.presence.push(p),
    onResync: () => seen.resyncs++,
    // These tests count resyncs after reconnects; the first-connect catch-up (`since`) is tested
    // in packages/sdk/test/realtime.rooms.test.ts, so here nothing counts as loaded earlier.
    since: Number.MAX_SAFE_INTEGER,
    onStatus: (s) => seen.statuses.push(s),
    onError: (e) => seen.errors.push(e),
  });
  subscriptions.push(sub);
  return { sub, seen };
}

const until = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 20_000, interval: 20 });
/** Waits for the room's welcome (the socket is open and the room's seq and presence are known). */
const welcomed = (sub: Subscription) =>
  until(() => {
    expect(sub.status).toBe("open");
    expect(sub.seq).toBeDefined();
  });
const names = (p: readonly PresenceEntry[]) => p.map((e) => e.name).sort();
const keyChanged = (id: string): PublishedEvent => ({ type: "key.changed", data: { id } });

describe("realtime end to end", () => {
  it("an organizer gets a token for its org room, connects with the SDK and receives an event published through the outbox", async () => {
    const room = `org:${a.org.id}`;
    const { sub, seen } = watch(a.accessToken, room);
    await welcomed(sub);
    expect(sub.presence).toEqual([{ id: a.user.id, name: a.user.name }]);

    const event: PublishedEvent = { type: "organization.updated", data: { id: a.org.id, name: "Alpha live" } };
    await publishAfterCommit(t.deps, room, event);
    await until(() => expect(seen.events).toEqual([{ event, seq: sub.seq }]));
    expect(sub.seq).toBeGreaterThan(0);
    // The room broadcasts before it answers the deliverer, so the row is marked sent just after.
    await until(async () => {
      const rows = await t.deps.db.select().from(outbox).where(eq(outbox.orgId, a.org.id));
      const row = rows.find((r) => JSON.stringify(r.payload) === JSON.stringify({ room, event }));
      expect(row).toMatchObject({ attempts: 1, lastError: null });
      expect(row?.sentAt).not.toBeNull();
    });
    expect(seen.resyncs).toBe(0);
    sub.close();
    expect(seen.statuses).toEqual(["connecting", "open", "closed"]);
  });

  it("two clients in a room both get every published event with increasing seq, and see each other come and go", async () => {
    const room = `org:${b.org.id}`;
    const owner = watch(b.accessToken, room);
    await welcomed(owner.sub);
    const base = owner.sub.seq!;
    const server = watch(b.secretKey, room);
    await until(() => expect(names(owner.sub.presence)).toEqual([b.user.name, "Test server"].sort()));
    await until(() => expect(names(server.sub.presence)).toEqual([b.user.name, "Test server"].sort()));

    for (const id of ["k1", "k2", "k3"]) await t.deps.publisher.publish(room, keyChanged(id));
    const expected = ["k1", "k2", "k3"].map((id, i) => ({ event: keyChanged(id), seq: base + i + 1 }));
    await until(() => expect(owner.seen.events).toEqual(expected));
    await until(() => expect(server.seen.events).toEqual(expected));

    server.sub.close();
    await until(() => expect(owner.sub.presence).toEqual([{ id: b.user.id, name: b.user.name }]));
    expect(owner.seen.resyncs).toBe(0);
    owner.sub.close();
  });

  it("the Node transport (node:http, node:crypto signature) is accepted by the room like fetch's", async () => {
    const room = `org:${b.org.id}`;
    const { sub, seen } = watch(b.accessToken, room);
    await welcomed(sub);
    const base = sub.seq!;
    const node = createHttpPublisher({ host: pk.host, secret: SECRET, logger: silentLogger, ...nodePublishing() });
    await node.publish(room, keyChanged("n1"));
    await t.deps.publisher.publish(room, keyChanged("f1"));
    await node.publish(room, keyChanged("n2"));
    const expected = ["n1", "f1", "n2"].map((id, i) => ({ event: keyChanged(id), seq: base + i + 1 }));
    await until(() => expect(seen.events).toEqual(expected));
    await expect(
      createHttpPublisher({
        host: pk.host,
        secret: "not-the-room-secret-0123456789abcdefghij",
        logger: silentLogger,
        ...nodePublishing(),
      }).publish(room, keyChanged("x")),
    ).rejects.toThrow(/answered 401/);
    sub.close();
  });

  it("a client that misses events while offline is told to resync when it reconnects", async () => {
    const room = `org:${a.org.id}`;
    const { sub, seen } = watch(a.secretKey, room);
    await welcomed(sub);
    const before = sub.seq!;
    await t.deps.publisher.publish(room, keyChanged("online"));
    await until(() => expect(seen.events.map((e) => e.seq)).toEqual([before + 1]));

    proxy.disconnect();
    await until(() => expect(sub.status).toBe("connecting"));
    await t.deps.publisher.publish(room, keyChanged("missed-1"));
    await t.deps.publisher.publish(room, keyChanged("missed-2"));
    expect(seen.resyncs).toBe(0);

    proxy.restore();
    await until(() => expect(seen.resyncs).toBe(1));
    expect(sub.status).toBe("open");
    expect(sub.seq).toBe(before + 3);
    // The missed events are not replayed; the next one arrives normally, without another resync.
    await t.deps.publisher.publish(room, keyChanged("after"));
    await until(() => expect(seen.events.map((e) => e.event)).toEqual([keyChanged("online"), keyChanged("after")]));
    expect(seen.resyncs).toBe(1);
    sub.close();
  });

  it("a reconnect that missed nothing does not ask for a resync", async () => {
    const room = `org:${b.org.id}`;
    const { sub, seen } = watch(b.secretKey, room);
    await welcomed(sub);
    expect(seen.presence).toHaveLength(1);
    proxy.disconnect();
    await until(() => expect(sub.status).toBe("connecting"));
    proxy.restore();
    // Every welcome reports presence; the resync decision is made while handling that welcome.
    await until(() => expect(seen.presence).toHaveLength(2));
    expect(sub.status).toBe("open");
    expect(seen.resyncs).toBe(0);
    sub.close();
  });

  it("stops, with the API's error, when the room is not the caller's to see", async () => {
    const { sub, seen } = watch(a.accessToken, `org:${b.org.id}`);
    await until(() => expect(sub.status).toBe("closed"));
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toMatchObject({ status: 404 });
    expect(seen.statuses).toEqual(["connecting", "closed"]);
  });
});
