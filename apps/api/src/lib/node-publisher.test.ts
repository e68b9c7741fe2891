import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PublishRequestSchema, signPublishBody, verifyPublishSignature } from "@gatherkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { useNativeHmac } from "../platform/hmac.js";
import { createHttpPublisher, publishSignature } from "./http-publisher.js";
import { createLogger } from "./logger.js";
import { nodePublishing } from "./node-publisher.js";

const SECRET = "publisher-test-secret-0123456789abcdefgh";
const ROOM = "org:org_0123456789abcdefghjk";
const event = { type: "key.changed", data: { id: "sk_1" } } as const;

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
  port?: number;
}

/** A stand-in room on a local port: records each request as it arrives and lets the test answer it. */
async function room(answer: (res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const s: Seen = { method: req.method, url: req.url, headers: req.headers, body: "", port: req.socket.remotePort };
    seen.push(s);
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      s.body += c;
    });
    req.on("end", () => answer(res, s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const accept = (res: ServerResponse) => {
  res.writeHead(202, { "content-type": "application/json" });
  res.end(JSON.stringify({ seq: 7, duplicate: false }));
};

function logLines() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l)) }) };
}

describe("publishing on Node (node:http + node:crypto)", () => {
  it("sends the room the same request fetch + WebCrypto send: URL, headers, body, signature", async () => {
    const r = await room(accept);
    const log = logLines();
    const opts = { host: r.host, secret: SECRET, now: () => 1_700_000_000_000 };
    await createHttpPublisher({ ...opts, logger: log.logger, ...nodePublishing() }).publish(ROOM, event, { id: "obx_1", order: 3 });
    await createHttpPublisher({ ...opts, logger: log.logger }).publish(ROOM, event, { id: "obx_1", order: 3 });
    const [node, web] = r.seen;
    expect(node!.method).toBe("POST");
    expect(node!.url).toBe(`/parties/main/${ROOM}`);
    expect(node!.body).toBe(web!.body);
    expect(PublishRequestSchema.parse(JSON.parse(node!.body))).toEqual({
      id: "obx_1",
      room: ROOM,
      sentAt: 1_700_000_000_000,
      event,
      order: 3,
    });
    for (const h of ["content-type", "accept-encoding", "authorization", "content-length", "host"])
      expect([h, node!.headers[h]]).toEqual([h, web!.headers[h]]);
    expect(node!.headers["accept-encoding"]).toBe("identity");
    expect(node!.headers["content-length"]).toBe(String(Buffer.byteLength(node!.body)));
    expect(node!.headers["transfer-encoding"]).toBeUndefined();
    const auth = node!.headers.authorization!;
    expect(auth).toMatch(/^Bearer [0-9a-f]{64}$/);
    expect(await verifyPublishSignature(SECRET, node!.body, auth.slice(7))).toBe(true);
    // Both log the room's answer.
    expect(log.lines.map((l) => [l.msg, l.room, l.type, l.seq, l.duplicate])).toEqual([
      ["published", ROOM, "key.changed", 7, false],
      ["published", ROOM, "key.changed", 7, false],
    ]);
  });

  it("keeps the connection to the room alive between publishes", async () => {
    const r = await room(accept);
    const p = createHttpPublisher({ host: r.host, secret: SECRET, logger: createLogger({ write: () => {} }), ...nodePublishing() });
    await p.publish(ROOM, event);
    await p.publish(ROOM, event);
    await Promise.all([p.publish(ROOM, event), p.publish(ROOM, event)]);
    expect(r.seen).toHaveLength(4);
    expect(r.seen[1]!.port).toBe(r.seen[0]!.port);
    expect(new Set(r.seen.map((s) => s.port)).size).toBe(2);
  });

  it("throws with the status and the start of the answer when the room does not accept", async () => {
    const r = await room((res) => {
      res.writeHead(401, { "content-type": "text/plain" });
      res.end(`Bad or missing signature.${"x".repeat(500)}`);
    });
    const p = createHttpPublisher({ host: r.host, secret: SECRET, logger: createLogger({ write: () => {} }), ...nodePublishing() });
    const err = await p.publish(ROOM, event).catch((e: Error) => e);
    expect((err as Error).message).toBe(`room ${ROOM} answered 401: Bad or missing signature.${"x".repeat(175)}`);
  });

  it("gives up on a room that does not answer, or stops halfway, within timeoutMs", async () => {
    const silent = await room(() => {});
    const halfway = await room((res) => {
      res.writeHead(202, { "content-type": "application/json" });
      res.write('{"seq":');
    });
    for (const r of [silent, halfway]) {
      const p = createHttpPublisher({
        host: r.host,
        secret: SECRET,
        logger: createLogger({ write: () => {} }),
        timeoutMs: 100,
        ...nodePublishing(),
      });
      await expect(p.publish(ROOM, event)).rejects.toMatchObject({ name: "TimeoutError" });
      expect(r.seen).toHaveLength(1);
    }
  });

  it("fails (so the outbox retries) when nothing listens", async () => {
    const r = await room(accept);
    servers[0]!.close();
    const p = createHttpPublisher({ host: r.host, secret: SECRET, logger: createLogger({ write: () => {} }), ...nodePublishing() });
    await expect(p.publish(ROOM, event)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("signs with node:crypto (as node.ts installs it) and with WebCrypto to the same hex as signPublishBody", async () => {
    const bodies = ["", "{}", JSON.stringify({ id: "obx_1", room: ROOM, sentAt: 1, event }), "données ✓ — 𝄞 ключ 🔑", "y".repeat(70_000)];
    useNativeHmac((key, data) => createHmac("sha256", key).update(data).digest());
    try {
      for (const secret of [SECRET, "k", "ключ 🔑 secret"]) {
        for (const body of bodies) expect(await publishSignature(secret, body)).toBe(await signPublishBody(secret, body));
      }
    } finally {
      useNativeHmac(undefined);
    }
    for (const body of bodies) expect(await publishSignature(SECRET, body)).toBe(await signPublishBody(SECRET, body));
  });
});
