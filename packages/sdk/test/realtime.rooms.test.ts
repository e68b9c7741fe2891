/**
 * `Realtime` against real rooms: a `partykit dev` of apps/realtime, partysocket over Node's
 * WebSocket, and room tokens signed the way the API signs them.
 */
import { newId, type PublishedEvent } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type PartykitDev, publishToRoom, signRoomToken, startPartykit } from "../../../apps/realtime/test/partykit.js";
import { Realtime, type RealtimeStatus, type Subscription } from "../src/realtime.js";

const SECRET = "sdk-realtime-rooms-secret-0123456789abcdef";
const ADA = { sub: "usr_ada0000000", name: "Ada" };
const BOB = { sub: "usr_bob0000000", name: "Bob" };
let pk: PartykitDev;
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  pk = await startPartykit({ secret: SECRET });
});
afterAll(async () => {
  for (const s of subscriptions) s.close();
  await pk?.stop();
});

const newRoom = () => `org:${newId("organization")}`;
const ev = (name: string): PublishedEvent => ({ type: "organization.updated", data: { id: "org_x", name } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const until = (check: () => void, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 10 });

async function publish(room: string, name: string, opts: { disconnect?: string[] } = {}) {
  const res = await publishToRoom(pk.host, SECRET, room, ev(name), opts);
  expect(res.status).toBe(202);
}

/**
 * One person's subscription to `room`, recording what it hears. `beforeToken(n)` runs before the
 * n-th token is handed out (1 = the first connection), to slow a connection down; `expiresIn(n)`
 * is that token's lifetime in seconds.
 */
function join(
  room: string,
  who: { sub: string; name: string },
  opts: { since?: number; beforeToken?: (n: number) => Promise<void>; expiresIn?: (n: number) => number } = {},
) {
  const seen = {
    tokens: 0,
    events: [] as string[],
    statuses: [] as RealtimeStatus[],
    presence: [] as string[][],
    resyncs: 0,
    revoked: [] as { message: string }[],
    errors: [] as unknown[],
  };
  const rt = new Realtime(
    async (r) => {
      const n = ++seen.tokens;
      await opts.beforeToken?.(n);
      const expiresIn = opts.expiresIn?.(n) ?? 300;
      const token = await signRoomToken(SECRET, r, who, { expiresIn });
      return { room: r, token, expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(), host: pk.host, party: "main" };
    },
    { minReconnectionDelay: 50, maxReconnectionDelay: 200 },
  );
  const sub = rt.subscribe(room, (e) => seen.events.push(e.type === "organization.updated" ? e.data.name : e.type), {
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    onStatus: (s) => seen.statuses.push(s),
    onPresence: (p) => seen.presence.push(p.map((e) => e.name)),
    onResync: () => seen.resyncs++,
    onRevoked: (info) => seen.revoked.push(info),
    onError: (e) => seen.errors.push(e),
  });
  subscriptions.push(sub);
  return { sub, seen };
}

describe("losing access", () => {
  it("the removed person gets onRevoked, is closed for good and hears neither that change nor a later one; the other keeps receiving", async () => {
    const room = newRoom();
    const ada = join(room, ADA);
    const bob = join(room, BOB);
    await until(() => expect(ada.seen.presence.at(-1)).toEqual(["Ada", "Bob"]));
    await until(() => expect(bob.sub.seq).toBe(0));

    await publish(room, "bob removed", { disconnect: [BOB.sub] });
    await until(() => expect(bob.seen.revoked).toEqual([{ message: expect.any(String) }]));
    expect(bob.sub.status).toBe("closed");
    await until(() => expect(ada.seen.events).toEqual(["bob removed"]));
    await until(() => expect(ada.seen.presence.at(-1)).toEqual(["Ada"]));

    await publish(room, "next");
    await until(() => expect(ada.seen.events).toEqual(["bob removed", "next"]));
    // Many reconnection delays (50–200 ms) later, Bob has not come back.
    await sleep(800);
    expect(bob.seen.events).toEqual([]);
    expect(bob.seen.tokens).toBe(1);
    expect(bob.seen.statuses).toEqual(["connecting", "open", "closed"]);
    expect(ada.seen.presence.at(-1)).toEqual(["Ada"]);
    expect(ada.seen.revoked).toEqual([]);
  });
});

describe("token expiry", () => {
  it("reconnects with a fresh token when the room closes a connection whose token expired; the others see nobody leave", async () => {
    const room = newRoom();
    const ada = join(room, ADA);
    await until(() => expect(ada.sub.seq).toBe(0));
    const bob = join(room, BOB, { expiresIn: (n) => (n === 1 ? 2 : 300) });
    await until(() => expect(ada.seen.presence.at(-1)).toEqual(["Ada", "Bob"]));
    const heard = ada.seen.presence.length;

    await until(() => expect(bob.seen.tokens).toBe(2), 10_000);
    await until(() => expect(bob.seen.statuses).toEqual(["connecting", "open", "connecting", "open"]));
    await publish(room, "after renewal");
    await until(() => expect(bob.seen.events).toEqual(["after renewal"]));
    expect(bob.seen.revoked).toEqual([]);
    expect(bob.seen.resyncs).toBe(0);
    expect(ada.seen.presence.slice(heard).every((names) => names.includes("Bob"))).toBe(true);
  });
});

describe("a change published while a widget loads and connects", () => {
  it("calls onResync on the first connection when the room broadcast after `since`", async () => {
    const room = newRoom();
    const since = Date.now(); // the widget's REST load begins
    // A slow connection: while its token is on the way, a change is committed and published.
    const w = join(room, ADA, {
      since,
      beforeToken: async (n) => {
        if (n !== 1) return;
        await publish(room, "during the load");
        await sleep(200);
      },
    });
    await until(() => expect(w.sub.seq).toBe(1));
    expect(w.seen.resyncs).toBe(1);
    expect(w.seen.events).toEqual([]); // broadcast before this connection existed

    await publish(room, "later");
    await until(() => expect(w.seen.events).toEqual(["later"]));
    expect(w.seen.resyncs).toBe(1);
  });

  it("does not call onResync when the room's last broadcast came before `since` (control)", async () => {
    const room = newRoom();
    await publish(room, "long before");
    await sleep(1500); // more than the SDK's leeway
    const since = Date.now();
    const w = join(room, ADA, { since, beforeToken: () => sleep(200) });
    await until(() => expect(w.sub.seq).toBe(1));
    expect(w.seen.resyncs).toBe(0);

    const fresh = join(newRoom(), ADA, { since: Date.now(), beforeToken: () => sleep(200) });
    await until(() => expect(fresh.sub.seq).toBe(0));
    expect(fresh.seen.resyncs).toBe(0);
  });
});
