import { PublishRequestSchema, verifyPublishSignature } from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { createHttpPublisher, realtimeOrigin } from "./http-publisher.js";
import { silentLogger } from "./logger.js";

const SECRET = "publisher-test-secret-0123456789abcdefgh";
const event = { type: "key.changed", data: { id: "sk_1" } } as const;

function capture(status = 202, body = JSON.stringify({ seq: 1, duplicate: false })) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(body, { status });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

describe("createHttpPublisher", () => {
  it("posts a signed PublishRequest to the room's URL, with the room name unencoded", async () => {
    const c = capture();
    const p = createHttpPublisher({
      host: "127.0.0.1:1999",
      secret: SECRET,
      logger: silentLogger,
      fetch: c.fetch,
      now: () => 1_700_000_000_000,
    });
    await p.publish("org:org_0123456789abcdefghjk", event, { id: "obx_1" });
    const [req] = c.requests;
    expect(req!.url).toBe("http://127.0.0.1:1999/parties/main/org:org_0123456789abcdefghjk");
    expect(req!.init.method).toBe("POST");
    const body = req!.init.body as string;
    expect(PublishRequestSchema.parse(JSON.parse(body))).toEqual({
      id: "obx_1",
      room: "org:org_0123456789abcdefghjk",
      sentAt: 1_700_000_000_000,
      event,
    });
    const auth = new Headers(req!.init.headers).get("authorization")!;
    expect(auth).toMatch(/^Bearer [0-9a-f]{64}$/);
    expect(await verifyPublishSignature(SECRET, body, auth.slice(7))).toBe(true);
    expect(await verifyPublishSignature("another-secret-0123456789abcdefghijklmn", body, auth.slice(7))).toBe(false);
    expect(await verifyPublishSignature(SECRET, body.replace("obx_1", "obx_2"), auth.slice(7))).toBe(false);
    // The 202 is tiny: asked for uncompressed, so no gzip stream is spent on it at either end.
    expect(new Headers(req!.init.headers).get("accept-encoding")).toBe("identity");
  });

  it("throws when the room does not accept (so the outbox retries), and refuses a bad room name before sending", async () => {
    const refused = capture(401, "Bad or missing signature.");
    const p = createHttpPublisher({ host: "127.0.0.1:1999", secret: SECRET, logger: silentLogger, fetch: refused.fetch });
    await expect(p.publish("org:org_0123456789abcdefghjk", event)).rejects.toThrow(/answered 401: Bad or missing signature/);
    const ok = capture();
    const q = createHttpPublisher({ host: "127.0.0.1:1999", secret: SECRET, logger: silentLogger, fetch: ok.fetch });
    await expect(q.publish("org:../../admin", event)).rejects.toThrow();
    expect(ok.requests).toHaveLength(0);
  });

  it("uses http for local hosts and https for deployed ones", () => {
    expect(realtimeOrigin("127.0.0.1:1999")).toBe("http://127.0.0.1:1999");
    expect(realtimeOrigin("localhost:1999")).toBe("http://localhost:1999");
    expect(realtimeOrigin("192.168.1.20:1999")).toBe("http://192.168.1.20:1999");
    expect(realtimeOrigin("gatherkit-realtime.acme.partykit.dev")).toBe("https://gatherkit-realtime.acme.partykit.dev");
    expect(realtimeOrigin("http://rooms.internal:8080/")).toBe("http://rooms.internal:8080");
  });
});
