import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "../../../apps/api/src/lib/outbox.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { Gatherkit, UnprocessableEntityError } from "../src/index.js";
import { constructEvent, WebhookSignatureError } from "../src/webhooks.js";

// gk.webhookEndpoints against the real API in process, and constructEvent on what the API's
// outbox really POSTs to a receiver this test starts.
const BASE = "http://api.test";
let t: TestApp;
let gk: Gatherkit;
let server: Server;
let url: string;
const received: { body: string; signature: string }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  gk = new Gatherkit({ baseUrl: BASE, fetch: t.fetch });
  await gk.auth.signUp({ email: "hooks@example.com", password: "correct horse battery", name: "Hooks", organizationName: "Hooks" });
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers["gatherkit-signature"]) });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/hook`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  t.close();
});

async function nextDelivery(n: number) {
  for (let i = 0; i < 100 && received.length < n; i++) {
    if ((await deliverOutbox(t.deps, { maxBatches: 1 })).claimed === 0) await new Promise((r) => setTimeout(r, 5));
  }
  const got = received[n - 1];
  if (!got) throw new Error("no delivery arrived");
  return got;
}

describe("webhooks with the SDK", () => {
  it("creates an endpoint, receives a delivery that constructEvent verifies, and refuses tampering, wrong secrets and old timestamps", async () => {
    await expect(gk.webhookEndpoints.create({ url, eventTypes: ["no.such_type"] })).rejects.toBeInstanceOf(UnprocessableEntityError);
    const endpoint = await gk.webhookEndpoints.create({ url, eventTypes: ["plan.updated"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await gk.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([endpoint.id]);

    const plan = await gk.plans.create({ type: "trip", title: "Hooked", timeZone: "Europe/Lisbon", currency: "EUR" });
    const { body, signature } = await nextDelivery(1);
    const event = await gk.webhooks.constructEvent<{
      id: string;
      object: "event";
      type: string;
      created: number;
      api_version: string;
      data: { plan: { id: string } };
    }>(body, signature, endpoint.secret);
    expect(event).toMatchObject({ type: "plan.updated", data: { plan: { id: plan.id } } });
    // Bytes too (a server that reads the body as an ArrayBuffer).
    expect((await constructEvent(new TextEncoder().encode(body), signature, endpoint.secret)).id).toBe(event.id);

    await expect(constructEvent(body.replace("Hooked", "Hacked"), signature, endpoint.secret)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
    await expect(constructEvent(body, signature, "whsec_not_the_secret")).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(constructEvent(body, undefined, endpoint.secret)).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(constructEvent(body, "t=1,v1=zz", endpoint.secret)).rejects.toBeInstanceOf(WebhookSignatureError);
    // Ten minutes later the same delivery is a replay under the default 5-minute tolerance; 0 turns the check off.
    const later = () => Date.now() + 10 * 60_000;
    await expect(constructEvent(body, signature, endpoint.secret, undefined, later)).rejects.toThrow(/tolerance/);
    expect((await constructEvent(body, signature, endpoint.secret, 0, later)).id).toBe(event.id);

    const log = (await gk.webhookEndpoints.listDeliveries(endpoint.id)).data;
    expect(log[0]).toMatchObject({ eventId: event.id, responseStatus: 200 });
    await gk.webhookEndpoints.resend(endpoint.id, log[0]!.id);
    expect(JSON.parse((await nextDelivery(2)).body).id).toBe(event.id);

    // A rotation: both secrets verify during the overlap.
    const rotated = await gk.webhookEndpoints.rotateSecret(endpoint.id, { overlapSeconds: 600 });
    await gk.plans.create({ type: "trip", title: "Rotated", timeZone: "Europe/Lisbon", currency: "EUR" });
    const third = await nextDelivery(3);
    expect((await constructEvent(third.body, third.signature, rotated.secret)).type).toBe("plan.updated");
    expect((await constructEvent(third.body, third.signature, endpoint.secret)).type).toBe("plan.updated");

    expect((await gk.webhookEndpoints.update(endpoint.id, { status: "disabled" })).status).toBe("disabled");
    await gk.webhookEndpoints.del(endpoint.id);
  });
});
