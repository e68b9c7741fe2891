// The platform's floor for the realtime fan-out (issue 8): the same 200-client fan-out on a bare
// PartyKit room (bench/bare-room: a POST's body is `room.broadcast` to every connection, nothing
// else) under the same `partykit dev` the real rooms run in, with plain WebSocket clients.
//
// - "bare PartyKit": the benchmark POSTs the message straight to the room (one hop).
// - "bare relay → bare PartyKit": a bare Node HTTP handler inserts the row into a libSQL file,
//   then POSTs the message to the room (two hops, as Gatherkit's API → rooms).
//
// Both POST the frame a Gatherkit room broadcasts for a chat message (same shape and size), so
// the clients' parse and the sends cost what they cost for Gatherkit. The two targets share one
// `partykit dev` and one set of clients: only one target sends at a time.
import { fileURLToPath } from "node:url";
import { startPartykit } from "../apps/realtime/test/partykit-dev.mjs";
import { partykitProcesses } from "./procs.mjs";
import { startServer } from "./start-server.mjs";

const PROJECT_DIR = fileURLToPath(new URL("./bare-room/", import.meta.url));
/** `partykit dev` starts every project with the real rooms' secret var; the bare room ignores it. */
const UNUSED_SECRET = "bench-bare-room-has-no-auth-0123456789abcdef";

/**
 * What a Gatherkit room broadcasts for a new chat message — `{ type: "event", seq, event }` with
 * the `plan.message_changed` event and its message — as a string, for `body` (ids as long as
 * real ones: prefix and 20 characters).
 */
export function chatFrame(body, seq) {
  const now = new Date().toISOString();
  const random = (prefix) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  return JSON.stringify({
    type: "event",
    seq,
    event: {
      type: "plan.message_changed",
      data: {
        change: "created",
        message: {
          id: random("msg"),
          planId: "plan_0123456789abcdefghjk",
          authorParticipantId: "ptc_0123456789abcdefghjk",
          authorName: `Fan ${seq % 200}`,
          body,
          createdAt: now,
          editedAt: null,
          deletedAt: null,
          hiddenAt: null,
        },
      },
    },
  });
}

/**
 * Starts `partykit dev` for the bare room, `clients` WebSockets (Node's own) in one room and the
 * relay, and resolves with the two targets and `stop()`.
 */
export async function bareRoomTargets(track, clients) {
  const rooms = await startPartykit({ secret: UNUSED_SECRET, projectDir: PROJECT_DIR });
  const roomUrl = `http://${rooms.host}/parties/main/fanout`;
  let sockets = [];
  let relay;
  try {
    sockets = await Promise.all(
      Array.from(
        { length: clients },
        () =>
          new Promise((resolve, reject) => {
            const ws = new WebSocket(`ws://${rooms.host}/parties/main/fanout`);
            ws.addEventListener("message", (e) => track.arrived(JSON.parse(e.data).event.data.message.body));
            ws.addEventListener("open", () => resolve(ws), { once: true });
            ws.addEventListener("error", () => reject(new Error("a bare room client could not connect")), { once: true });
          }),
      ),
    );
    relay = await startServer("relay", { RELAY_ROOM_URL: roomUrl });
  } catch (err) {
    await rooms.stop();
    throw err;
  }
  const relayUrl = `http://127.0.0.1:${relay.port}/messages`;
  const roomProcesses = partykitProcesses(rooms.port);
  let seq = 0;
  const post = async (url, body, status) => {
    const res = await fetch(url, { method: "POST", body, headers: { "accept-encoding": "identity" } });
    await res.arrayBuffer();
    if (res.status !== status) throw new Error(`${url} answered ${res.status}`);
  };
  return {
    targets: [
      {
        key: "bare",
        name: `bare PartyKit: POST → room.broadcast → ${clients} WebSockets`,
        floor: true,
        processes: roomProcesses,
        send: (body) => post(roomUrl, chatFrame(body, ++seq), 202),
      },
      {
        key: "relay",
        name: `bare relay: libSQL insert → POST → room.broadcast → ${clients} WebSockets`,
        floor: true,
        processes: { relay: [relay.pid], ...roomProcesses },
        send: (body) => post(relayUrl, JSON.stringify({ text: body }), 201),
      },
    ],
    async stop() {
      for (const ws of sockets) ws.close();
      await relay.stop();
      await rooms.stop();
    },
  };
}
