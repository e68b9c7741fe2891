import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { PublishPost } from "./http-publisher.js";

/**
 * The publisher's transport on Node (node.ts spreads this into createHttpPublisher; Workers keep
 * `fetch`). Why: every room-changing write publishes once, and undici's `fetch` (a Request, a
 * Response, a body stream, an AbortSignal per call) was ~8% of the API's CPU per ticket hold; a
 * `node:http` request over a keep-alive agent does the same work for less. Same request as
 * `fetch` sends it (URL, the publisher's headers, body), same timeout, and the answer read as
 * text (asked for with `accept-encoding: identity`, so it comes uncompressed). The signature is
 * the publisher's own, which on Node goes through `node:crypto` (platform/hmac.ts).
 */
export function nodePublishing(): { post: PublishPost } {
  return { post: nodePublishPost() };
}

/**
 * POSTs over `node:http`/`node:https` with keep-alive agents: idle connections are reused, closed
 * after 4 s idle or a second before the room's `Keep-Alive: timeout` (undici's defaults), and
 * never keep the process alive.
 */
export function nodePublishPost(): PublishPost {
  const http = new HttpAgent({ keepAlive: true, timeout: 4_000 });
  const https = new HttpsAgent({ keepAlive: true, timeout: 4_000 });
  return (url, headers, body, timeoutMs) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith("https:");
      // As `AbortSignal.timeout` fails a fetch: the whole answer, not only its headers, within timeoutMs.
      const timer = setTimeout(() => fail(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(err);
        req.destroy();
      };
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: "POST", agent: secure ? https : http, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (res: IncomingMessage) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("error", fail);
          res.on("end", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on("error", fail);
      req.end(body);
    });
}
