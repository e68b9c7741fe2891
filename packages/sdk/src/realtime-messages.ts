import type { PresenceEntry, ServerMessage } from "@gatherkit/core";

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
      case "presence_delta":
        if (Array.isArray(m.left) && isPresence(m.joined)) return m as ServerMessage;
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
