import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId, type PublishedEvent, ROOM_MESSAGE_MAX_BYTES, ROOM_TOKEN_AUDIENCE, ROOM_TOKEN_ISSUER } from "@gatherkit/core";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PartykitDev, publishToRoom, roomUrl, startPartykit, TestSocket, upgradeStatus } from "./partykit.js";

const SECRET = "room-test-secret-0123456789abcdefghijklmnop";
const persistDir = mkdtempSync(join(tmpdir(), "gk-room-test-"));
let pk: PartykitDev;

beforeAll(async () => {
  pk = await startPartykit({ secret: SECRET, persistDir });
});
afterAll(async () => {
  await pk?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

const newRoom = () => `org:${newId("organization")}`;

/** A room token as the API signs it (apps/api/src/lib/tokens.ts signRoomToken). */
async function token(
  room: string,
  who: { sub: string; name: string },
  opts: { secret?: string; expiresIn?: number; audience?: string; org?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ room, sub: who.sub, name: who.name, org: opts.org ?? room.slice("org:".length) })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ROOM_TOKEN_ISSUER)
    .setAudience(opts.audience ?? ROOM_TOKEN_AUDIENCE)
    .setSubject(who.sub)
    .setIssuedAt(now - 600)
    .setExpirationTime(now + (opts.expiresIn ?? 300))
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

const ada = { sub: "usr_ada0000000", name: "Ada" };
const bob = { sub: "usr_bob0000000", name: "Bob" };
const event = (name: string): PublishedEvent => ({ type: "organization.updated", data: { id: "org_x", name } });

async function enter(room: string, who: { sub: string; name: string }) {
  const s = await TestSocket.open(roomUrl(pk.host, room, { token: await token(room, who) }));
  const welcome = await s.expect("welcome");
  return { s, welcome };
}

async function publish(room: string, e: PublishedEvent, opts: { id?: string } = {}) {
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
    expect(a.welcome).toEqual({ type: "welcome", seq: 0, presence: [{ id: ada.sub, name: "Ada" }] });

    const b = await enter(room, bob);
    const both = [
      { id: ada.sub, name: "Ada" },
      { id: bob.sub, name: "Bob" },
    ];
    expect(b.welcome.presence).toEqual(both);
    expect((await a.s.expect("presence")).presence).toEqual(both);

    // Ada's second tab: same presence, and nobody is told anything changed.
    const a2 = await enter(room, ada);
    expect(a2.welcome.presence).toEqual(both);
    await publish(room, event("after second tab"));
    expect((await b.s.next()).type).toBe("event");
    expect((await a.s.next()).type).toBe("event");

    await b.s.close();
    const onlyAda = [{ id: ada.sub, name: "Ada" }];
    expect((await a.s.expect("presence")).presence).toEqual(onlyAda);
    expect((await a2.s.expect("event")).seq).toBe(1);
    expect((await a2.s.expect("presence")).presence).toEqual(onlyAda);

    // Closing one of Ada's two tabs changes nothing for the other.
    await a.s.close();
    await publish(room, event("after first tab closed"));
    expect(await a2.s.next()).toMatchObject({ type: "event", seq: 2 });
    await a2.s.close();
  });
});

describe("typing", () => {
  it("relays typing to the others with the sender's identity from its token, never to the sender, and refuses a malformed one", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    await a.s.expect("presence");

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
    await a.s.expect("presence");

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

  it("keeps seq across a restart of the server", async () => {
    const room = newRoom();
    await publish(room, event("one"));
    await publish(room, event("two"));
    await pk.stop();
    pk = await startPartykit({ secret: SECRET, persistDir });
    const a = await enter(room, ada);
    expect(a.welcome.seq).toBe(2);
    expect(await publish(room, event("three"))).toMatchObject({ seq: 3 });
    expect(await a.s.next()).toMatchObject({ type: "event", seq: 3 });
    await a.s.close();
  });
});

describe("client messages", () => {
  it("answers ping with pong, refuses oversize, malformed, unknown and binary messages with an error, and broadcasts none of them", async () => {
    const room = newRoom();
    const a = await enter(room, ada);
    const b = await enter(room, bob);
    await a.s.expect("presence");

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
