import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from "@gatherkit/core";
import { outbox, webhookEndpoints } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, outboxEmails, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../test/harness.js";
import { newPlan } from "../../../test/plan-fixtures.js";
import { deliverOutbox, PARKED } from "../../lib/outbox.js";
import { isNonPublicAddress, webhookUrlRefusal } from "./address.js";

/**
 * Outgoing webhooks end to end: endpoints made through the API, events caused by real writes
 * (creating a plan publishes `plan.updated`), delivered by the outbox to receivers this test
 * starts on 127.0.0.1 (the embedded default allows private addresses), signatures checked with
 * node:crypto, independently of the API's WebCrypto code.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = (req: Received, res: ServerResponse) => void;

async function startReceiver(reply: Reply = (_q, res) => res.end("ok")) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  let handler = reply;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const r = { headers: req.headers, body };
      received.push(r);
      for (const w of waiters.splice(0)) w();
      handler(r, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    setReply: (r: Reply) => {
      handler = r;
    },
    /** Resolves once `n` requests have arrived. */
    until: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.length >= n ? resolve() : waiters.push(check));
        check();
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Runs outbox passes until `done()` or nothing is due any more (no timing: the passes themselves). */
async function pump(t: TestApp, done: () => boolean) {
  for (let i = 0; i < 50 && !done(); i++) {
    const r = await deliverOutbox(t.deps, { maxBatches: 1 });
    if (r.claimed === 0) await new Promise((res) => setTimeout(res, 5));
  }
}

function verify(header: string, body: string, secret: string): boolean {
  const parts = header.split(",");
  const t = parts.find((p) => p.startsWith("t="))?.slice(2);
  const v1 = parts.filter((p) => p.startsWith("v1=")).map((p) => p.slice(3));
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return v1.includes(expected);
}

let offset = 0;
const clock = monotonicNow();
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await createTestApp({ now: () => clock() + offset, env: { WEBHOOK_DISABLE_AFTER_FAILURES: "3" } });
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  t.close();
});

async function receiver(reply?: Reply) {
  const r = await startReceiver(reply);
  receivers.push(r);
  return r;
}

async function endpoint(o: TestOrg, url: string, eventTypes: string[] = ["plan.updated"]) {
  return expectStatus<CreatedWebhookEndpoint>(
    await call(t, "POST", "/v1/webhook-endpoints", { token: o.secretKey, body: { url, eventTypes } }),
    201,
  );
}

describe("webhook endpoints", () => {
  it("are created with a secret shown once, listed and read without it, by staff and secret keys only, per organization", async () => {
    const created = await endpoint(org, "https://example.com/hook", ["plan.updated", "plan.finalized"]);
    expect(created.secret).toMatch(/^whsec_[0-9a-z]{32}$/);
    expect(created).toMatchObject({
      status: "enabled",
      eventTypes: ["plan.updated", "plan.finalized"],
      secretPrefix: created.secret.slice(0, 10),
    });
    const got = expectStatus<WebhookEndpoint>(await call(t, "GET", `/v1/webhook-endpoints/${created.id}`, { token: org.ownerToken }), 200);
    expect(got).not.toHaveProperty("secret");
    const list = expectStatus<{ data: WebhookEndpoint[] }>(await call(t, "GET", "/v1/webhook-endpoints", { token: org.secretKey }), 200);
    expect(list.data.map((e) => e.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    // Stored encrypted, not in clear.
    const [row] = await t.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
    expect(row?.secret).not.toContain(created.secret);

    expectProblem(await call(t, "GET", `/v1/webhook-endpoints/${created.id}`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/webhook-endpoints/${created.id}`, { token: other.ownerToken }), 404, "not_found");
    const others = expectStatus<{ data: WebhookEndpoint[] }>(
      await call(t, "GET", "/v1/webhook-endpoints", { token: other.secretKey }),
      200,
    );
    expect(others.data.map((e) => e.id)).not.toContain(created.id);
    expectProblem(await call(t, "GET", "/v1/webhook-endpoints", { token: org.participantToken }), 403, "permission_denied");
    expectProblem(
      await call(t, "GET", "/v1/webhook-endpoints", { token: org.publishableKey, headers: { origin: "https://host.example" } }),
      403,
      "permission_denied",
    );
  });

  it("refuses event types outside the catalogue, and accepts every type the domains publish", async () => {
    const bad = expectProblem(
      await call(t, "POST", "/v1/webhook-endpoints", {
        token: org.secretKey,
        body: { url: "https://example.com/h", eventTypes: ["plan.exploded"] },
      }),
      422,
      "unknown_event_type",
    );
    expect(bad.detail).toContain("plan.exploded");
    expectProblem(
      await call(t, "POST", "/v1/webhook-endpoints", { token: org.secretKey, body: { url: "https://example.com/h", eventTypes: [] } }),
      400,
      "validation_failed",
    );
    const doc = (await call(t, "GET", "/v1/openapi.json")).body;
    const types = Object.keys(doc.webhooks ?? {});
    expect(types).toEqual(expect.arrayContaining(["plan.updated", "plan.finalized", "event.stock_changed", "place.availability_changed"]));
    expect(doc.webhooks["plan.finalized"].post.requestBody.content["application/json"].schema.properties.type).toMatchObject({
      enum: ["plan.finalized"],
    });
    await endpoint(org, "https://example.com/all", types);
    await endpoint(org, "https://example.com/star", ["*"]);
  });

  it("is updated, disabled, enabled and deleted", async () => {
    const e = await endpoint(org, "https://example.com/u");
    const upd = expectStatus<WebhookEndpoint>(
      await call(t, "PATCH", `/v1/webhook-endpoints/${e.id}`, {
        token: org.secretKey,
        body: { status: "disabled", description: "paused" },
      }),
      200,
    );
    expect(upd).toMatchObject({ status: "disabled", description: "paused" });
    expectProblem(
      await call(t, "PATCH", `/v1/webhook-endpoints/${e.id}`, { token: org.secretKey, body: { eventTypes: ["nope.nope"] } }),
      422,
      "unknown_event_type",
    );
    const back = expectStatus<WebhookEndpoint>(
      await call(t, "PATCH", `/v1/webhook-endpoints/${e.id}`, { token: org.secretKey, body: { status: "enabled" } }),
      200,
    );
    expect(back).toMatchObject({ status: "enabled", disabledReason: null, consecutiveFailures: 0 });
    expectStatus(await call(t, "DELETE", `/v1/webhook-endpoints/${e.id}`, { token: org.secretKey }), 200);
    expectProblem(await call(t, "GET", `/v1/webhook-endpoints/${e.id}`, { token: org.secretKey }), 404, "not_found");
  });
});

describe("the SSRF rule", () => {
  it("classifies addresses", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "224.0.0.1",
    ]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(a), a).toBe(false);
  });

  it("in production refuses http, local names, private literals and names that resolve to private addresses", async () => {
    const resolveHost = async (h: string) => (h === "inside.example.com" ? ["10.0.0.7"] : ["93.184.216.34"]);
    const opts = { allowPrivate: false, resolveHost };
    expect(await webhookUrlRefusal("http://example.com/h", opts)).toBe("must use https");
    expect(await webhookUrlRefusal("https://localhost/h", opts)).toMatch(/local host/);
    expect(await webhookUrlRefusal("https://127.0.0.1/h", opts)).toMatch(/private/);
    expect(await webhookUrlRefusal("https://[::ffff:169.254.169.254]/h", opts)).toMatch(/private/);
    expect(await webhookUrlRefusal("https://inside.example.com/h", opts)).toMatch(/10\.0\.0\.7/);
    expect(await webhookUrlRefusal("https://example.com/h", opts)).toBeNull();
    // The embedded default allows them, for receivers on the same machine.
    expect(await webhookUrlRefusal("http://127.0.0.1:9/h", { allowPrivate: true })).toBeNull();
  });

  it("answers 422 webhook_url_not_allowed through the API when private URLs are off, and checks again at delivery", async () => {
    let inside = false;
    const prod = await createTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: "false" },
      resolveHost: async () => (inside ? ["127.0.0.1"] : ["93.184.216.34"]),
    });
    try {
      const o = await newOrg(prod);
      for (const url of ["http://example.com/h", "https://127.0.0.1/h", "https://localhost:8443/h"]) {
        expectProblem(
          await call(prod, "POST", "/v1/webhook-endpoints", { token: o.secretKey, body: { url, eventTypes: ["plan.updated"] } }),
          422,
          "webhook_url_not_allowed",
        );
      }
      const ok = expectStatus<CreatedWebhookEndpoint>(
        await call(prod, "POST", "/v1/webhook-endpoints", {
          token: o.secretKey,
          body: { url: "https://rebind.example.com/h", eventTypes: ["plan.updated"] },
        }),
        201,
      );
      // The name now points inside: the delivery is refused before any request is made.
      inside = true;
      await newPlan(prod, o);
      let log: WebhookDelivery[] = [];
      for (let i = 0; i < 50 && log.length === 0; i++) {
        await deliverOutbox(prod.deps, { maxBatches: 1 });
        log = expectStatus<{ data: WebhookDelivery[] }>(
          await call(prod, "GET", `/v1/webhook-endpoints/${ok.id}/deliveries`, { token: o.secretKey }),
          200,
        ).data;
      }
      expect(log[0]).toMatchObject({ responseStatus: null, error: expect.stringMatching(/not sent: the URL resolves to a private/) });
    } finally {
      prod.close();
    }
  });
});

describe("delivery", () => {
  it("POSTs a signed JSON event that verifies with the endpoint's secret, and logs it", async () => {
    const r = await receiver((_q, res) => res.end("x".repeat(3000)));
    const e = await endpoint(org, r.url);
    const plan = await newPlan(t, org);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    const got = r.received[0]!;
    expect(got.headers["content-type"]).toBe("application/json");
    expect(verify(String(got.headers["gatherkit-signature"]), got.body, e.secret)).toBe(true);
    expect(verify(String(got.headers["gatherkit-signature"]), got.body, "whsec_wrong")).toBe(false);
    const event = JSON.parse(got.body);
    expect(event).toMatchObject({ object: "event", type: "plan.updated", api_version: e.apiVersion, data: { plan: { id: plan.id } } });
    expect(event.id).toMatch(/^whevt_/);
    expect(Number.isInteger(event.created)).toBe(true);

    const log = expectStatus<{ data: WebhookDelivery[] }>(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries`, { token: org.secretKey }),
      200,
    );
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({ eventId: event.id, eventType: "plan.updated", attempt: 1, responseStatus: 200, error: null });
    expect(log.data[0]!.request.body).toBe(got.body);
    expect(log.data[0]!.responseBody).toHaveLength(1024);
    // Another organization cannot read the log.
    expectProblem(await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries`, { token: other.secretKey }), 404, "not_found");

    // Resend: the same event, again.
    const resent = await call(t, "POST", `/v1/webhook-endpoints/${e.id}/deliveries/${log.data[0]!.id}/resend`, { token: org.secretKey });
    expect(expectStatus(resent, 202)).toMatchObject({ eventId: event.id, queued: true });
    await pump(t, () => r.received.length >= 2);
    await r.until(2);
    expect(JSON.parse(r.received[1]!.body).id).toBe(event.id);
    await call(t, "DELETE", `/v1/webhook-endpoints/${e.id}`, { token: org.secretKey });
  });

  it("sends only the catalogue's types: `*` gets no organization-feed or inbox message", async () => {
    const r = await receiver();
    const o = await newOrg(t);
    await endpoint(o, r.url, ["*"]);
    // key.changed goes to the organization's own room; plan.updated is a domain message.
    expectStatus(await call(t, "POST", "/v1/secret-keys", { token: o.ownerToken, body: { name: "another" } }), 201);
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    await pump(t, () => false);
    expect(r.received.map((x) => JSON.parse(x.body).type)).toEqual(["plan.updated"]);
  });

  it("retries a failed delivery with backoff until it goes through, then counts no failure", async () => {
    const r = await receiver((_q, res) => {
      res.statusCode = 500;
      res.end("down");
    });
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    // Not sooner than the backoff: another pass sends nothing.
    await deliverOutbox(t.deps);
    expect(r.received).toHaveLength(1);
    const [pending] = await t.deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "webhook"), eq(outbox.orgId, o.org.id)));
    expect(pending?.sentAt).toBeNull();
    expect(pending?.nextAttemptAt).toBeGreaterThan(t.deps.now() + 30_000);
    // Its own order key: a failing endpoint holds back only its own deliveries.
    expect(pending?.orderKey).toBe(e.id);
    const failing = expectStatus<WebhookEndpoint>(await call(t, "GET", `/v1/webhook-endpoints/${e.id}`, { token: o.secretKey }), 200);
    expect(failing.consecutiveFailures).toBe(1);

    r.setReply((_q, res) => res.end("ok"));
    offset += 2 * 60_000;
    await pump(t, () => r.received.length >= 2);
    await r.until(2);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    await pump(t, () => false);
    const ok = expectStatus<WebhookEndpoint>(await call(t, "GET", `/v1/webhook-endpoints/${e.id}`, { token: o.secretKey }), 200);
    expect(ok).toMatchObject({ status: "enabled", consecutiveFailures: 0 });
    const log = expectStatus<{ data: WebhookDelivery[] }>(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries`, { token: o.secretKey }),
      200,
    );
    expect(log.data.map((d) => [d.attempt, d.responseStatus])).toEqual([
      [2, 200],
      [1, 500],
    ]);
  });

  it("logs each attempt's outcome and when a failing event is tried next, filters the log by outcome", async () => {
    const r = await receiver((_q, res) => {
      res.statusCode = 503;
      res.end("busy");
    });
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    const logOf = async (query = "") =>
      expectStatus<{ data: WebhookDelivery[] }>(
        await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries${query}`, { token: o.secretKey }),
        200,
      ).data;
    const [first] = await logOf();
    const [queued] = await t.deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "webhook"), eq(outbox.orgId, o.org.id)));
    expect(first).toMatchObject({ attempt: 1, status: "failed", responseStatus: 503 });
    expect(first!.nextRetryAt).toBe(new Date(queued!.nextAttemptAt).toISOString());

    r.setReply((_q, res) => res.end("ok"));
    offset += 2 * 60_000;
    await pump(t, () => r.received.length >= 2);
    await r.until(2);
    await pump(t, () => false);
    const log = await logOf();
    // Once through, no attempt of that event is waiting for a retry.
    expect(log.map((d) => [d.attempt, d.status, d.nextRetryAt])).toEqual([
      [2, "succeeded", null],
      [1, "failed", null],
    ]);
    expect((await logOf("?status=succeeded")).map((d) => d.attempt)).toEqual([2]);
    expect((await logOf("?status=failed")).map((d) => d.attempt)).toEqual([1]);
    expectProblem(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries?status=late`, { token: o.secretKey }),
      400,
      "validation_failed",
    );
  });

  it("resends an event that waits for its retry now, once: not behind the retry's backoff, and not twice", async () => {
    const r = await receiver((_q, res) => {
      res.statusCode = 500;
      res.end("down");
    });
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    const [failed] = expectStatus<{ data: WebhookDelivery[] }>(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries`, { token: o.secretKey }),
      200,
    ).data;
    expect(failed?.nextRetryAt).not.toBeNull();
    r.setReply((_q, res) => res.end("ok"));
    // The receiver works again; the organizer resends without waiting for the backoff (no clock moved).
    const resends = await Promise.all(
      [1, 2, 3].map(() => call(t, "POST", `/v1/webhook-endpoints/${e.id}/deliveries/${failed!.id}/resend`, { token: o.secretKey })),
    );
    for (const res of resends) expectStatus(res, 202);
    await pump(t, () => r.received.length >= 2);
    await r.until(2);
    await pump(t, () => false);
    expect(r.received).toHaveLength(2);
    expect(JSON.parse(r.received[1]!.body).id).toBe(failed!.eventId);
    const queued = await t.deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "webhook"), eq(outbox.orgId, o.org.id)));
    expect(queued.map((q) => q.sentAt !== null)).toEqual([true]);

    // Once through, a resend queues it again.
    const [ok] = expectStatus<{ data: WebhookDelivery[] }>(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries?status=succeeded`, { token: o.secretKey }),
      200,
    ).data;
    expectStatus(await call(t, "POST", `/v1/webhook-endpoints/${e.id}/deliveries/${ok!.id}/resend`, { token: o.secretKey }), 202);
    await pump(t, () => r.received.length >= 3);
    await r.until(3);
    expect(JSON.parse(r.received[2]!.body).id).toBe(failed!.eventId);
  });

  it("sends a signed test event to that endpoint only, whatever it subscribes to; not to a disabled one nor another organization's", async () => {
    const r = await receiver();
    const bystander = await receiver();
    const o = await newOrg(t);
    const e = await endpoint(o, r.url, ["plan.finalized"]);
    await endpoint(o, bystander.url, ["*"]);
    const queued = expectStatus<{ eventId: string }>(
      await call(t, "POST", `/v1/webhook-endpoints/${e.id}/test`, { token: o.secretKey }),
      202,
    );
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    await pump(t, () => false);
    const got = r.received[0]!;
    expect(verify(String(got.headers["gatherkit-signature"]), got.body, e.secret)).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({
      id: queued.eventId,
      type: "webhook_endpoint.test",
      data: { endpointId: e.id, test: true },
    });
    expect(bystander.received).toHaveLength(0);
    const log = expectStatus<{ data: WebhookDelivery[] }>(
      await call(t, "GET", `/v1/webhook-endpoints/${e.id}/deliveries`, { token: o.secretKey }),
      200,
    );
    expect(log.data.map((d) => [d.eventType, d.status])).toEqual([["webhook_endpoint.test", "succeeded"]]);

    expectProblem(await call(t, "POST", `/v1/webhook-endpoints/${e.id}/test`, { token: other.secretKey }), 404, "not_found");
    expectStatus(await call(t, "PATCH", `/v1/webhook-endpoints/${e.id}`, { token: o.secretKey, body: { status: "disabled" } }), 200);
    expectProblem(await call(t, "POST", `/v1/webhook-endpoints/${e.id}/test`, { token: o.secretKey }), 409, "conflict");
  });

  it("disables an endpoint at once on 410, sending it nothing more", async () => {
    const r = await receiver((_q, res) => {
      res.statusCode = 410;
      res.end("gone");
    });
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    await pump(t, () => false);
    const got = expectStatus<WebhookEndpoint>(await call(t, "GET", `/v1/webhook-endpoints/${e.id}`, { token: o.secretKey }), 200);
    expect(got).toMatchObject({ status: "disabled", disabledReason: expect.stringContaining("410") });
    const [row] = await t.deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "webhook"), eq(outbox.orgId, o.org.id)));
    expect(row?.nextAttemptAt).toBe(PARKED);
    await newPlan(t, o);
    offset += 60 * 60_000;
    await pump(t, () => false);
    expect(r.received).toHaveLength(1);
  });

  it("disables an endpoint after a run of failures and emails the organization's owner", async () => {
    const r = await receiver((_q, res) => {
      res.statusCode = 503;
      res.end("busy");
    });
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    await newPlan(t, o);
    for (let n = 1; n <= 3; n++) {
      await pump(t, () => r.received.length >= n);
      await r.until(n);
      offset += 10 * 60 * 60_000;
    }
    await pump(t, () => false);
    const got = expectStatus<WebhookEndpoint>(await call(t, "GET", `/v1/webhook-endpoints/${e.id}`, { token: o.secretKey }), 200);
    expect(got).toMatchObject({ status: "disabled", consecutiveFailures: 3 });
    const mails = await outboxEmails(t, o.email, "webhook_endpoint_disabled");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(r.url);
    offset += 10 * 60 * 60_000;
    await pump(t, () => false);
    expect(r.received).toHaveLength(3);
  });

  it("signs with both secrets during a rotation's overlap", async () => {
    const r = await receiver();
    const o = await newOrg(t);
    const e = await endpoint(o, r.url);
    const rotated = expectStatus<CreatedWebhookEndpoint>(
      await call(t, "POST", `/v1/webhook-endpoints/${e.id}/rotate-secret`, { token: o.secretKey, body: { overlapSeconds: 3600 } }),
      200,
    );
    expect(rotated.secret).not.toBe(e.secret);
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 1);
    await r.until(1);
    const header = String(r.received[0]!.headers["gatherkit-signature"]);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(header, r.received[0]!.body, e.secret)).toBe(true);
    expect(verify(header, r.received[0]!.body, rotated.secret)).toBe(true);
    // After the overlap, only the new secret signs.
    offset += 3601_000;
    await newPlan(t, o);
    await pump(t, () => r.received.length >= 2);
    await r.until(2);
    const later = String(r.received[1]!.headers["gatherkit-signature"]);
    expect(later.match(/v1=/g)).toHaveLength(1);
    expect(verify(later, r.received[1]!.body, rotated.secret)).toBe(true);
    expect(verify(later, r.received[1]!.body, e.secret)).toBe(false);
  });

  it("one endpoint that does not answer does not hold up another organization's deliveries", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow = await receiver((_q, res) => void held.then(() => res.end("late")));
    const fast = await receiver();
    const a = await newOrg(t);
    const b = await newOrg(t);
    await endpoint(a, slow.url);
    await endpoint(b, fast.url);
    await newPlan(t, a);
    await newPlan(t, b);
    const passes = pump(t, () => fast.received.length >= 1 && slow.received.length >= 1);
    // The fast receiver gets its event while the slow one still holds its request open.
    await fast.until(1);
    await slow.until(1);
    expect(slow.received).toHaveLength(1);
    release();
    await passes;
  });
});
