import { PublishAcceptedSchema, RoomNameSchema } from "@gatherkit/core";
import { hmacSha256 } from "../platform/hmac.js";
import type { Logger } from "./logger.js";
import type { Publisher } from "./publisher.js";

/** The PartyKit party every room lives in (apps/realtime has one: `main`). */
export const REALTIME_PARTY = "main";

/**
 * Base URL of the rooms for `host`. A bare host is reached over plain http when it is local
 * (127.x, localhost, private networks: `partykit dev`) and over https otherwise (a deployed
 * PartyKit project); a host given with its scheme is used as is.
 */
export function realtimeOrigin(host: string): string {
  if (/^https?:\/\//.test(host)) return host.replace(/\/$/, "");
  const local = /^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  return `${local ? "http" : "https"}://${host}`;
}

/**
 * One publish on the wire: `POST body` to `url` with `headers`; resolves with the room's status
 * and answer as text, rejects (a TimeoutError) once `timeoutMs` pass without the whole answer.
 * The default goes through `fetch`; on Node, node.ts passes platform/node-publish.ts's
 * keep-alive `node:http` one.
 */
export type PublishPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<{ status: number; text: string }>;

/**
 * Publishes to PartyKit: `POST <origin>/parties/main/<room>` with a PublishRequest body
 * (`{ id, room, sentAt, event }`) and `Authorization: Bearer <HMAC-SHA256 hex of the raw body>`
 * keyed with the shared REALTIME_SECRET. The room answers 202 `{ seq, duplicate }`; anything
 * else throws, so the outbox retries.
 *
 * The room name goes into the path as is, not percent-encoded: PartyKit takes the raw path
 * segment as the room id, and partysocket (the clients) sends it raw, so `org%3A…` would be a
 * different room. RoomNameSchema limits names to `[a-z0-9_:]`, which need no encoding.
 */
export function createHttpPublisher(opts: {
  host: string;
  secret: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** Sends the request instead of `fetch` (node.ts: `node:http`). */
  post?: PublishPost;
  now?: () => number;
  /** Give up on a room that does not answer within this many milliseconds. */
  timeoutMs?: number;
}): Publisher {
  const origin = realtimeOrigin(opts.host);
  const post = opts.post ?? fetchPost(opts.fetch ?? fetch);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    async publish(room, event, { id, order, disconnect } = {}) {
      const name = RoomNameSchema.parse(room);
      const body = JSON.stringify({
        id: id ?? crypto.randomUUID(),
        room: name,
        sentAt: opts.now?.() ?? Date.now(),
        event,
        ...(order !== undefined ? { order } : {}),
        ...(disconnect?.length ? { disconnect } : {}),
      });
      const { status, text } = await post(
        `${origin}/parties/${REALTIME_PARTY}/${name}`,
        {
          "content-type": "application/json",
          authorization: `Bearer ${await publishSignature(opts.secret, body)}`,
          // The answer is a few bytes: asked for as is, so neither side spends a gzip stream on it
          // (partykit dev and Cloudflare's edge compress JSON for a client that accepts gzip, and
          // fetch accepts it by default).
          "accept-encoding": "identity",
        },
        body,
        timeoutMs,
      );
      if (status !== 202) throw new Error(`room ${name} answered ${status}: ${text.slice(0, 200)}`);
      const accepted = PublishAcceptedSchema.safeParse(parseJson(text));
      opts.logger.debug("published", {
        room: name,
        type: event.type,
        ...(accepted.success ? { seq: accepted.data.seq, duplicate: accepted.data.duplicate } : {}),
      });
    },
  };
}

/**
 * The publish signature the rooms check (`signPublishBody` of @gatherkit/core: the body's
 * HMAC-SHA256 under the shared secret, lower-case hex), through platform/hmac.ts: `node:crypto`
 * once node.ts installs it, WebCrypto with the key imported once elsewhere. Same hex either way.
 */
export async function publishSignature(secret: string, body: string): Promise<string> {
  let hex = "";
  for (const b of await hmacSha256(secret, body)) hex += b.toString(16).padStart(2, "0");
  return hex;
}

function fetchPost(doFetch: typeof fetch): PublishPost {
  return async (url, headers, body, timeoutMs) => {
    const res = await doFetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
