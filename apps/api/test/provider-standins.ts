import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a stand-in received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * A loopback HTTP server standing in for a provider's API. `answer` decides each response
 * (status, JSON body, headers) from the request; every request is recorded.
 */
export async function startStandIn(answer: (req: Received) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(a.body === undefined ? "" : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Resend's `POST /emails` as far as we use it: bearer auth, an Idempotency-Key that makes a
 * repeat answer the first email's id without sending again, 422 for a bad recipient.
 * `script` can answer a request first (e.g. a 429 or a 500) before the normal behaviour.
 */
export async function startResendStandIn(
  apiKey: string,
  script: (req: Received) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined = () => undefined,
) {
  const sent: { id: string; key: string | undefined; body: Record<string, unknown> }[] = [];
  const byKey = new Map<string, string>();
  const standIn = await startStandIn((req) => {
    if (req.method !== "POST" || req.path !== "/emails") return { status: 404, body: { name: "not_found" } };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return { status: 401, body: { name: "missing_api_key" } };
    const scripted = script(req);
    if (scripted) return scripted;
    const body = JSON.parse(req.body) as Record<string, unknown>;
    const to = body.to as string[];
    if (!Array.isArray(to) || to.some((a) => a.endsWith("@invalid.test")))
      return { status: 422, body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." } };
    const key = req.headers["idempotency-key"] as string | undefined;
    const earlier = key ? byKey.get(key) : undefined;
    if (earlier) return { status: 200, body: { id: earlier } };
    const id = `re_${sent.length + 1}`;
    sent.push({ id, key, body });
    if (key) byKey.set(key, id);
    return { status: 200, body: { id } };
  });
  return { ...standIn, sent };
}

/**
 * Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`: basic auth, form body, 400 with
 * code 21211 for an invalid To. No idempotency: every accepted request is one more SMS.
 */
export async function startTwilioStandIn(
  sid: string,
  token: string,
  script: (req: Received) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined = () => undefined,
) {
  const sent: { sid: string; form: URLSearchParams }[] = [];
  const standIn = await startStandIn((req) => {
    if (req.method !== "POST" || req.path !== `/2010-04-01/Accounts/${sid}/Messages.json`) return { status: 404, body: { code: 20404 } };
    if (req.headers.authorization !== `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}`)
      return { status: 401, body: { code: 20003, message: "Authenticate" } };
    if (req.headers["content-type"] !== "application/x-www-form-urlencoded") return { status: 400, body: { code: 0 } };
    const scripted = script(req);
    if (scripted) return scripted;
    const form = new URLSearchParams(req.body);
    if (form.get("To") === "+15005550001")
      return { status: 400, body: { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number.", status: 400 } };
    const messageSid = `SM${String(sent.length + 1).padStart(32, "0")}`;
    sent.push({ sid: messageSid, form });
    return { status: 201, body: { sid: messageSid, status: "queued" } };
  });
  return { ...standIn, sent };
}

/**
 * A webhook as Resend posts it: the JSON event and Svix's three headers, signed here with
 * node:crypto (not the API's verifier): HMAC-SHA256 keyed by the base64 part of `whsec_…` over
 * `${svix-id}.${svix-timestamp}.${body}`, sent as `v1,<base64>`.
 */
export function resendWebhook(
  secret: string,
  event: { type: string; data: Record<string, unknown> },
  opts: { id: string; timestampSeconds: number },
) {
  const body = JSON.stringify({ ...event, created_at: new Date(opts.timestampSeconds * 1000).toISOString() });
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const sig = createHmac("sha256", key).update(`${opts.id}.${opts.timestampSeconds}.${body}`).digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "svix-id": opts.id,
      "svix-timestamp": String(opts.timestampSeconds),
      "svix-signature": `v1,${sig}`,
    },
  };
}
