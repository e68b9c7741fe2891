// The platform's floor for the realtime fan-out benchmark (bench/fanout-floor.mjs): the least a
// PartyKit room can do to fan a message out. A POST's body goes to every connection with
// `room.broadcast`; nothing else — no auth, no signature, no storage, no schema, no state per
// connection. Served by the same `partykit dev` as apps/realtime (its test/partykit-dev.mjs).

/** @implements {import("partykit/server").Server} */
export default class BareRoom {
  /** @param {import("partykit/server").Room} room */
  constructor(room) {
    this.room = room;
  }

  /** @param {Request} req */
  async onRequest(req) {
    if (req.method !== "POST") return new Response("POST a message to broadcast it.", { status: 405 });
    this.room.broadcast(await req.text());
    return new Response(null, { status: 202 });
  }
}
