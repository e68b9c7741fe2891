import { createServer, type IncomingMessage, type Server } from "node:http";

/** A stand-in for the Stripe API: POST /v1/payment_intents and /v1/refunds, recording each request. */
export async function startStripeStandIn() {
  const requests: { path: string; body: URLSearchParams; idempotencyKey: string | undefined; auth: string | undefined }[] = [];
  let failing = false;
  /** PaymentIntents whose refunds answer 500 (a provider failing for some orders only). */
  const failRefundsOf = new Set<string>();
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => resolve(data));
    });
  const server: Server = createServer(async (req, res) => {
    const body = new URLSearchParams(await read(req));
    requests.push({
      path: req.url ?? "",
      body,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      auth: req.headers.authorization,
    });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": `req_${requests.length}` });
      res.end(JSON.stringify(json));
    };
    if (failing) return send(500, { error: { type: "api_error", message: "stand-in is down" } });
    if (req.method === "POST" && req.url === "/v1/payment_intents") {
      const id = `pi_standin_${requests.length}`;
      const metadata: Record<string, string> = {};
      for (const [k, v] of body) {
        const m = /^metadata\[(.+)\]$/.exec(k);
        if (m?.[1]) metadata[m[1]] = v;
      }
      return send(200, {
        id,
        object: "payment_intent",
        amount: Number(body.get("amount")),
        currency: body.get("currency"),
        metadata,
        client_secret: `${id}_secret_standin`,
        status: "requires_payment_method",
      });
    }
    if (req.method === "POST" && req.url === "/v1/refunds" && failRefundsOf.has(body.get("payment_intent") ?? "")) {
      return send(500, { error: { type: "api_error", message: "stand-in refuses this refund" } });
    }
    if (req.method === "POST" && req.url === "/v1/refunds") {
      return send(200, {
        id: `re_standin_${requests.length}`,
        object: "refund",
        amount: body.has("amount") ? Number(body.get("amount")) : null,
        payment_intent: body.get("payment_intent"),
        status: "succeeded",
      });
    }
    send(404, { error: { type: "invalid_request_error", message: `no stand-in for ${req.method} ${req.url}` } });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failRefundsOf,
    setFailing: (v: boolean) => {
      failing = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
