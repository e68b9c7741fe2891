import {
  ClientMessageSchema,
  type PresenceEntry,
  PUBLISH_MAX_AGE_MS,
  PublishRequestSchema,
  ROOM_CLOSE_REVOKED,
  ROOM_CLOSE_TOKEN_EXPIRED,
  ROOM_MESSAGE_MAX_BYTES,
  ROOM_TOKEN_AUDIENCE,
  ROOM_TOKEN_ISSUER,
  type RoomErrorCode,
  RoomTokenClaimsSchema,
  type ServerMessage,
  verifyPublishSignature,
} from "@gatherkit/core";
import { jwtVerify } from "jose";
import type * as Party from "partykit/server";
import { PublishIds, type SeenPublish } from "./publish-ids.js";

/** Header that carries the verified identity from `onBeforeConnect` (edge) to `onConnect` (room). */
const IDENTITY_HEADER = "x-gatherkit-identity";
/**
 * Message budget per person (room-token `sub`), shared by all their connections to the room: a
 * burst of RATE_BURST, refilled at RATE_PER_SECOND (the var `ROOM_MESSAGES_PER_SECOND` changes
 * it, for tests). Opening more sockets buys no more messages.
 */
const RATE_BURST = 20;
const RATE_PER_SECOND = 5;
/** Largest publish request body the room reads (events are small; this stops junk early). */
const PUBLISH_MAX_BYTES = 64 * 1024;
/** Close code for a connection that keeps sending after it was told it is rate limited. */
const CLOSE_POLICY_VIOLATION = 1008;
/**
 * How long after a revocation the room still refuses that person's tokens issued before it (a
 * token they already held stays valid until its `exp`). Room tokens live 5 minutes by default.
 */
const REVOKED_MEMORY_MS = 60 * 60 * 1000;
/**
 * A person whose token expired is reconnecting with a fresh one; the others are told they left
 * only if they are still gone after this long, so presence does not blink every few minutes.
 */
const PRESENCE_GRACE_MS = 10_000;

/**
 * What each connection remembers (survives hibernation: it is the socket's attachment). `exp`
 * and `iat` are the room token's, in milliseconds; `closing` says why the room closed it.
 */
interface ConnectionState {
  id: string;
  name: string;
  exp: number;
  iat: number;
  closing?: "expired" | "revoked" | "policy";
  /**
   * The client asked for `?presence=delta` (the SDK does): it is told who joined or left. Clients
   * from before deltas get the whole list on each change, as they expect.
   */
  deltas?: boolean;
}
type Connection = Party.Connection<ConnectionState>;

/** A person who lost access at `at`: their tokens issued until then are refused until `until`. */
interface Revoked {
  at: number;
  until: number;
}

const encoder = new TextEncoder();

function secretOf(env: Record<string, unknown>): string {
  const secret = env.REALTIME_SECRET;
  if (typeof secret !== "string" || secret.length < 32) {
    throw new Error("REALTIME_SECRET is not set (or shorter than 32 characters): pass it with --var or .env.");
  }
  return secret;
}

/**
 * How long publish ids are remembered: PUBLISH_MAX_AGE_MS, the most a signed request can be
 * replayed after. `PUBLISH_ID_MEMORY_MS` (a var) shortens it, for tests of what comes after.
 */
function ratePerSecondOf(env: Record<string, unknown>): number {
  const rate = Number(env.ROOM_MESSAGES_PER_SECOND);
  return Number.isFinite(rate) && rate > 0 ? rate : RATE_PER_SECOND;
}

function idMemoryOf(env: Record<string, unknown>): number {
  const ms = Number(env.PUBLISH_ID_MEMORY_MS);
  return Number.isInteger(ms) && ms >= 0 ? Math.min(ms, PUBLISH_MAX_AGE_MS) : PUBLISH_MAX_AGE_MS;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * One room per object (`org:…`, `plan:…`, `event:…`, `place:…`). The API is the only writer:
 * it publishes committed changes with a signed POST, and the room fans them out with an
 * increasing `seq` kept in storage. Clients connect with a room token from the API, verified
 * at the edge before the socket is accepted; they may only ping and say they are typing.
 * Presence is one entry per person (token `sub`), however many tabs they have open. A connection
 * is closed when its token expires (the client reconnects with a fresh one) and when the API
 * publishes that its person lost access (final).
 */
export default class Room implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: true };

  /** Last `seq` broadcast in this room; persisted so it survives hibernation and restarts. */
  private seq = 0;
  /** Highest publish `order` broadcast (persisted): anything at or below it is a repeat. */
  private order = -1;
  /** When (room clock, ms) the room last broadcast an event; persisted. */
  private lastAt: number | null = null;
  /** Publish ids seen within the id memory, so a retried delivery is not broadcast twice. */
  private seen: PublishIds;
  /** People who lost access, by token `sub` (persisted as `revoked:<sub>`). */
  private revoked = new Map<string, Revoked>();
  /** People whose token expired, not yet announced as gone (persisted), and when to look again. */
  private pendingLeave = new Set<string>();
  private pendingLeaveAt = 0;
  /** The alarm set in storage (mirrored so connects need not read it). */
  private alarmAt: number | null = null;
  /**
   * Message budget per person (token `sub`), kept while it is not full again even after they
   * leave, so reconnecting buys nothing (memory only: a hibernated room has idle connections).
   */
  private budgets = new Map<string, { tokens: number; at: number }>();
  /** Messages in a row each connection had refused for being over its person's budget. */
  private dropped = new Map<string, number>();
  private readonly idMemoryMs: number;
  private readonly ratePerSecond: number;

  constructor(readonly room: Party.Room) {
    this.idMemoryMs = idMemoryOf(room.env);
    this.seen = new PublishIds(this.idMemoryMs);
    this.ratePerSecond = ratePerSecondOf(room.env);
  }

  /** Verifies the room token before the WebSocket is accepted; refuses with 401 otherwise. */
  static async onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    const token = new URL(req.url).searchParams.get("token");
    if (!token) return text(401, "A room token is required: connect with ?token=<token from POST /v1/realtime/tokens>.");
    let identity: ConnectionState;
    try {
      const { payload } = await jwtVerify(token, encoder.encode(secretOf(lobby.env)), {
        algorithms: ["HS256"],
        issuer: ROOM_TOKEN_ISSUER,
        audience: ROOM_TOKEN_AUDIENCE,
        requiredClaims: ["exp", "sub", "room"],
      });
      const parsed = RoomTokenClaimsSchema.safeParse(payload);
      if (!parsed.success || parsed.data.room !== lobby.id) {
        return text(401, "This room token is for another room.");
      }
      identity = { id: parsed.data.sub, name: parsed.data.name, exp: (payload.exp ?? 0) * 1000, iat: (payload.iat ?? 0) * 1000 };
    } catch {
      return text(401, "The room token is invalid or has expired. Get a new one from POST /v1/realtime/tokens.");
    }
    // The header is always overwritten here, so a client cannot choose its own identity.
    const headers = new Headers(req.headers);
    headers.set(IDENTITY_HEADER, JSON.stringify(identity));
    return new Request(req.url, { method: req.method, headers }) as unknown as Party.Request;
  }

  async onStart() {
    const storage = this.room.storage;
    const [values, seen, revoked, alarmAt] = await Promise.all([
      storage.get<unknown>(["seq", "order", "lastAt", "pendingLeave"]),
      storage.list<SeenPublish>({ prefix: "pub:" }),
      storage.list<Revoked>({ prefix: "revoked:" }),
      storage.getAlarm(),
    ]);
    this.seq = (values.get("seq") as number | undefined) ?? 0;
    this.order = (values.get("order") as number | undefined) ?? -1;
    this.lastAt = (values.get("lastAt") as number | undefined) ?? null;
    const pending = values.get("pendingLeave") as { subs: string[]; at: number } | undefined;
    if (pending) {
      this.pendingLeave = new Set(pending.subs);
      this.pendingLeaveAt = pending.at;
    }
    this.seen = new PublishIds(
      this.idMemoryMs,
      [...seen].map(([key, value]) => [key.slice("pub:".length), value]),
    );
    for (const [key, value] of revoked) this.revoked.set(key.slice("revoked:".length), value);
    this.alarmAt = alarmAt;
  }

  onConnect(conn: Connection, ctx: Party.ConnectionContext) {
    const identity = parseIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) {
      // Only reachable if the edge check was bypassed; refuse rather than admit an anonymous socket.
      conn.close(CLOSE_POLICY_VIOLATION, "unauthenticated");
      return;
    }
    const now = Date.now();
    const revoked = this.revoked.get(identity.id);
    if (revoked && revoked.until > now && identity.iat <= revoked.at) {
      // A token from before this person lost access: same answer as at the revocation.
      conn.setState({ ...identity, closing: "revoked" });
      this.revoke(conn);
      return;
    }
    // This connection has no state yet, so it is not in the list: one pass over the room.
    const others = this.presence();
    const me = { id: identity.id, name: identity.name };
    const wasPresent = others.some((p) => p.id === identity.id);
    conn.setState({ ...identity, deltas: new URL(ctx.request.url).searchParams.get("presence") === "delta" });
    this.wakeAt(identity.exp);
    // The joiner gets the whole list once; the others only who joined (a join costs O(people),
    // not the whole list to everyone).
    send(conn, {
      type: "welcome",
      seq: this.seq,
      presence: wasPresent ? others : insertSorted(others, me),
      idleMs: this.lastAt === null ? null : Math.max(0, now - this.lastAt),
    });
    // Back with a fresh token before the others were told they left: nothing changed for them.
    if (this.pendingLeave.delete(identity.id)) this.savePendingLeave();
    else if (!wasPresent) this.announce([me], [], conn.id);
  }

  onClose(conn: Connection) {
    // A hibernatable socket must answer the client's close frame itself, or the client waits for
    // the closing handshake to time out; and after a close the room started, this is what ends
    // the connection. (When the client is already gone, e.g. a browser tab that navigated away,
    // the local workerd logs a `disconnected: worker_do_not_log` trace for it: see dev-output.mjs.)
    try {
      conn.close(1000, "bye");
    } catch {}
    this.left(conn);
  }

  onError(conn: Connection) {
    this.left(conn);
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Connection) {
    if (!this.take(sender)) return;
    if (typeof message !== "string") {
      return sendError(sender, "binary_not_supported", "Send JSON text messages.");
    }
    if (message.length > ROOM_MESSAGE_MAX_BYTES || encoder.encode(message).byteLength > ROOM_MESSAGE_MAX_BYTES) {
      return sendError(sender, "message_too_large", `Messages may be at most ${ROOM_MESSAGE_MAX_BYTES} bytes.`);
    }
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      return sendError(sender, "invalid_message", "The message is not valid JSON.");
    }
    const parsed = ClientMessageSchema.safeParse(data);
    if (!parsed.success) {
      return sendError(
        sender,
        "invalid_message",
        'Unknown message; a client may send {"type":"ping"} or {"type":"typing","typing":true|false}.',
      );
    }
    switch (parsed.data.type) {
      case "ping":
        return send(sender, { type: "pong" });
      case "typing": {
        // Who is typing comes from the verified token, never from the message.
        const who = sender.state;
        if (!who) return;
        return this.broadcast({ type: "typing", id: who.id, name: who.name, typing: parsed.data.typing }, [sender.id]);
      }
    }
  }

  /**
   * The API's publish: `POST` with `Authorization: Bearer <HMAC-SHA256 hex of the raw body>`
   * and a PublishRequest body. Answers 202 `{ seq, duplicate }`.
   */
  async onRequest(req: Party.Request): Promise<Response> {
    if (req.method !== "POST") return text(405, "Only POST (from the API) is accepted.", { allow: "POST" });
    // Read whole (answering before the body is read resets the sender's connection); the
    // platform bounds request size, and nothing larger than this is verified or parsed.
    const body = await req.text();
    if (body.length > PUBLISH_MAX_BYTES) return text(413, "The body is too large.");
    const signature = /^Bearer\s+([0-9a-f]{64})$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.toLowerCase();
    if (!signature || !(await verifyPublishSignature(secretOf(this.room.env), body, signature))) {
      return text(401, "Bad or missing signature.");
    }
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      return text(400, "The body is not valid JSON.");
    }
    const parsed = PublishRequestSchema.safeParse(data);
    if (!parsed.success) return json(400, { error: "invalid_body", issues: parsed.error.issues });
    const publish = parsed.data;
    if (publish.room !== this.room.id) return text(400, "The body names another room.");
    const now = Date.now();
    if (Math.abs(now - publish.sentAt) > PUBLISH_MAX_AGE_MS) return text(401, "The request is too old (or the clocks disagree).");

    const previous = this.seen.recent(publish.id, now);
    if (previous) return json(202, { seq: previous.seq, duplicate: true });
    // The outbox delivers a room's rows strictly in `order`: one at or below the mark is a repeat.
    if (publish.order !== undefined && publish.order <= this.order) return json(202, { seq: this.seq, duplicate: true });

    // No await between taking the number and broadcasting, so a `welcome` sent meanwhile can
    // never show a seq whose event this connection will not get. The write starts before the
    // broadcast; the Durable Object's output gate holds the messages until it is durable.
    const seq = ++this.seq;
    const entry = { seq, at: now };
    this.seen.add(publish.id, entry);
    this.lastAt = now;
    const writes: Record<string, unknown> = { seq, lastAt: now, [`pub:${publish.id}`]: entry };
    if (publish.order !== undefined) writes.order = this.order = publish.order;

    const subs = new Set(publish.disconnect);
    for (const sub of subs) {
      const r = { at: now, until: now + REVOKED_MEMORY_MS };
      this.revoked.set(sub, r);
      writes[`revoked:${sub}`] = r;
      this.wakeAt(r.until);
    }
    const write = this.room.storage.put(writes);

    // Who lost access gets neither this event nor any later one: left out of the broadcast, then
    // told and closed before anything else can run.
    const leaving = subs.size ? [...this.connections()].filter((c) => c.state && !c.state.closing && subs.has(c.state.id)) : [];
    this.broadcast(
      { type: "event", seq, event: publish.event },
      leaving.map((c) => c.id),
    );
    if (subs.size) {
      for (const c of leaving) {
        c.setState({ ...(c.state as ConnectionState), closing: "revoked" });
        this.revoke(c);
      }
      // Gone for the others: who had a connection here, and who was leaving (token expired).
      const gone = new Set(leaving.map((c) => (c.state as ConnectionState).id));
      let wasPending = false;
      for (const sub of subs) {
        if (!this.pendingLeave.delete(sub)) continue;
        wasPending = true;
        gone.add(sub);
      }
      if (wasPending) this.savePendingLeave();
      if (gone.size) this.announce([], [...gone]);
    }
    await write;
    await this.forgetOldPublishes(now);
    return json(202, { seq, duplicate: false });
  }

  /** Closes connections whose token expired, announces who stayed gone, and forgets old revocations. */
  async onAlarm() {
    this.alarmAt = null;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const c of this.connections()) {
      const s = c.state;
      if (!s || s.closing) continue;
      if (s.exp <= now) this.expire(c, now);
      else next = Math.min(next, s.exp);
    }
    if (this.pendingLeave.size) {
      if (this.pendingLeaveAt <= now) {
        const present = new Set(this.presence().map((p) => p.id));
        const gone = [...this.pendingLeave].filter((id) => !present.has(id));
        this.pendingLeave.clear();
        this.savePendingLeave();
        if (gone.length) this.announce([], gone);
      } else {
        next = Math.min(next, this.pendingLeaveAt);
      }
    }
    const forgotten: string[] = [];
    for (const [sub, r] of this.revoked) {
      if (r.until <= now) forgotten.push(sub);
      else next = Math.min(next, r.until);
    }
    for (const sub of forgotten) this.revoked.delete(sub);
    if (forgotten.length) await this.room.storage.delete(forgotten.map((sub) => `revoked:${sub}`));
    if (next < Number.POSITIVE_INFINITY) this.wakeAt(next);
  }

  /** Tells a connection its person lost access, then closes it for good. */
  private revoke(conn: Connection) {
    send(conn, { type: "revoked", message: "You no longer have access to this room." });
    conn.close(ROOM_CLOSE_REVOKED, "access_revoked");
  }

  /** Closes a connection whose room token expired; the client reconnects with a fresh token. */
  private expire(conn: Connection, now: number) {
    const s = conn.state as ConnectionState;
    conn.setState({ ...s, closing: "expired" });
    send(conn, { type: "reconnect", reason: "token_expired" });
    conn.close(ROOM_CLOSE_TOKEN_EXPIRED, "token_expired");
    if (this.isPresent(s.id)) return; // another tab of theirs is still here
    if (this.pendingLeave.size === 0) this.pendingLeaveAt = now + PRESENCE_GRACE_MS;
    this.pendingLeave.add(s.id);
    this.savePendingLeave();
    this.wakeAt(this.pendingLeaveAt);
  }

  private savePendingLeave() {
    const storage = this.room.storage;
    void (this.pendingLeave.size
      ? storage.put("pendingLeave", { subs: [...this.pendingLeave], at: this.pendingLeaveAt })
      : storage.delete("pendingLeave"));
  }

  /** Makes sure the alarm goes off by `at` (it may go off earlier, for something else). */
  private wakeAt(at: number) {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.room.storage.setAlarm(at);
  }

  private async forgetOldPublishes(now: number) {
    const stale = this.seen.forgetOld(now);
    if (stale.length === 0) return;
    await this.room.storage.delete(stale.map((id) => `pub:${id}`));
  }

  private left(conn: Connection) {
    this.dropped.delete(conn.id);
    this.forgetFullBudgets(Date.now());
    const s = conn.state;
    // Expired and revoked connections were accounted for when the room closed them.
    if (!s || s.closing === "expired" || s.closing === "revoked") return;
    if (!this.isPresent(s.id, conn.id)) this.announce([], [s.id], conn.id, true);
  }

  /** Whether `id` still has an open connection here (other than `excludingConnection`). */
  private isPresent(id: string, excludingConnection?: string): boolean {
    for (const c of this.connections()) {
      if (c.id !== excludingConnection && c.state && !c.state.closing && c.state.id === id) return true;
    }
    return false;
  }

  private connections(): Iterable<Connection> {
    return this.room.getConnections<ConnectionState>();
  }

  /** One entry per person (several tabs collapse), in a stable order (by id). */
  private presence(excludingConnection?: string): PresenceEntry[] {
    const byId = new Map<string, PresenceEntry>();
    for (const c of this.connections()) {
      if (c.id === excludingConnection || !c.state || c.state.closing) continue;
      byId.set(c.state.id, { id: c.state.id, name: c.state.name });
    }
    return [...byId.values()].sort(compareById);
  }

  /**
   * Tells everyone (but the connection `about`, which joined or is leaving: `gone`) who joined and
   * who left: a small `presence_delta`, the same string for all. A client from before deltas gets
   * the whole list instead (made once, only if such a client is here): only they cost O(people).
   */
  private announce(joined: PresenceEntry[], left: string[], about?: string, gone = false) {
    const delta = JSON.stringify({ type: "presence_delta", joined, left } satisfies ServerMessage);
    let whole: string | undefined;
    const now = Date.now();
    for (const c of this.connections()) {
      const s = c.state;
      if (c.id === about || s?.closing) continue;
      if (s && s.exp <= now) this.expire(c, now);
      else if (s?.deltas) c.send(delta);
      else {
        whole ??= JSON.stringify({ type: "presence", presence: this.presence(gone ? about : undefined) } satisfies ServerMessage);
        c.send(whole);
      }
    }
  }

  /** Sends to every open connection but `without`; one whose token has expired is closed instead. */
  private broadcast(message: ServerMessage, without: string[] = []) {
    const data = JSON.stringify(message);
    const now = Date.now();
    for (const c of this.connections()) {
      if (without.includes(c.id)) continue;
      const s = c.state;
      if (s?.closing) continue;
      if (s && s.exp <= now) this.expire(c, now);
      else c.send(data);
    }
  }

  /**
   * Token bucket per person (their token `sub`; a connection without one counts alone). Over
   * budget: one `error` per connection, then silence; a connection that goes on: closed.
   */
  private take(conn: Connection): boolean {
    const now = Date.now();
    const person = conn.state?.id ?? `connection:${conn.id}`;
    const b = this.budgets.get(person) ?? { tokens: RATE_BURST, at: now };
    b.tokens = Math.min(RATE_BURST, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    this.budgets.set(person, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.dropped.delete(conn.id);
      return true;
    }
    const dropped = (this.dropped.get(conn.id) ?? 0) + 1;
    this.dropped.set(conn.id, dropped);
    if (dropped === 1) sendError(conn, "rate_limited", `Slow down: at most ${this.ratePerSecond} messages a second per person.`);
    else if (dropped >= RATE_BURST) {
      if (conn.state) conn.setState({ ...conn.state, closing: "policy" });
      conn.close(CLOSE_POLICY_VIOLATION, "rate limited");
    }
    return false;
  }

  /** Drops the budgets that have filled up again: a fresh one is the same. */
  private forgetFullBudgets(now: number) {
    for (const [person, b] of this.budgets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= RATE_BURST) this.budgets.delete(person);
    }
  }
}

const compareById = (a: PresenceEntry, b: PresenceEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `list` (sorted by id) with `entry` added in its place. */
function insertSorted(list: PresenceEntry[], entry: PresenceEntry): PresenceEntry[] {
  const i = list.findIndex((p) => compareById(entry, p) < 0);
  return i < 0 ? [...list, entry] : [...list.slice(0, i), entry, ...list.slice(i)];
}

function parseIdentity(header: string | null): ConnectionState | undefined {
  if (!header) return undefined;
  try {
    const v = JSON.parse(header) as Partial<ConnectionState>;
    return typeof v.id === "string" && typeof v.name === "string" && typeof v.exp === "number" && typeof v.iat === "number"
      ? { id: v.id, name: v.name, exp: v.exp, iat: v.iat }
      : undefined;
  } catch {
    return undefined;
  }
}

function send(conn: Party.Connection, message: ServerMessage) {
  conn.send(JSON.stringify(message));
}

function sendError(conn: Party.Connection, code: RoomErrorCode, message: string) {
  send(conn, { type: "error", code, message });
}

Room satisfies Party.Worker;
