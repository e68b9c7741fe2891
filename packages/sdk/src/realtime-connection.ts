import type { RoomToken, ServerMessage } from "@gatherkit/core";
import ReconnectingWebSocket from "partysocket/ws";
import { REVOKED_CLOSE_CODE, RealtimeError, type RoomSubscription, type SocketLike } from "./realtime-client.js";
import { parseServerMessage } from "./realtime-messages.js";

/**
 * The connection of a subscription to its room, loaded on the first subscribe (with partysocket)
 * so that a page pays for realtime only once it uses it.
 */

/**
 * Leeway for `since`. The welcome's travel time already errs towards a refetch; this covers
 * clocks read a moment apart (a browser may round `Date.now()`, a Worker's clock stands still
 * during a request). Too much only costs a needless refetch; too little could miss a change.
 */
const SINCE_SLACK_MS = 250;

/**
 * The room's WebSocket URL, as partysocket builds it: `<ws|wss>://<host>/parties/<party>/<room>`.
 * A host given with a scheme says which; a bare host gets ws:// when local and wss:// otherwise,
 * the rule the API's publisher follows for http(s). The room name goes in raw (PartyKit reads
 * the raw path segment; names are `[a-z0-9_:]`). `_pk` names the connection, as partysocket does;
 * `presence=delta` asks for who joined or left rather than the whole list on each change.
 */
export function roomUrl(token: RoomToken, room: string, id: string): string {
  const scheme = /^(https?|wss?):\/\//.exec(token.host)?.[1];
  const host = token.host.replace(/^(https?|wss?):\/\//, "").replace(/\/$/, "");
  const local = /^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  const secure = scheme ? scheme === "https" || scheme === "wss" : !local;
  return `${secure ? "wss" : "ws"}://${host}/parties/${token.party || "main"}/${room}?${new URLSearchParams({ _pk: id, token: token.token, presence: "delta" })}`;
}

/**
 * Opens `sub`'s room over partysocket's reconnecting WebSocket, with a fresh room token for
 * every reconnect (the first one is `first`), and applies what the room sends to `sub`.
 */
export function connect(sub: RoomSubscription, first: RoomToken): SocketLike {
  let unused: RoomToken | undefined = first;
  const id = crypto.randomUUID();
  const o = sub.options;
  const socket = new ReconnectingWebSocket(
    async () => {
      let token = unused;
      unused = undefined;
      if (!token) {
        try {
          token = await sub.getRoomToken(sub.room);
        } catch (err) {
          sub.tokenFailed(err);
          throw err; // partysocket retries with backoff, unless close() stopped it
        }
      }
      return roomUrl({ ...token, host: first.host, party: first.party }, sub.room, id);
    },
    undefined,
    {
      ...sub.reconnectOptions(),
      ...(o.connectionTimeout !== undefined ? { connectionTimeout: o.connectionTimeout } : {}),
      ...(o.WebSocket !== undefined ? { WebSocket: o.WebSocket } : {}),
      // Lost access is final; any other close (an expired token, a network drop) reconnects.
      shouldReconnectOnClose: (e) => e.code !== REVOKED_CLOSE_CODE,
    },
  );
  socket.addEventListener("open", () => sub.emitStatus("open"));
  socket.addEventListener("close", (e) => {
    if (e.code === REVOKED_CLOSE_CODE) sub.revoke("");
    else if (!sub.closed) sub.emitStatus("connecting");
  });
  socket.addEventListener("message", (e) => {
    let msg: ServerMessage;
    try {
      msg = parseServerMessage(String(e.data));
    } catch (err) {
      sub.handlers.onError?.(err);
      return;
    }
    receive(sub, socket, msg);
  });
  return socket;
}

function receive(sub: RoomSubscription, socket: SocketLike, msg: ServerMessage): void {
  switch (msg.type) {
    case "welcome": {
      // First connection: did the room broadcast after the data shown was loaded? Later ones:
      // a reconnect into a room that moved on (or was reset) means we missed something.
      const idleMs = msg.idleMs;
      const missed =
        sub.seq === undefined ? typeof idleMs === "number" && idleMs <= Date.now() - sub.since + SINCE_SLACK_MS : msg.seq !== sub.seq;
      sub.seq = msg.seq;
      sub.setPresence(msg.presence);
      if (missed) sub.handlers.onResync?.();
      return;
    }
    case "event": {
      if (sub.seq !== undefined && msg.seq <= sub.seq) return; // already delivered
      const gap = sub.seq !== undefined && msg.seq > sub.seq + 1;
      sub.seq = msg.seq;
      if (gap) sub.handlers.onResync?.();
      sub.onMessage(msg.event, { seq: msg.seq });
      return;
    }
    case "presence":
      // The whole list, as rooms before presence deltas sent it on every change.
      sub.setPresence(msg.presence);
      return;
    case "presence_delta":
      // Who came (never listed already) and went since: a new list (a handler may keep the one
      // it got), the welcome's (by id) and then who joined, in order.
      sub.setPresence(sub.presence.filter((p) => !msg.left.includes(p.id)).concat(msg.joined));
      return;
    case "error":
      sub.handlers.onError?.(new RealtimeError(msg.code, msg.message));
      return;
    case "typing":
      sub.handlers.onTyping?.({ id: msg.id, name: msg.name, typing: msg.typing });
      return;
    case "revoked":
      sub.revoke(msg.message);
      return;
    case "reconnect":
      // The token expired: a fresh one now, rather than when the closing handshake ends.
      socket.reconnect();
      return;
    case "pong":
      return;
  }
}
