import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId, type PublishedEvent, ROOM_MESSAGE_MAX_BYTES, type ServerMessage } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CuttableProxy,
  type PartykitDev,
  publishToRoom,
  roomUrl,
  signRoomToken,
  startPartykit,
  TestSocket,
  upgradeStatus,
} from "./partykit.js";

const SECRET = "room-test-secret-0123456789abcdefghijklmnop";
const persistDir = mkdtempSync(join(tmpdir(), "gk-room-test-"));
let pk: PartykitDev;

beforeAll(async () => {
  pk = await startPartykit({ secret: SECRET, persistDir });
});
afterAll(async () => {
  if (process.env.DUMP) console.log(pk?.output());
  await pk?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

const newRoom = () => `org:${newId("organization")}`;

/** A room token as the API signs it, with this suite's secret unless told otherwise. */
function token(
  room: string,
  who: { sub: string; name: string },
  opts: { secret?: string; expiresIn?: number; audience?: string; org?: string; issuedAt?: number } = {},
) {
  return signRoomToken(opts.secret ?? SECRET, room, who, opts);
}

const ada = { sub: "usr_ada0000000", name: "Ada" };
const bob = { sub: "usr_bob0000000", name: "Bob" };
const cat = { sub: "usr_cat0000000", name: "Cat" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const entry = (who: { sub: string; name: string }) => ({ id: who.sub, name: who.name });
const joined = (who: { sub: string; name: string }) => ({ type: "presence_delta", joined: [entry(who)], left: [] });
const left = (who: { sub: string; name: string }) => ({ type: "presence_delta", joined: [], left: [who.sub] });
const event = (name: string): PublishedEvent => ({ type: "organization.updated", data: { id: "org_x", name } });

async function enter(room: string, who: { sub: string; name: string }, opts: { expiresIn?: number; issuedAt?: number } = {}) {
  // As the SDK connects: presence changes as deltas.
  const s = await TestSocket.open(roomUrl(pk.host, room, { token: await token(room, who, opts), presence: "delta" }));
  const welcome = await s.expect("welcome");
  return { s, welcome };
}

async function publish(room: string, e: PublishedEvent, opts: { id?: string; order?: number; disconnect?: string[] } = {}) {
  const res = await publishToRoom(pk.host, SECRET, room, e, opts);
  expect(res.status).toBe(202);
  return (await res.json()) as { seq: number; duplicate: boolean };
}

describe("connecting", () => {
  it("accepts a valid room token and refuses missing, forged, expired, other-room and wrong-audience tokens with 401", async () => {
    const room = newRoom();
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: await token(room, ada) }))).toBe(101);
    expect(await upgradeStatus(roomUrl(pk.host, room))).toBe(401);
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: "not-a-jwt" }))).toBe(401);
    const forged = await token(room, ada, { secret: "another-secret-0123456789abcdefghijklmn" });
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: forged }))).toBe(401);
    const expired = await token(room, ada, { expiresIn: -60 });
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: expired }))).toBe(401);
    const otherRoom = await token(newRoom(), ada);
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: otherRoom }))).toBe(401);
    const wrongAudience = await token(room, ada, { audience: "gatherkit-api" });
    expect(await upgradeStatus(roomUrl(pk.host, room, { token: wrongAudience }))).toBe(401);
  });

  it("ignores an identity header sent by the client", async () => {
    const room = newRoom();
    const identity = JSON.stringify({ id: bob.sub, name: "Bob" });
    expect(await upgradeStatus(roomUrl(pk.host, room), { "x-gatherkit-identity": identity })).toBe(401);
    // With Ada's token, the header is replaced by Ada's verified identity.
    const s = await TestSocket.open(roomUrl(pk.host, room, { token: await token(room, ada) }), {
      "x-gatherkit-identity": identity,
    });
    expect((await s.expect("welcome")).presence).toEqual([{ id: ada.sub, name: "Ada" }]);
    await s.close();
  });
});

describe("presence", () => {
  it("shows both names, collapses a second tab of the same person, and drops a person who leaves", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    expect(a.welcome).toEqual({ type: "welcome", seq: 0, presence: [{ id: ada.sub, name: "Ada" }], idleMs: null });

    const b = await enter(room, bob);
    const both = [
      { id: ada.sub, name: "Ada" },
      { id: bob.sub, name: "Bob" },
    ];
    expect(b.welcome.presence).toEqual(both);
    // Ada hears only who joined, not the whole list again.
    expect(await a.s.next()).toEqual(joined(bob));

    // Ada's second tab: same presence, and nobody is told anything changed.
    const a2 = await enter(room, ada);
    expect(a2.welcome.presence).toEqual(both);
    await publish(room, event("after second tab"));
    expect((await b.s.next()).type).toBe("event");
    expect((await a.s.next()).type).toBe("event");

    await b.s.close();
    expect(await a.s.next()).toEqual(left(bob));
    expect((await a2.s.expect("event")).seq).toBe(1);
    expect(await a2.s.next()).toEqual(left(bob));

    // Closing one of Ada's two tabs changes nothing for the other.
    await a.s.close();
    await publish(room, event("after first tab closed"));
    expect(await a2.s.next()).toMatchObject({ type: "event", seq: 2 });
    await a2.s.close();
  });
});

describe("presence at scale (issue 8: a join costs O(people), counted)", () => {
  /** Every message before the next event (which marks that everything sent before it arrived). */
  async function upToEvent(s: TestSocket) {
    const got: ServerMessage[] = [];
    for (let m = await s.next(); m.type !== "event"; m = await s.next()) got.push(m);
    return got;
  }

  it("50 join: each joiner gets the whole list once, each one already there one small delta per later join; leaving is a delta", async () => {
    const room = newRoom();
    const N = 50;
    // Ids sorted as the room sorts them (by id), so person i's welcome lists people 0…i.
    const people = Array.from({ length: N }, (_, i) => ({ sub: `usr_p${String(i).padStart(9, "0")}`, name: `P${i}` }));
    const clients: Awaited<ReturnType<typeof enter>>[] = [];
    for (const who of people) clients.push(await enter(room, who));
    await publish(room, event("after the joins"));
    const got = await Promise.all(clients.map((c) => upToEvent(c.s)));

    let listBytes = 0;
    let deltaBytes = 0;
    let deltas = 0;
    for (let i = 0; i < N; i++) {
      expect(clients[i]?.welcome.presence).toEqual(people.slice(0, i + 1).map(entry));
      expect(got[i]).toEqual(people.slice(i + 1).map(joined));
      listBytes += JSON.stringify(clients[i]?.welcome.presence).length;
      for (const m of got[i] ?? []) {
        deltaBytes += JSON.stringify(m).length;
        deltas++;
      }
    }
    // N(N-1)/2 deltas of one person each: bytes grow with the people, not with people × joins.
    expect(deltas).toBe((N * (N - 1)) / 2);
    expect(deltaBytes / deltas).toBeLessThan(100);
    // (A full list to everyone on each join would have been Σ k·(k-1) entries ≈ N³/3.)
    expect(listBytes).toBeLessThan(N * N * 40);

    // The last ten leave: the forty still there hear one `left` each, nothing else.
    for (const c of clients.slice(N - 10)) await c.s.close();
    await publish(room, event("after the leaves"));
    const after = await Promise.all(clients.slice(0, N - 10).map((c) => upToEvent(c.s)));
    for (const a of after) expect(a).toEqual(people.slice(N - 10).map(left));
    for (const c of clients.slice(0, N - 10)) await c.s.close();
  }, 60_000);

  it("30 joining at once: each one's welcome plus the deltas it got add up to everyone, and nobody hears of their own join", async () => {
    const room = newRoom();
    const N = 30;
    const people = Array.from({ length: N }, (_, i) => ({ sub: `usr_q${String(i).padStart(9, "0")}`, name: `Q${i}` }));
    const clients = await Promise.all(people.map((who) => enter(room, who)));
    await publish(room, event("after the storm"));
    const got = await Promise.all(clients.map((c) => upToEvent(c.s)));
    const everyone = people.map(entry);
    let deltas = 0;
    for (const [i, c] of clients.entries()) {
      const seen = new Map(c.welcome.presence.map((p) => [p.id, p]));
      for (const m of got[i] ?? []) {
        if (m.type !== "presence_delta") throw new Error(`unexpected ${JSON.stringify(m)}`);
        expect(m.left).toEqual([]);
        for (const p of m.joined) {
          expect(seen.has(p.id)).toBe(false); // only people not listed yet, never the joiner itself
          seen.set(p.id, p);
        }
        deltas++;
      }
      expect([...seen.values()].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(everyone);
    }
    // Whatever the order they were let in: one delta per (earlier person, later join) pair.
    expect(deltas).toBe((N * (N - 1)) / 2);
    for (const c of clients) await c.s.close();
  }, 60_000);
});

describe("presence for clients from before deltas", () => {
  it("a client without ?presence=delta still gets the whole list on each change, in the same room as delta clients", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const old = await TestSocket.open(roomUrl(pk.host, room, { token: await token(room, bob) }));
    expect((await old.expect("welcome")).presence).toEqual([entry(ada), entry(bob)]);
    expect(await a.s.next()).toEqual(joined(bob));
    const c = await enter(room, cat);
    expect(await a.s.next()).toEqual(joined(cat));
    expect(await old.next()).toEqual({ type: "presence", presence: [entry(ada), entry(bob), entry(cat)] });
    await c.s.close();
    expect(await a.s.next()).toEqual(left(cat));
    expect(await old.next()).toEqual({ type: "presence", presence: [entry(ada), entry(bob)] });
    await old.close();
    expect(await a.s.next()).toEqual(left(bob));
    await a.s.close();
  });
});

describe("typing", () => {
  it("relays typing to the others with the sender's identity from its token, never to the sender, and refuses a malformed one", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    await a.s.expect("presence_delta");

    a.s.send(JSON.stringify({ type: "typing", typing: true, id: "usr_forged", name: "Mallory" }));
    expect(await a.s.next()).toMatchObject({ type: "error", code: "invalid_message" });
    a.s.send(JSON.stringify({ type: "typing", typing: true }));
    expect(await b.s.next()).toEqual({ type: "typing", id: ada.sub, name: "Ada", typing: true });
    a.s.send(JSON.stringify({ type: "typing", typing: false }));
    expect(await b.s.next()).toEqual({ type: "typing", id: ada.sub, name: "Ada", typing: false });

    // Ada never hears her own typing: the next thing she gets is this event.
    await publish(room, event("after typing"));
    expect(await a.s.next()).toMatchObject({ type: "event", event: event("after typing") });
    await a.s.close();
    await b.s.close();
  });
});

describe("publishing", () => {
  it("broadcasts signed publishes to every client with increasing seq and drops a repeated id", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    await a.s.expect("presence_delta");

    expect(await publish(room, event("one"), { id: "obx_one" })).toEqual({ seq: 1, duplicate: false });
    expect(await publish(room, event("two"))).toEqual({ seq: 2, duplicate: false });
    expect(await publish(room, event("one"), { id: "obx_one" })).toEqual({ seq: 1, duplicate: true });
    expect(await publish(room, event("three"))).toEqual({ seq: 3, duplicate: false });
    for (const s of [a.s, b.s]) {
      expect(await s.next()).toEqual({ type: "event", seq: 1, event: event("one") });
      expect(await s.next()).toEqual({ type: "event", seq: 2, event: event("two") });
      expect(await s.next()).toEqual({ type: "event", seq: 3, event: event("three") });
    }

    // A newcomer's welcome carries the current seq.
    const c = await enter(room, { sub: "usr_cat0000000", name: "Cat" });
    expect(c.welcome.seq).toBe(3);
    for (const s of [a.s, b.s, c.s]) await s.close();
  });

  it("refuses a bad signature (401), a stale or malformed request (401/400), another room's body (400) and GET (405)", async () => {
    const room = newRoom();
    const url = roomUrl(pk.host, room, { protocol: "http" });
    const body = JSON.stringify({ id: "x1", room, sentAt: Date.now(), event: event("x") });
    const post = (b: string, authorization?: string) =>
      fetch(url, { method: "POST", body: b, headers: authorization ? { authorization } : {} });

    expect((await post(body)).status).toBe(401);
    expect((await post(body, `Bearer ${"0".repeat(64)}`)).status).toBe(401);
    expect((await publishToRoom(pk.host, "wrong-secret-0123456789abcdefghijklmnopq", room, event("x"))).status).toBe(401);
    expect((await publishToRoom(pk.host, SECRET, room, event("x"), { sentAt: Date.now() - 60 * 60 * 1000 })).status).toBe(401);

    const { signPublishBody } = await import("@gatherkit/core");
    const signed = async (b: string) => post(b, `Bearer ${await signPublishBody(SECRET, b)}`);
    expect((await signed("{not json")).status).toBe(400);
    expect((await signed(JSON.stringify({ id: "x2", room, sentAt: Date.now(), event: { type: "nope" } }))).status).toBe(400);
    expect((await signed(JSON.stringify({ id: "x3", room, sentAt: Date.now(), event: event("x"), extra: 1 }))).status).toBe(400);
    expect((await signed(JSON.stringify({ id: "x4", room: newRoom(), sentAt: Date.now(), event: event("x") }))).status).toBe(400);
    expect((await fetch(url)).status).toBe(405);
    expect((await signed(JSON.stringify({ id: "x5", room, sentAt: Date.now(), event: event("x".repeat(70_000)) }))).status).toBe(413);

    // None of that moved the room's seq.
    expect(await publish(room, event("ok"))).toEqual({ seq: 1, duplicate: false });
  });

  it("tells a newcomer how long ago the room last broadcast (idleMs, on the room's clock), null before any event", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    expect(a.welcome.idleMs).toBeNull();
    await publish(room, event("one"));
    await sleep(300);
    const b = await enter(room, bob);
    expect(b.welcome.idleMs).toBeGreaterThanOrEqual(300);
    expect(b.welcome.idleMs).toBeLessThan(10_000);
    await a.s.close();
    await b.s.close();
  });

  it("keeps seq across a restart of the server", async () => {
    const room = newRoom();
    await publish(room, event("one"), { order: 1 });
    await publish(room, event("two"), { order: 10 });
    await publish(room, event("plain"), { id: "obx_plain_kept" });
    await pk.stop();
    pk = await startPartykit({ secret: SECRET, persistDir });
    const a = await enter(room, ada);
    expect(a.welcome.seq).toBe(3);
    expect(a.welcome.idleMs).toEqual(expect.any(Number));
    // The publish ids are kept too: a repeat without an order is still dropped by its id.
    expect(await publish(room, event("plain"), { id: "obx_plain_kept" })).toEqual({ seq: 3, duplicate: true });
    // The highest order broadcast is kept too: a late repeat under a new id is still a repeat.
    expect(await publish(room, event("two again"), { order: 10 })).toEqual({ seq: 3, duplicate: true });
    expect(await publish(room, event("three"), { order: 11 })).toMatchObject({ seq: 4 });
    expect(await a.s.next()).toMatchObject({ type: "event", seq: 4 });
    await a.s.close();
  });
});

describe("client messages", () => {
  it("answers ping with pong, refuses oversize, malformed, unknown and binary messages with an error, and broadcasts none of them", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    await a.s.expect("presence_delta");

    a.s.send(JSON.stringify({ type: "ping" }));
    expect(await a.s.next()).toEqual({ type: "pong" });

    a.s.send(JSON.stringify({ type: "ping", pad: "x".repeat(ROOM_MESSAGE_MAX_BYTES) }));
    expect(await a.s.next()).toMatchObject({ type: "error", code: "message_too_large" });
    a.s.send("{not json");
    expect(await a.s.next()).toMatchObject({ type: "error", code: "invalid_message" });
    a.s.send(JSON.stringify({ type: "event", seq: 99, event: event("forged") }));
    expect(await a.s.next()).toMatchObject({ type: "error", code: "invalid_message" });
    a.s.send(new Uint8Array([1, 2, 3]));
    expect(await a.s.next()).toMatchObject({ type: "error", code: "binary_not_supported" });

    // Had any of it been broadcast, Bob would see it before this event.
    await publish(room, event("after junk"));
    expect(await b.s.next()).toEqual({ type: "event", seq: 1, event: event("after junk") });
    expect(await a.s.next()).toEqual({ type: "event", seq: 1, event: event("after junk") });
    await a.s.close();
    await b.s.close();
  });

  it("rate-limits a flooding connection: one error, then it is closed", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    for (let i = 0; i < 100; i++) a.s.send(JSON.stringify({ type: "ping" }));
    const closed = await a.s.closed();
    expect(closed.code).toBe(1008);
    const received = a.s.drain().map((m) => (m.type === "error" ? `error:${m.code}` : m.type));
    expect(received.filter((t) => t === "error:rate_limited")).toHaveLength(1);
    expect(received.filter((t) => t === "pong").length).toBeLessThan(100);
  });
});

describe("publish order", () => {
  // A room that forgets publish ids after 1 s instead of 5 minutes, to see what comes after (long
  // enough that two requests in a row land well within it on a loaded machine).
  let short: PartykitDev;
  beforeAll(async () => {
    short = await startPartykit({ secret: SECRET, vars: { PUBLISH_ID_MEMORY_MS: "1000" } });
  });
  afterAll(async () => {
    await short?.stop();
  });

  it("answers a publish at or below the highest order broadcast as a duplicate, long after its id is forgotten", async () => {
    const room = newRoom();
    const s = await TestSocket.open(roomUrl(short.host, room, { token: await token(room, ada) }));
    await s.expect("welcome");
    const pub = async (name: string, opts: { id: string; order?: number }) => {
      const res = await publishToRoom(short.host, SECRET, room, event(name), opts);
      expect(res.status).toBe(202);
      return res.json();
    };

    // Without an order only the id memory stops a repeat, and once it has passed the repeat goes out again.
    expect(await pub("plain", { id: "obx_plain" })).toEqual({ seq: 1, duplicate: false });
    expect(await pub("plain", { id: "obx_plain" })).toEqual({ seq: 1, duplicate: true });
    await sleep(1_200);
    expect(await pub("plain", { id: "obx_plain" })).toEqual({ seq: 2, duplicate: false });

    expect(await pub("five", { id: "obx_5", order: 5 })).toEqual({ seq: 3, duplicate: false });
    await sleep(1_200);
    expect(await pub("five", { id: "obx_5", order: 5 })).toEqual({ seq: 3, duplicate: true });
    expect(await pub("three", { id: "obx_3", order: 3 })).toEqual({ seq: 3, duplicate: true });
    expect(await pub("six", { id: "obx_6", order: 6 })).toEqual({ seq: 4, duplicate: false });

    for (const [seq, name] of [
      [1, "plain"],
      [2, "plain"],
      [3, "five"],
      [4, "six"],
    ] as const) {
      expect(await s.next()).toEqual({ type: "event", seq, event: event(name) });
    }
    await s.close();
    expect(s.drain()).toEqual([]);
  });

  it("forgets many old ids once the memory has passed, while a recent id is still a repeat", async () => {
    const room = newRoom();
    const pub = async (name: string, id: string) => {
      const res = await publishToRoom(short.host, SECRET, room, event(name), { id });
      expect(res.status).toBe(202);
      return res.json();
    };
    const OLD = 40;
    for (let i = 1; i <= OLD; i++) expect(await pub(`old ${i}`, `obx_old_${i}`)).toEqual({ seq: i, duplicate: false });
    await sleep(1_200);
    expect(await pub("new", "obx_new")).toEqual({ seq: OLD + 1, duplicate: false });
    // (Right after: well within the memory, as in the test above.)
    expect(await pub("new", "obx_new")).toEqual({ seq: OLD + 1, duplicate: true });
    // The first and the last of the old ones are forgotten: a repeat of either goes out again.
    expect(await pub("old 1", "obx_old_1")).toEqual({ seq: OLD + 2, duplicate: false });
    expect(await pub(`old ${OLD}`, `obx_old_${OLD}`)).toEqual({ seq: OLD + 3, duplicate: false });
  });
});

describe("losing access", () => {
  it("sends the change to everyone else, then tells and closes each connection of the removed person; their older tokens are refused", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    const b2 = await enter(room, bob); // a second tab
    expect(await a.s.next()).toEqual(joined(bob));

    expect(await publish(room, event("bob removed"), { disconnect: [bob.sub] })).toEqual({ seq: 1, duplicate: false });
    expect(await a.s.next()).toEqual({ type: "event", seq: 1, event: event("bob removed") });
    expect(await a.s.next()).toEqual(left(bob));
    for (const s of [b.s, b2.s]) expect(await s.next()).toEqual({ type: "revoked", message: expect.any(String) });

    // A token Bob got before he was removed is answered the same way, without a welcome.
    const old = await TestSocket.open(
      roomUrl(pk.host, room, { token: await token(room, bob, { issuedAt: Math.floor(Date.now() / 1000) - 60 }) }),
    );
    expect(await old.next()).toEqual({ type: "revoked", message: expect.any(String) });

    await publish(room, event("after"));
    expect(await a.s.next()).toEqual({ type: "event", seq: 2, event: event("after") });
    // (The local runtime ends a connection it closed only when the client gives up waiting: ~10 s.)
    const closes = await Promise.all([b.s, b2.s, old].map((s) => s.closed()));
    expect(closes).toEqual(Array(3).fill({ code: 4403, reason: "access_revoked" }));
    for (const s of [b.s, b2.s, old]) expect(s.drain()).toEqual([]);

    // Added back later, he gets in with a token issued after that.
    const back = await enter(room, bob, { issuedAt: Math.floor(Date.now() / 1000) + 2 });
    expect(back.welcome).toMatchObject({ seq: 2, presence: [entry(ada), entry(bob)] });
    expect(await a.s.next()).toEqual(joined(bob));
    await a.s.close();
    await back.s.close();
  });
});

describe("token expiry", () => {
  it("closes a connection when its token expires (4401: reconnect with a fresh one); the others hear only of who stays away", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob, { expiresIn: 2 });
    const c = await enter(room, cat, { expiresIn: 2 });
    expect(await a.s.next()).toEqual(joined(bob));
    expect(await a.s.next()).toEqual(joined(cat));

    // Each is told to reconnect, then closed.
    expect(await b.s.next()).toEqual(joined(cat));
    expect(await b.s.next()).toEqual({ type: "reconnect", reason: "token_expired" });
    expect(await c.s.next()).toEqual({ type: "reconnect", reason: "token_expired" });
    // Bob comes back at once with a fresh token (what the SDK does); Cat does not.
    const b2 = await enter(room, bob);
    expect(b2.welcome.presence).toEqual([entry(ada), entry(bob)]);
    // Ada never saw Bob leave: the next thing she hears is that Cat left, once the grace is over.
    const told = a.s.next();
    const closes = await Promise.all([b.s.closed(), c.s.closed()]);
    expect(closes).toEqual(Array(2).fill({ code: 4401, reason: "token_expired" }));
    expect(await told).toEqual(left(cat));
    expect(await b2.s.next()).toEqual(left(cat));
    await publish(room, event("after"));
    expect(await a.s.next()).toMatchObject({ type: "event", seq: 1 });
    expect(await b2.s.next()).toMatchObject({ type: "event", seq: 1 });
    for (const s of [b.s, c.s]) expect(s.drain()).toEqual([]);
    await a.s.close();
    await b2.s.close();
  }, 40_000);
});

describe("a client that leaves without finishing the closing handshake", () => {
  it("leaves nothing but the request line in the output", async () => {
    const proxy = new CuttableProxy({ port: pk.port });
    const host = await proxy.listen();
    const room = newRoom();
    const a = await enter(room, ada);
    const s = await TestSocket.open(roomUrl(host, room, { token: await token(room, bob) }));
    await s.expect("welcome");
    await a.s.expect("presence_delta");
    const before = pk.output().length;
    proxy.disconnect();
    expect(await a.s.next()).toEqual(left(bob));
    await sleep(1000);
    expect(pk.output().slice(before)).not.toMatch(/stack:|worker_do_not_log|Uncaught exception/);
    await proxy.close();
    await a.s.close();
  });
});

describe("message budget per person", () => {
  // Refilling at 0.01 messages a second, the budget is the burst alone for the whole test.
  let slow: PartykitDev;
  beforeAll(async () => {
    slow = await startPartykit({ secret: SECRET, vars: { ROOM_MESSAGES_PER_SECOND: "0.01" } });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("ten sockets of one person share one budget of 20 messages (each told once); another person keeps their own", async () => {
    const room = newRoom();
    const open = async (who: { sub: string; name: string }) => {
      const s = await TestSocket.open(roomUrl(slow.host, room, { token: await token(room, who) }));
      await s.expect("welcome");
      return s;
    };
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 10; i++) sockets.push(await open(ada));
    // Three rounds of one ping per socket, each answered before the next is sent: a socket told
    // it is rate limited sends nothing more (the room would drop it silently).
    const answers: string[] = [];
    const told = new Set<TestSocket>();
    for (let round = 0; round < 3; round++) {
      for (const s of sockets) {
        if (told.has(s)) continue;
        s.send(JSON.stringify({ type: "ping" }));
        const m = await s.next();
        answers.push(m.type === "error" ? `error:${m.code}` : m.type);
        if (m.type === "error") told.add(s);
      }
    }
    expect(answers.filter((a) => a === "pong")).toHaveLength(20);
    expect(answers.filter((a) => a === "error:rate_limited")).toHaveLength(10);
    expect(answers).toHaveLength(30);

    // Bob's budget is his own.
    const b = await open(bob);
    b.send(JSON.stringify({ type: "ping" }));
    expect(await b.next()).toEqual({ type: "pong" });
    // Leaving and coming back buys Ada nothing.
    for (const s of sockets) await s.close();
    const again = await open(ada);
    again.send(JSON.stringify({ type: "ping" }));
    expect(await again.next()).toMatchObject({ type: "error", code: "rate_limited" });
    await again.close();
    await b.close();
  });
});
