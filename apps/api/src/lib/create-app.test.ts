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
