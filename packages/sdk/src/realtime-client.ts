import type { PresenceEntry, PublishedEvent, RoomErrorCode, RoomToken } from "@gatherkit/core";
import type { GatherkitClient } from "./base-client.js";
import { GatherkitError } from "./errors.js";
import type { RoomTokenCreateParams } from "./types.js";

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
  /**
   * Who is in the room: one entry per person, on connect and whenever it changes (a new array
   * each time: the list on connect, by id, then who joined since, in the order they came).
   */
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

const clients = new WeakMap<GatherkitClient, Realtime>();

/**
 * @internal The `Realtime` of a client (`gk.realtime`), with room tokens requested as its caller;
 * one per client, shared by `gk.realtime` and `gk.plans.subscribe`.
 */
export function realtimeOf(client: GatherkitClient): Realtime {
  let realtime = clients.get(client);
  if (!realtime) {
    realtime = new Realtime((room) => {
      const body: RoomTokenCreateParams = { room };
      return client._transport.request<RoomToken>("POST", "/v1/realtime/tokens", { body });
    });
    clients.set(client, realtime);
  }
  return realtime;
}

const DEFAULT_MIN_DELAY = 1000;
const DEFAULT_MAX_DELAY = 10_000;
const DEFAULT_GROW = 1.3;
/** The room's close code for a person who lost access (ROOM_CLOSE_REVOKED in @gatherkit/core). */
export const REVOKED_CLOSE_CODE = 4403;

/** Token errors that a retry cannot fix: the room does not exist for us, or we may not see it. */
function isPermanent(err: unknown): boolean {
  const status = typeof err === "object" && err !== null ? (err as { status?: unknown }).status : undefined;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** @internal What the connection code (`realtime-connection.ts`) drives. */
export type SocketLike = {
  close(): void;
  reconnect(): void;
  send(data: string): void;
};

/**
 * @internal One subscription: its state and what it reports. The connection itself (partysocket,
 * the room's messages) is in `realtime-connection.ts`, loaded on the first subscribe.
 */
export class RoomSubscription implements Subscription {
  presence: PresenceEntry[] = [];
  status: RealtimeStatus = "connecting";
  seq: number | undefined;
  #socket: SocketLike | undefined;
  #closed = false;
  #reported: RealtimeStatus | undefined;

  constructor(
    readonly room: string,
    readonly getRoomToken: GetRoomToken,
    readonly options: RealtimeOptions,
    readonly onMessage: (event: PublishedEvent, meta: { seq: number }) => void,
    readonly handlers: SubscribeHandlers,
    readonly since = handlers.since ?? Date.now(),
  ) {
    queueMicrotask(() => this.emitStatus("connecting"));
    void this.#start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.status = "closed";
    this.#socket?.close();
    this.emitStatus("closed");
  }

  sendTyping(typing: boolean): void {
    if (this.status !== "open" || !this.#socket) return;
    this.#socket.send(JSON.stringify({ type: "typing", typing: typing === true }));
  }

  async #start() {
    // The first token also says where to connect (host, party); later ones come at each reconnect.
    let first: RoomToken | undefined;
    for (let attempt = 0; !first; attempt++) {
      if (this.#closed) return;
      try {
        first = await this.getRoomToken(this.room);
      } catch (err) {
        if (this.tokenFailed(err)) return;
        await new Promise((r) => setTimeout(r, this.delay(attempt)));
      }
    }
    // The connection code and partysocket load now, on the first subscription only.
    const { connect } = await import("./realtime-connection.js");
    if (this.#closed) return;
    this.#socket = connect(this, first);
  }

  /** The room took this person's access away: stop for good, and say so once. */
  revoke(message: string): void {
    if (this.#closed) return;
    this.close();
    this.handlers.onRevoked?.({ message });
  }

  setPresence(presence: PresenceEntry[]): void {
    this.presence = presence;
    this.handlers.onPresence?.(presence);
  }

  /** Reports a failed token request; closes the subscription when retrying cannot help. */
  tokenFailed(err: unknown): boolean {
    this.handlers.onError?.(err);
    if (!isPermanent(err)) return false;
    this.close();
    return true;
  }

  /** Reconnect backoff: `minReconnectionDelay`, growing, up to `maxReconnectionDelay`. */
  delay(attempt: number): number {
    const o = this.options;
    const min = o.minReconnectionDelay ?? DEFAULT_MIN_DELAY;
    return Math.min(min * (o.reconnectionDelayGrowFactor ?? DEFAULT_GROW) ** attempt, o.maxReconnectionDelay ?? DEFAULT_MAX_DELAY);
  }

  /** The reconnect options as partysocket takes them. */
  reconnectOptions(): { minReconnectionDelay: number; maxReconnectionDelay: number; reconnectionDelayGrowFactor: number } {
    const o = this.options;
    return {
      minReconnectionDelay: o.minReconnectionDelay ?? DEFAULT_MIN_DELAY,
      maxReconnectionDelay: o.maxReconnectionDelay ?? DEFAULT_MAX_DELAY,
      reconnectionDelayGrowFactor: o.reconnectionDelayGrowFactor ?? DEFAULT_GROW,
    };
  }

  /** Reports each change of status once; nothing after `closed`. */
  emitStatus(status: RealtimeStatus): void {
    if (this.#reported === "closed" || this.#reported === status) return;
    this.status = status;
    this.#reported = status;
    this.handlers.onStatus?.(status);
  }
}
