import { type PresenceEntry, type PublishedEvent, ROOM_CLOSE_REVOKED, type RoomToken, type ServerMessage } from "@gatherkit/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  REVOKED_CLOSE_CODE,
  Realtime,
  RealtimeError,
  type RealtimeStatus,
  type SubscribeHandlers,
  type Subscription,
} from "../src/realtime.js";
import { bundle } from "./bundle.js";

/**
 * A WebSocket stand-in driven by the test: it opens on the next tick and lets the test play
 * the room's part (`receive`) or cut the connection (`drop`). partysocket runs on top of it
 * unchanged, so its reconnect logic is the one being exercised.
 */
class FakeSocket extends EventTarget {
  static instances: FakeSocket[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = 0;
  binaryType = "blob";
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.instances.push(this);
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.dispatchEvent(new Event("open"));
    });
  }
  send(data: unknown) {
    this.sent.push(data);
  }
  close(code = 1000, reason = "") {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean: true }));
  }
  receive(message: ServerMessage | string) {
    this.dispatchEvent(new MessageEvent("message", { data: typeof message === "string" ? message : JSON.stringify(message) }));
  }
  drop() {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code: 1006, reason: "", wasClean: false }));
  }
  get token() {
    return new URL(this.url).searchParams.get("token");
  }
}

const ROOM = "org:org_0123456789abcdefghjk";
const ev = (id: string): PublishedEvent => ({ type: "key.changed", data: { id } });
const ada: PresenceEntry = { id: "usr_ada", name: "Ada" };

afterEach(() => {
  FakeSocket.instances = [];
});

function setup(getRoomToken?: (room: string) => Promise<RoomToken>, extra: SubscribeHandlers = {}) {
  let issued = 0;
  const tokens =
    getRoomToken ??
    (async (room: string) => {
      issued++;
      return { room, token: `tok-${issued}`, expiresAt: new Date().toISOString(), host: "rooms.test:1999", party: "main" };
    });
  const rt = new Realtime(tokens, { WebSocket: FakeSocket, minReconnectionDelay: 1, maxReconnectionDelay: 5 });
  const seen = {
    events: [] as [PublishedEvent, number][],
    presence: [] as PresenceEntry[][],
    statuses: [] as RealtimeStatus[],
    resyncs: 0,
    errors: [] as unknown[],
    typing: [] as { id: string; name: string; typing: boolean }[],
    revoked: [] as { message: string }[],
  };
  const sub = rt.subscribe(ROOM, (event, { seq }) => seen.events.push([event, seq]), {
    onTyping: (t) => seen.typing.push(t),
    onPresence: (p) => seen.presence.push(p),
    onResync: () => seen.resyncs++,
    onStatus: (s) => seen.statuses.push(s),
    onError: (e) => seen.errors.push(e),
    onRevoked: (info) => seen.revoked.push(info),
    ...extra,
  });
  return { sub, seen };
}

/** The socket opened for the n-th connection (0-based), once it is open. */
async function socket(n: number): Promise<FakeSocket> {
  await vi.waitFor(() => expect(FakeSocket.instances[n]?.readyState).toBe(1), { timeout: 5000, interval: 1 });
  return FakeSocket.instances[n]!;
}

async function opened(sub: Subscription) {
  await vi.waitFor(() => expect(sub.status).toBe("open"), { timeout: 5000, interval: 1 });
}

describe("Realtime", () => {
  it("connects to the host, party and room of the token, with a fresh token on every connection", async () => {
    const { sub } = setup();
    const s0 = await socket(0);
    expect(s0.url).toMatch(/^wss:\/\/rooms\.test:1999\/parties\/main\/org:org_0123456789abcdefghjk\?/);
    expect(s0.token).toBe("tok-1");
    s0.drop();
    const s1 = await socket(1);
    expect(s1.token).toBe("tok-2");
    // One connection id (`_pk`, as partysocket sends it) across reconnects: the room sees one person reconnecting.
    const pk = new URL(s0.url).searchParams.get("_pk");
    expect(pk).toMatch(/^[0-9a-f-]{36}$/);
    expect(new URL(s1.url).searchParams.get("_pk")).toBe(pk);
    // Presence changes as deltas (issue 8): rooms send the whole list only to clients that do not ask.
    for (const s of [s0, s1]) expect(new URL(s.url).searchParams.get("presence")).toBe("delta");
    sub.close();
  });

  it("uses plain ws for a local host, or the scheme the host is given with", async () => {
    for (const [host, expected] of [
      ["127.0.0.1:1999", "ws://127.0.0.1:1999/"],
      ["localhost:1999", "ws://localhost:1999/"],
      ["172.20.0.5:1999", "ws://172.20.0.5:1999/"],
      ["172.32.0.5:1999", "wss://172.32.0.5:1999/"],
      ["rooms.example.com", "wss://rooms.example.com/"],
      ["http://rooms.internal:8080", "ws://rooms.internal:8080/"],
      ["https://rooms.example.com", "wss://rooms.example.com/"],
    ] as const) {
      FakeSocket.instances = [];
      const { sub } = setup(async (room) => ({ room, token: "t", expiresAt: new Date().toISOString(), host, party: "main" }));
      expect((await socket(0)).url.startsWith(`${expected}parties/main/`)).toBe(true);
      sub.close();
    }
  });

  it("delivers events in order, asks for a resync on a gap, and ignores what it already has", async () => {
    const { sub, seen } = setup();
    const s = await socket(0);
    s.receive({ type: "welcome", seq: 4, presence: [ada], idleMs: null });
    expect(seen.resyncs).toBe(0); // the first welcome is the starting point, not a gap
    s.receive({ type: "event", seq: 5, event: ev("a") });
    s.receive({ type: "event", seq: 7, event: ev("c") });
    s.receive({ type: "event", seq: 7, event: ev("c") });
    s.receive({ type: "event", seq: 6, event: ev("b") });
    expect(seen.events).toEqual([
      [ev("a"), 5],
      [ev("c"), 7],
    ]);
    expect(seen.resyncs).toBe(1);
    expect(sub.seq).toBe(7);
    expect(seen.presence).toEqual([[ada]]);
    sub.close();
  });

  it("asks for a resync after a reconnect only when the room moved on meanwhile", async () => {
    const { sub, seen } = setup();
    const s0 = await socket(0);
    s0.receive({ type: "welcome", seq: 2, presence: [ada], idleMs: null });
    s0.drop();
    const s1 = await socket(1);
    s1.receive({ type: "welcome", seq: 2, presence: [ada], idleMs: null });
    expect(seen.resyncs).toBe(0);
    s1.drop();
    const s2 = await socket(2);
    s2.receive({ type: "welcome", seq: 5, presence: [], idleMs: null });
    expect(seen.resyncs).toBe(1);
    expect(sub.seq).toBe(5);
    expect(sub.presence).toEqual([]);
    expect(seen.statuses).toEqual(["connecting", "open", "connecting", "open", "connecting", "open"]);
    sub.close();
    expect(seen.statuses.at(-1)).toBe("closed");
  });

  it("tracks presence changes and reports room errors and unreadable messages without stopping", async () => {
    const { sub, seen } = setup();
    const s = await socket(0);
    s.receive({ type: "welcome", seq: 0, presence: [ada], idleMs: null });
    s.receive({ type: "presence", presence: [ada, { id: "usr_bob", name: "Bob" }] });
    expect(sub.presence.map((p) => p.name)).toEqual(["Ada", "Bob"]);
    s.receive({ type: "error", code: "rate_limited", message: "Slow down" });
    s.receive("not json");
    s.receive(JSON.stringify({ type: "event", seq: 1 })); // an envelope without its event
    expect(seen.errors).toHaveLength(3);
    expect(seen.errors[0]).toBeInstanceOf(RealtimeError);
    expect(seen.errors[0]).toMatchObject({ code: "rate_limited" });
    s.receive({ type: "event", seq: 1, event: ev("ok") });
    expect(seen.events).toEqual([[ev("ok"), 1]]);
    sub.close();
  });

  it("applies presence deltas (joined/left) to the welcome's list and still takes a whole list from an older room", async () => {
    const { sub, seen } = setup();
    const s = await socket(0);
    const bob = { id: "usr_bob", name: "Bob" };
    const cat = { id: "usr_cat", name: "Cat" };
    s.receive({ type: "welcome", seq: 0, presence: [ada, cat], idleMs: null });
    s.receive({ type: "presence_delta", joined: [bob], left: [] });
    expect(sub.presence).toEqual([ada, cat, bob]); // the welcome's list, then who joined since
    s.receive({ type: "presence_delta", joined: [], left: [ada.id, "usr_never_here"] });
    expect(sub.presence).toEqual([cat, bob]);
    // An older room's whole list replaces it.
    s.receive({ type: "presence", presence: [ada] });
    expect(sub.presence).toEqual([ada]);
    // Each change is reported with a new array (a handler may keep the one it got).
    expect(seen.presence).toEqual([[ada, cat], [ada, cat, bob], [cat, bob], [ada]]);
    s.receive(JSON.stringify({ type: "presence_delta", joined: [{ id: 1 }], left: [] }));
    s.receive(JSON.stringify({ type: "presence_delta", joined: [] }));
    expect(seen.errors).toHaveLength(2);
    expect(sub.presence).toEqual([ada]);
    sub.close();
  });

  it("sends typing only while open, and reports others' typing", async () => {
    const { sub, seen } = setup();
    sub.sendTyping(true); // not connected yet: dropped, not queued
    const s = await socket(0);
    await opened(sub);
    sub.sendTyping(true);
    sub.sendTyping(false);
    expect(s.sent).toEqual([JSON.stringify({ type: "typing", typing: true }), JSON.stringify({ type: "typing", typing: false })]);
    s.receive({ type: "typing", id: "ptc_bob", name: "Bob", typing: true });
    expect(seen.typing).toEqual([{ id: "ptc_bob", name: "Bob", typing: true }]);
    sub.close();
    sub.sendTyping(true);
    expect(s.sent).toHaveLength(2);
  });

  it("gives up when the API refuses the room (4xx), and keeps trying through outages (5xx, network)", async () => {
    const refused = setup(async () => {
      throw Object.assign(new Error("404 not_found"), { status: 404 });
    });
    await vi.waitFor(() => expect(refused.sub.status).toBe("closed"), { timeout: 5000, interval: 1 });
    expect(refused.seen.errors).toHaveLength(1);
    expect(FakeSocket.instances).toHaveLength(0);

    let calls = 0;
    const flaky = setup(async (room) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("503"), { status: 503 });
      if (calls === 2) throw new TypeError("fetch failed");
      return { room, token: `tok-${calls}`, expiresAt: new Date().toISOString(), host: "rooms.test:1999", party: "main" };
    });
    await opened(flaky.sub);
    expect(flaky.seen.errors).toHaveLength(2);
    expect(FakeSocket.instances[0]!.token).toBe("tok-3");
    flaky.sub.close();
  });

  it("on the first welcome, asks for a resync only if the room broadcast after `since`", async () => {
    const cases: [since: number | undefined, idleMs: number | null, resync: number][] = [
      [Date.now() - 5000, 2000, 1], // loaded 5 s ago, the room broadcast 2 s ago: the load may have missed it
      [Date.now() - 5000, 60_000, 0], // the last broadcast was long before the load
      [Date.now() - 5000, null, 0], // the room never broadcast
      [undefined, 0, 1], // default `since` (subscribe time): a broadcast just now
      [undefined, 60_000, 0],
    ];
    for (const [since, idleMs, resync] of cases) {
      FakeSocket.instances = [];
      const { sub, seen } = setup(undefined, since === undefined ? {} : { since });
      const s = await socket(0);
      s.receive({ type: "welcome", seq: 3, presence: [ada], idleMs });
      expect(seen.resyncs, `since ${since} idleMs ${idleMs}`).toBe(resync);
      // A reconnect into an unchanged room asks nothing, however recent its last broadcast.
      s.drop();
      (await socket(1)).receive({ type: "welcome", seq: 3, presence: [ada], idleMs: 0 });
      expect(seen.resyncs).toBe(resync);
      sub.close();
    }
  });

  it("treats a revoked access as final: onRevoked once, closed, no reconnect, nothing delivered after", async () => {
    const { sub, seen } = setup();
    const s = await socket(0);
    s.receive({ type: "welcome", seq: 1, presence: [ada], idleMs: null });
    s.receive({ type: "revoked", message: "You no longer have access to this room." });
    s.receive({ type: "event", seq: 2, event: ev("late") });
    s.close(REVOKED_CLOSE_CODE, "access_revoked");
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.revoked).toEqual([{ message: "You no longer have access to this room." }]);
    expect(sub.status).toBe("closed");
    expect(seen.statuses.at(-1)).toBe("closed");
    expect(seen.events).toEqual([]);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it("stops on the revoked close code alone, and reconnects after any other close by the room (an expired token)", async () => {
    const revoked = setup();
    (await socket(0)).close(REVOKED_CLOSE_CODE, "access_revoked");
    await new Promise((r) => setTimeout(r, 30));
    expect(revoked.sub.status).toBe("closed");
    expect(revoked.seen.revoked).toEqual([{ message: "" }]);
    expect(FakeSocket.instances).toHaveLength(1);

    FakeSocket.instances = [];
    const expired = setup();
    (await socket(0)).close(4401, "token_expired");
    const again = await socket(1);
    expect(again.token).toBe("tok-2");
    expect(expired.seen.revoked).toEqual([]);
    await opened(expired.sub);
    expired.sub.close();
  });

  it("uses the room's close code from @gatherkit/core", () => {
    expect(REVOKED_CLOSE_CODE).toBe(ROOM_CLOSE_REVOKED);
  });

  it("stops reconnecting after close()", async () => {
    const { sub } = setup();
    const s = await socket(0);
    sub.close();
    expect(s.readyState).toBe(3);
    expect(sub.status).toBe("closed");
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it("does not load partysocket or the connection code until the first subscribe, and never loads the schemas", async () => {
    const { eager, lazy } = await bundle("../src/realtime.ts", ["@gatherkit/core"]);
    expect(eager.inputs.some((i) => i.includes("partysocket"))).toBe(false);
    expect(eager.inputs).not.toContain("src/realtime-connection.ts");
    expect(lazy.flatMap((c) => c.inputs)).toContain("src/realtime-connection.ts");
    expect(lazy.flatMap((c) => c.inputs).some((i) => i.includes("partysocket"))).toBe(true);
    for (const c of [eager, ...lazy]) expect(c.code).not.toContain("@gatherkit/core");
  });
});

describe("parseServerMessage", () => {
  it("accepts each room message and passes unknown event types on", async () => {
    const { parseServerMessage } = await import("../src/realtime.js");
    expect(parseServerMessage('{"type":"welcome","seq":3,"presence":[{"id":"a","name":"A"}]}')).toMatchObject({ seq: 3 });
    expect(parseServerMessage('{"type":"event","seq":4,"event":{"type":"future.thing","data":{}}}')).toMatchObject({
      event: { type: "future.thing" },
    });
    expect(parseServerMessage('{"type":"welcome","seq":3,"presence":[],"idleMs":250}')).toMatchObject({ idleMs: 250 });
    expect(parseServerMessage('{"type":"welcome","seq":3,"presence":[],"idleMs":null}')).toMatchObject({ idleMs: null });
    expect(parseServerMessage('{"type":"revoked","message":"gone"}')).toEqual({ type: "revoked", message: "gone" });
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseServerMessage('{"type":"error","code":"rate_limited","message":"slow down"}')).toMatchObject({ code: "rate_limited" });
  });

  it("refuses malformed envelopes", async () => {
    const { parseServerMessage } = await import("../src/realtime.js");
    for (const bad of [
      "null",
      "[]",
      '{"type":"welcome","seq":-1,"presence":[]}',
      '{"type":"event","seq":1}',
      '{"type":"welcome","seq":1,"presence":[],"idleMs":-5}',
      '{"type":"revoked"}',
      '{"type":"presence","presence":[{"id":1}]}',
      '{"type":"nope"}',
      "not json",
    ]) {
      expect(() => parseServerMessage(bad), bad).toThrow();
    }
  });
});
