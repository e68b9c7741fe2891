import type { PresenceEntry, PublishedEvent, RoomErrorCode, RoomToken, ServerMessage } from "@gatherkit/core";
import { GatherkitError } from "./errors.js";

/**
 * Live updates from Gatherkit rooms, over partysocket (its reconnect and backoff).
 *
 * ```ts
 * import { Realtime } from "@gatherkit/sdk/realtime";
 * const rt = new Realtime((room) => gk.realtime.tokens.create({ room })); // or use gk.realtime
 * const since = Date.now(); // before the REST load that the live updates continue
 * const data = await loadEverything();
 * const sub = rt.subscribe("org:org_…", (event) => refresh(event), {
 *   since,
 *   onPresence: (people) => render(people),
 *   onResync: () => refetchEverything(), // something changed that the load or the feed missed
 *   onRevoked: () => showAccessLost(), // final: the subscription is closed
 * });
 * sub.close();
 * ```
 *
 * partysocket and the message schemas load on the first `subscribe`, so importing this module
 * costs a page almost nothing until it is used.
 */

/** Gets a fresh room token (POST /v1/realtime/tokens). Called again for every reconnect. */
export type GetRoomToken = (room: string) => Promise<RoomToken>;

/**
 * `connecting` (also while reconnecting, e.g. when the room closes a connection whose token
 * expired), `open`, or `closed`: by `close()`, a room the API refuses, or a revoked access.
 */
export type RealtimeStatus = "connecting" | "open" | "closed";

export interface RealtimeOptions {
  /** A WebSocket class for runtimes without a global one. */
  WebSocket?: unknown;
  /** Reconnect backoff, in milliseconds: starts at `minReconnectionDelay` (default 1000)… */
  minReconnectionDelay?: number;
  /** …grows by `reconnectionDelayGrowFactor` (default 1.3) each attempt… */
  reconnectionDelayGrowFactor?: number;
  /** …up to `maxReconnectionDelay` (default 10 000). */
  maxReconnectionDelay?: number;
  /** Give up on a connection attempt after this long (default 4000). */
  connectionTimeout?: number;
}

/**
 * What to do with a room's news, plus one setting, `since`. `gk.plans.subscribe` takes the same
 * object (with its per-event handlers), so a widget passes everything in one place.
 */
export interface SubscribeHandlers {
  /**
   * When (your `Date.now()`) the data you show was loaded: the start of the REST load that this
   * subscription continues. Default: when `subscribe` was called, which is right only if you
   * load after subscribing. On the first connection the room says how long ago it last
   * broadcast (on its own clock, so clocks need not agree); if that was after `since`, the load
   * may have missed it and `onResync` is called.
   */
  since?: number;
  /** Who is in the room: one entry per person, on connect and whenever it changes. */
  onPresence?: (presence: PresenceEntry[]) => void;
  /**
   * What you show may be stale: refetch it. Called on the first connection when the room
   * broadcast something after `since` (while you were loading or connecting), and on a
   * reconnect when the room moved on while the connection was down.
   */
  onResync?: () => void;
  onStatus?: (status: RealtimeStatus) => void;
  /** Someone else in the room started (`typing: true`) or stopped typing. Never stored anywhere. */
  onTyping?: (who: { id: string; name: string; typing: boolean }) => void;
  /**
   * This person lost access to the room (removed from the plan, membership ended): the room
   * sent nothing after the change that removed them and closed the connection. Final: the
   * subscription is `closed` and does not reconnect. `message` is the room's explanation in
   * English (empty if the connection closed before it arrived): show your own if you like.
   */
  onRevoked?: (info: { message: string }) => void;
  /** A token request failed, or the room sent an error; the subscription keeps going unless `status` is `closed`. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Leaves the room and stops reconnecting. */
  close(): void;
  /**
   * Tells the others you are typing (or stopped). Dropped while not connected: typing is
   * momentary, so it is never queued. Send at most every few seconds; the room rate-limits.
   */
  sendTyping(typing: boolean): void;
  /** Who is in the room now. */
  readonly presence: readonly PresenceEntry[];
  readonly status: RealtimeStatus;
  /** The `seq` of the last message seen from the room (undefined before the first connect). */
  readonly seq: number | undefined;
}

/** The room refused something this client sent (`code`: `message_too_large`, `rate_limited`, …). */
export class RealtimeError extends GatherkitError {
  override name = "RealtimeError";
  constructor(
    readonly code: RoomErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class Realtime {
  readonly #getRoomToken: GetRoomToken;
  readonly #options: RealtimeOptions;

  constructor(getRoomToken: GetRoomToken, options: RealtimeOptions = {}) {
    if (typeof getRoomToken !== "function") {
      throw new GatherkitError("new Realtime(getRoomToken) needs a function that returns a room token for a room.");
    }
    this.#getRoomToken = getRoomToken;
    this.#options = options;
  }

  /**
   * Joins `room` and calls `onMessage` with each event published to it, in order. Returns at
   * once; the connection opens in the background and reconnects (with a fresh token) by itself,
   * until `close()`, a refusal from the API, or `onRevoked`. Pass `handlers.since` when you
   * loaded the data before subscribing (see SubscribeHandlers).
   */
  subscribe(
    room: string,
    onMessage: (event: PublishedEvent, meta: { seq: number }) => void,
    handlers: SubscribeHandlers = {},
  ): Subscription {
    return new RoomSubscription(room, this.#getRoomToken, this.#options, onMessage, handlers);
  }
}

const DEFAULT_MIN_DELAY = 1000;
const DEFAULT_MAX_DELAY = 10_000;
const DEFAULT_GROW = 1.3;
/** The room's close code for a person who lost access (ROOM_CLOSE_REVOKED in @gatherkit/core). */
export const REVOKED_CLOSE_CODE = 4403;
/**
 * Leeway for `since`. The welcome's travel time already errs towards a refetch; this covers
 * clocks read a moment apart (a browser may round `Date.now()`, a Worker's clock stands still
 * during a request). Too much only costs a needless refetch; too little could miss a change.
 */
const SINCE_SLACK_MS = 250;

/** Token errors that a retry cannot fix: the room does not exist for us, or we may not see it. */
function isPermanent(err: unknown): boolean {
  const status = typeof err === "object" && err !== null ? (err as { status?: unknown }).status : undefined;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

type SocketLike = {
  addEventListener(type: "open" | "close" | "message", cb: (e: { data?: unknown; code?: number }) => void): void;
  close(): void;
  reconnect(): void;
  send(data: string): void;
};

class RoomSubscription implements Subscription {
  presence: PresenceEntry[] = [];
  status: RealtimeStatus = "connecting";
  seq: number | undefined;
  #socket: SocketLike | undefined;
  #closed = false;
  #reported: RealtimeStatus | undefined;

  constructor(
    private readonly room: string,
    private readonly getRoomToken: GetRoomToken,
    private readonly options: RealtimeOptions,
    private readonly onMessage: (event: PublishedEvent, meta: { seq: number }) => void,
    private readonly handlers: SubscribeHandlers,
    private readonly since = handlers.since ?? Date.now(),
  ) {
    queueMicrotask(() => this.#emitStatus("connecting"));
    void this.#start();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.status = "closed";
    this.#socket?.close();
    this.#emitStatus("closed");
  }

  sendTyping(typing: boolean): void {
    if (this.status !== "open" || !this.#socket) return;
    this.#socket.send(JSON.stringify({ type: "typing", typing: typing === true }));
  }

  async #start() {
    // The first token also says where to connect (host, party); later ones come through `query`.
    let first: RoomToken | undefined;
    for (let attempt = 0; !first; attempt++) {
      if (this.#closed) return;
      try {
        first = await this.getRoomToken(this.room);
      } catch (err) {
        if (this.#tokenFailed(err)) return;
        await new Promise((r) => setTimeout(r, this.#delay(attempt)));
      }
    }
    const { default: PartySocket } = await import("partysocket");
    if (this.#closed) return;

    let unused: RoomToken | undefined = first;
    const o = this.options;
    // A bare host gets ws:// when local and wss:// otherwise (partysocket's rule, which the
    // API's publisher follows too); a host given with a scheme says which.
    const scheme = /^(https?|wss?):\/\//.exec(first.host)?.[1];
    const socket = new PartySocket({
      host: first.host,
      ...(scheme ? { protocol: scheme === "https" || scheme === "wss" ? ("wss" as const) : ("ws" as const) } : {}),
      party: first.party,
      room: this.room,
      query: async () => {
        let token = unused;
        unused = undefined;
        if (!token) {
          try {
            token = await this.getRoomToken(this.room);
          } catch (err) {
            this.#tokenFailed(err);
            throw err; // partysocket retries with backoff, unless close() stopped it
          }
        }
        return { token: token.token };
      },
      minReconnectionDelay: o.minReconnectionDelay ?? DEFAULT_MIN_DELAY,
      maxReconnectionDelay: o.maxReconnectionDelay ?? DEFAULT_MAX_DELAY,
      reconnectionDelayGrowFactor: o.reconnectionDelayGrowFactor ?? DEFAULT_GROW,
      ...(o.connectionTimeout !== undefined ? { connectionTimeout: o.connectionTimeout } : {}),
      ...(o.WebSocket !== undefined ? { WebSocket: o.WebSocket } : {}),
      // Lost access is final; any other close (an expired token, a network drop) reconnects.
      shouldReconnectOnClose: (e) => e.code !== REVOKED_CLOSE_CODE,
    });
    this.#socket = socket;
    socket.addEventListener("open", () => this.#emitStatus("open"));
    socket.addEventListener("close", (e) => {
      if (e.code === REVOKED_CLOSE_CODE) this.#revoked("");
      else if (!this.#closed) this.#emitStatus("connecting");
    });
    socket.addEventListener("message", (e) => {
      let msg: ServerMessage;
      try {
        msg = parseServerMessage(String(e.data));
      } catch (err) {
        this.handlers.onError?.(err);
        return;
      }
      this.#receive(msg);
    });
  }

  #receive(msg: ServerMessage) {
    switch (msg.type) {
      case "welcome": {
        // First connection: did the room broadcast after the data shown was loaded? Later ones:
        // a reconnect into a room that moved on (or was reset) means we missed something.
        const idleMs = msg.idleMs;
        const missed =
          this.seq === undefined ? typeof idleMs === "number" && idleMs <= Date.now() - this.since + SINCE_SLACK_MS : msg.seq !== this.seq;
        this.seq = msg.seq;
        this.#setPresence(msg.presence);
        if (missed) this.handlers.onResync?.();
        return;
      }
      case "event": {
        if (this.seq !== undefined && msg.seq <= this.seq) return; // already delivered
        const gap = this.seq !== undefined && msg.seq > this.seq + 1;
        this.seq = msg.seq;
        if (gap) this.handlers.onResync?.();
        this.onMessage(msg.event, { seq: msg.seq });
        return;
      }
      case "presence":
        this.#setPresence(msg.presence);
        return;
      case "error":
        this.handlers.onError?.(new RealtimeError(msg.code, msg.message));
        return;
      case "typing":
        this.handlers.onTyping?.({ id: msg.id, name: msg.name, typing: msg.typing });
        return;
      case "revoked":
        this.#revoked(msg.message);
        return;
      case "reconnect":
        // The token expired: a fresh one now, rather than when the closing handshake ends.
        this.#socket?.reconnect();
        return;
      case "pong":
        return;
    }
  }

  /** The room took this person's access away: stop for good, and say so once. */
  #revoked(message: string) {
    if (this.#closed) return;
    this.close();
    this.handlers.onRevoked?.({ message });
  }

  #setPresence(presence: PresenceEntry[]) {
    this.presence = presence;
    this.handlers.onPresence?.(presence);
  }

  /** Reports a failed token request; closes the subscription when retrying cannot help. */
  #tokenFailed(err: unknown): boolean {
    this.handlers.onError?.(err);
    if (!isPermanent(err)) return false;
    this.close();
    return true;
  }

  #delay(attempt: number): number {
    const o = this.options;
    const min = o.minReconnectionDelay ?? DEFAULT_MIN_DELAY;
    return Math.min(min * (o.reconnectionDelayGrowFactor ?? DEFAULT_GROW) ** attempt, o.maxReconnectionDelay ?? DEFAULT_MAX_DELAY);
  }

  /** Reports each change of status once; nothing after `closed`. */
  #emitStatus(status: RealtimeStatus) {
    if (this.#reported === "closed" || this.#reported === status) return;
    this.status = status;
    this.#reported = status;
    this.handlers.onStatus?.(status);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSeq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isPresence = (v: unknown): v is PresenceEntry[] =>
  Array.isArray(v) && v.every((p) => isObj(p) && typeof p.id === "string" && typeof p.name === "string");

/**
 * Checks a room message's envelope without zod, so realtime stays a few KB in the browser. The
 * room already validated what the API published; event payloads are passed on as they are, so
 * a newer server's event types reach `onMessage` instead of being refused as unknown.
 */
export function parseServerMessage(text: string): ServerMessage {
  const m: unknown = JSON.parse(text);
  if (isObj(m)) {
    switch (m.type) {
      case "welcome":
        // `idleMs` is absent from rooms older than it: then only reconnects can tell a gap.
        if (isSeq(m.seq) && isPresence(m.presence) && (m.idleMs == null || isSeq(m.idleMs))) return m as ServerMessage;
        break;
      case "event":
        if (isSeq(m.seq) && isObj(m.event) && typeof m.event.type === "string") return m as ServerMessage;
        break;
      case "presence":
        if (isPresence(m.presence)) return m as ServerMessage;
        break;
      case "error":
        if (typeof m.code === "string" && typeof m.message === "string") return m as ServerMessage;
        break;
      case "typing":
        if (typeof m.id === "string" && typeof m.name === "string" && typeof m.typing === "boolean") return m as ServerMessage;
        break;
      case "revoked":
        if (typeof m.message === "string") return m as ServerMessage;
        break;
      case "reconnect":
      case "pong":
        return m as ServerMessage;
    }
  }
  throw new TypeError(`Unexpected message from the realtime room: ${text.slice(0, 200)}`);
}
