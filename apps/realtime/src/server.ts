import {
  ClientMessageSchema,
  type PresenceEntry,
  PUBLISH_MAX_AGE_MS,
  PublishRequestSchema,
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

/** Header that carries the verified identity from `onBeforeConnect` (edge) to `onConnect` (room). */
const IDENTITY_HEADER = "x-gatherkit-identity";
/** Per-connection message budget: a burst of RATE_BURST, refilled at RATE_PER_SECOND. */
const RATE_BURST = 20;
const RATE_PER_SECOND = 5;
/** Largest publish request body the room reads (events are small; this stops junk early). */
const PUBLISH_MAX_BYTES = 64 * 1024;
/** Close code for a connection that keeps sending after it was told it is rate limited. */
const CLOSE_POLICY_VIOLATION = 1008;

/** What each connection remembers (survives hibernation: it is the socket's attachment). */
interface ConnectionState {
  id: string;
  name: string;
}

interface SeenPublish {
  seq: number;
  at: number;
}

const encoder = new TextEncoder();

function secretOf(env: Record<string, unknown>): string {
  const secret = env.REALTIME_SECRET;
  if (typeof secret !== "string" || secret.length < 32) {
    throw new Error("REALTIME_SECRET is not set (or shorter than 32 characters): pass it with --var or .env.");
  }
  return secret;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * One room per object (`org:…`, `plan:…`, `event:…`, `premise:…`). The API is the only writer:
 * it publishes committed changes with a signed POST, and the room fans them out with an
 * increasing `seq` kept in storage. Clients connect with a room token from the API, verified
 * at the edge before the socket is accepted; they may only ping. Presence is one entry per
 * person (token `sub`), however many tabs they have open.
 */
export default class Room implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: true };

  /** Last `seq` broadcast in this room; persisted so it survives hibernation and restarts. */
  private seq = 0;
  /** Publish ids seen within PUBLISH_MAX_AGE_MS, so a retried delivery is not broadcast twice. */
  private seen = new Map<string, SeenPublish>();
  /** Message budget per connection id (memory only: a hibernated room has idle connections). */
  private budgets = new Map<string, { tokens: number; at: number; dropped: number }>();

  constructor(readonly room: Party.Room) {}

  /** Verifies the room token before the WebSocket is accepted; refuses with 401 otherwise. */
  static async onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    const token = new URL(req.url).searchParams.get("token");
    if (!token) return text(401, "A room token is required: connect with ?token=<token from POST /v1/realtime/tokens>.");
    let claims: { sub: string; name: string };
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
      claims = parsed.data;
    } catch {
      return text(401, "The room token is invalid or has expired. Get a new one from POST /v1/realtime/tokens.");
    }
    // The header is always overwritten here, so a client cannot choose its own identity.
    const headers = new Headers(req.headers);
    headers.set(IDENTITY_HEADER, JSON.stringify({ id: claims.sub, name: claims.name } satisfies ConnectionState));
    return new Request(req.url, { method: req.method, headers }) as unknown as Party.Request;
  }

  async onStart() {
    const [seq, seen] = await Promise.all([this.room.storage.get<number>("seq"), this.room.storage.list<SeenPublish>({ prefix: "pub:" })]);
    this.seq = seq ?? 0;
    for (const [key, value] of seen) this.seen.set(key.slice("pub:".length), value);
  }

  onConnect(conn: Party.Connection<ConnectionState>, ctx: Party.ConnectionContext) {
    const identity = parseIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) {
      // Only reachable if the edge check was bypassed; refuse rather than admit an anonymous socket.
      conn.close(CLOSE_POLICY_VIOLATION, "unauthenticated");
      return;
    }
    const wasPresent = this.presence().some((p) => p.id === identity.id);
    conn.setState(identity);
    send(conn, { type: "welcome", seq: this.seq, presence: this.presence() });
    if (!wasPresent) this.broadcast({ type: "presence", presence: this.presence() }, [conn.id]);
  }

  onClose(conn: Party.Connection<ConnectionState>) {
    // A hibernatable socket must answer the client's close frame itself, or the client waits
    // for the closing handshake to time out.
    try {
      conn.close(1000, "bye");
    } catch {}
    this.left(conn);
  }

  onError(conn: Party.Connection<ConnectionState>) {
    this.left(conn);
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection<ConnectionState>) {
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

    const previous = this.seen.get(publish.id);
    if (previous) return json(202, { seq: previous.seq, duplicate: true });

    // No await between taking the number and broadcasting, so a `welcome` sent meanwhile can
    // never show a seq whose event this connection will not get. The write starts before the
    // broadcast; the Durable Object's output gate holds the messages until it is durable.
    const seq = ++this.seq;
    const entry = { seq, at: now };
    this.seen.set(publish.id, entry);
    const write = this.room.storage.put<number | SeenPublish>({ seq, [`pub:${publish.id}`]: entry });
    this.broadcast({ type: "event", seq, event: publish.event });
    await write;
    await this.forgetOldPublishes(now);
    return json(202, { seq, duplicate: false });
  }

  private async forgetOldPublishes(now: number) {
    const stale: string[] = [];
    for (const [id, s] of this.seen) if (now - s.at > PUBLISH_MAX_AGE_MS) stale.push(id);
    if (stale.length === 0) return;
    for (const id of stale) this.seen.delete(id);
    await this.room.storage.delete(stale.map((id) => `pub:${id}`));
  }

  private left(conn: Party.Connection<ConnectionState>) {
    this.budgets.delete(conn.id);
    const who = conn.state?.id;
    if (!who) return;
    const present = this.presence(conn.id);
    if (!present.some((p) => p.id === who)) this.broadcast({ type: "presence", presence: present }, [conn.id]);
  }

  /** One entry per person (several tabs collapse), in a stable order. */
  private presence(excludingConnection?: string): PresenceEntry[] {
    const byId = new Map<string, PresenceEntry>();
    for (const c of this.room.getConnections<ConnectionState>()) {
      if (c.id === excludingConnection || !c.state) continue;
      byId.set(c.state.id, { id: c.state.id, name: c.state.name });
    }
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private broadcast(message: ServerMessage, without?: string[]) {
    this.room.broadcast(JSON.stringify(message), without);
  }

  /** Token bucket per connection. Over budget: one `error`, then silence; far over: closed. */
  private take(conn: Party.Connection): boolean {
    const now = Date.now();
    const b = this.budgets.get(conn.id) ?? { tokens: RATE_BURST, at: now, dropped: 0 };
    b.tokens = Math.min(RATE_BURST, b.tokens + ((now - b.at) / 1000) * RATE_PER_SECOND);
    b.at = now;
    this.budgets.set(conn.id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.dropped = 0;
      return true;
    }
    b.dropped += 1;
    if (b.dropped === 1) sendError(conn, "rate_limited", `Slow down: at most ${RATE_PER_SECOND} messages a second.`);
    else if (b.dropped >= RATE_BURST) conn.close(CLOSE_POLICY_VIOLATION, "rate limited");
    return false;
  }
}

function parseIdentity(header: string | null): ConnectionState | undefined {
  if (!header) return undefined;
  try {
    const v = JSON.parse(header) as Partial<ConnectionState>;
    return typeof v.id === "string" && typeof v.name === "string" ? { id: v.id, name: v.name } : undefined;
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
