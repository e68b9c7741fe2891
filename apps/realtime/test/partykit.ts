/**
 * Test helpers for anything that needs real rooms: start `partykit dev` for this project on a
 * free port with the shared secret, talk to it with plain WebSockets, and publish the way the
 * API does. Import from `@gatherkit/realtime/test/partykit`.
 */
import { request } from "node:http";
import { createServer, type Server, Socket } from "node:net";
import {
  type PublishedEvent,
  ROOM_TOKEN_AUDIENCE,
  ROOM_TOKEN_ISSUER,
  type ServerMessage,
  ServerMessageSchema,
  signPublishBody,
} from "@gatherkit/core";
import { SignJWT } from "jose";

export { type PartykitDev, startPartykit } from "./partykit-dev.mjs";

/**
 * The room URL for a WebSocket (`ws`) or an HTTP request (`http`); `presence: "delta"` asks for
 * presence changes as deltas, as the SDK does (without it, the whole list on each change).
 */
export function roomUrl(host: string, room: string, opts: { protocol?: "ws" | "http"; token?: string; presence?: "delta" } = {}): string {
  const query =
    (opts.token === undefined ? "" : `?token=${encodeURIComponent(opts.token)}`) +
    (opts.presence ? `${opts.token === undefined ? "?" : "&"}presence=${opts.presence}` : "");
  return `${opts.protocol ?? "ws"}://${host}/parties/main/${room}${query}`;
}

/**
 * Attempts a WebSocket upgrade and reports the HTTP status: 101 when the room accepted it,
 * otherwise the refusal (e.g. 401) — which a WebSocket client does not expose.
 */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const u = new URL(url.replace(/^ws/, "http"));
  return new Promise((resolvePromise, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
        ...headers,
      },
    });
    req.once("upgrade", (res, socket) => {
      socket.destroy();
      resolvePromise(res.statusCode ?? 0);
    });
    req.once("response", (res) => {
      res.resume();
      resolvePromise(res.statusCode ?? 0);
    });
    req.once("error", reject);
    req.end();
  });
}

/**
 * A plain WebSocket that queues every server message, parsed with ServerMessageSchema, so a
 * test can take them strictly in order with `next()`.
 */
export class TestSocket {
  private queue: ServerMessage[] = [];
  private waiters: ((m: ServerMessage) => void)[] = [];
  private closedWaiters: ((e: { code: number; reason: string }) => void)[] = [];
  closeEvent: { code: number; reason: string } | undefined;
  readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      const msg = ServerMessageSchema.parse(JSON.parse(String(e.data)));
      const w = this.waiters.shift();
      if (w) w(msg);
      else this.queue.push(msg);
    });
    ws.addEventListener("close", (e) => {
      this.closeEvent = { code: e.code, reason: e.reason };
      for (const w of this.closedWaiters.splice(0)) w(this.closeEvent);
    });
  }

  /** Opens a socket; `headers` are sent with the upgrade (Node's WebSocket allows that). */
  static open(url: string, headers?: Record<string, string>): Promise<TestSocket> {
    const ws = headers ? new WebSocket(url, { headers } as unknown as string[]) : new WebSocket(url);
    const socket = new TestSocket(ws);
    return new Promise((resolvePromise, reject) => {
      ws.addEventListener("open", () => resolvePromise(socket), { once: true });
      ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)), { once: true });
    });
  }

  /** The next message, in arrival order. */
  next(): Promise<ServerMessage> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((r) => this.waiters.push(r));
  }

  /** Takes every message received so far and not yet taken. */
  drain(): ServerMessage[] {
    return this.queue.splice(0);
  }

  /** The next message, which must be of `type`. */
  async expect<T extends ServerMessage["type"]>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    const m = await this.next();
    if (m.type !== type) throw new Error(`expected a ${type} message, got ${JSON.stringify(m)}`);
    return m as Extract<ServerMessage, { type: T }>;
  }

  send(data: string | ArrayBufferLike | Uint8Array) {
    this.ws.send(data as string);
  }

  /** Resolves when the server (or we) closed the socket. */
  closed(): Promise<{ code: number; reason: string }> {
    if (this.closeEvent) return Promise.resolve(this.closeEvent);
    return new Promise((r) => this.closedWaiters.push(r));
  }

  close() {
    this.ws.close();
    return this.closed();
  }
}

/**
 * A room token as the API signs it (apps/api/src/lib/tokens.ts signRoomToken): HS256 with the
 * shared secret, `iss`/`aud` of rooms, claims `room`, `sub`, `name`, `org`, issued now and valid
 * for `expiresIn` seconds (default 300; negative for an expired one).
 */
export async function signRoomToken(
  secret: string,
  room: string,
  who: { sub: string; name: string },
  opts: { expiresIn?: number; audience?: string; org?: string; issuedAt?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = opts.issuedAt ?? now;
  return new SignJWT({ room, sub: who.sub, name: who.name, org: opts.org ?? room.slice(room.indexOf(":") + 1) })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ROOM_TOKEN_ISSUER)
    .setAudience(opts.audience ?? ROOM_TOKEN_AUDIENCE)
    .setSubject(who.sub)
    .setIssuedAt(iat)
    .setExpirationTime(now + (opts.expiresIn ?? 300))
    .sign(new TextEncoder().encode(secret));
}

/** Publishes to a room exactly the way the API's HTTP publisher does (signed PublishRequest). */
export async function publishToRoom(
  host: string,
  secret: string,
  room: string,
  event: PublishedEvent,
  opts: { id?: string; sentAt?: number; order?: number; disconnect?: string[] } = {},
): Promise<Response> {
  const body = JSON.stringify({
    id: opts.id ?? crypto.randomUUID(),
    room,
    sentAt: opts.sentAt ?? Date.now(),
    event,
    ...(opts.order !== undefined ? { order: opts.order } : {}),
    ...(opts.disconnect ? { disconnect: opts.disconnect } : {}),
  });
  return fetch(roomUrl(host, room, { protocol: "http" }), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await signPublishBody(secret, body)}` },
    body,
  });
}

/**
 * A TCP forwarder in front of partykit that a test can cut and restore, to take clients
 * offline the way a network drop does (their sockets die; new connections are refused).
 */
export class CuttableProxy {
  private sockets = new Set<Socket>();
  private server: Server;
  private cut = false;
  port = 0;

  constructor(private readonly target: { port: number }) {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
      const upstream = new Socket();
      upstream.connect(this.target.port, "127.0.0.1");
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.pipe(upstream).pipe(client);
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    const a = this.server.address();
    if (!a || typeof a === "string") throw new Error("proxy has no port");
    this.port = a.port;
    return `127.0.0.1:${this.port}`;
  }

  /** Drops every open connection and refuses new ones until `restore()`. */
  disconnect() {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore() {
    this.cut = false;
  }

  close(): Promise<void> {
    this.disconnect();
    return new Promise((r) => this.server.close(() => r()));
  }
}
