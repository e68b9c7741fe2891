import { HTTPException } from "hono/http-exception";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { createBaseApp } from "./create-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("a 4xx raised by the framework (HTTPException)", () => {
  const cases: [number, string][] = [
    [401, "authentication_required"],
    [403, "permission_denied"],
    [404, "not_found"],
    [405, "method_not_allowed"],
    [408, "request_timeout"],
    [409, "conflict"],
    [411, "length_required"],
    [414, "uri_too_long"],
    [418, "request_refused"],
    [429, "rate_limited"],
    [431, "headers_too_large"],
  ];
  it.each(cases)("%i answers problem+json with its own code %s, never validation_failed", async (status, code) => {
    const app = createBaseApp(t.deps);
    app.get("/v1/health-probe", () => {
      throw new HTTPException(status as 401);
    });
    const r = await app.request("/v1/health-probe");
    expect(r.status).toBe(status);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    const body = (await r.json()) as { code: string; detail: string };
    expect(body.code).toBe(code);
    expect(body.detail).not.toBe("");
  });

  it("a 400 that is not about JSON is bad_request, with the framework's message", async () => {
    const app = createBaseApp(t.deps);
    app.get("/v1/health-probe", () => {
      throw new HTTPException(400, { message: "Malformed FormData request." });
    });
    const r = await app.request("/v1/health-probe");
    expect(await r.json()).toMatchObject({ status: 400, code: "bad_request", detail: "Malformed FormData request." });
  });
});

describe("the request shell", () => {
  // Authentication runs inside the one shell middleware; what it refuses must still pass through
  // every step after it, as it did when each step was its own layer.
  it.each(["GET", "POST"])(
    "a refusal raised in the shell (%s with a malformed Authorization) gets CORS, security headers, its request id and its log line",
    async (method) => {
      const origin = "https://site.example";
      const r = await t.fetch("http://api.test/v1/health", { method, headers: { authorization: "Basic abc", origin } });
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      const body = (await r.json()) as { code: string; requestId: string };
      expect(body.code).toBe("invalid_token");
      expect(r.headers.get("x-request-id")).toBe(body.requestId);
      expect(r.headers.get("access-control-allow-origin")).toBe(origin);
      expect(r.headers.get("vary")).toContain("origin");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("cache-control")).toBe("no-store");
      const line = t.logs.find((l) => l.requestId === body.requestId && l.msg === "request");
      expect(line).toMatchObject({ method, path: "/v1/health", status: 401 });
    },
  );

  it("a request without a credential reaches the route with no caller, and a POST still meets idempotency", async () => {
    const ok = await t.fetch("http://api.test/v1/health");
    expect(ok.status).toBe(200);
    // A malformed Idempotency-Key is refused by idempotency, which runs for a POST only.
    const refused = await t.fetch("http://api.test/v1/health", { method: "POST", headers: { "idempotency-key": "bad key" } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe("invalid_idempotency_key");
    const get = await t.fetch("http://api.test/v1/health", { headers: { "idempotency-key": "bad key" } });
    expect(get.status).toBe(200);
  });
});
