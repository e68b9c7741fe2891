import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("health, errors and the spec", () => {
  it("answers health with the runtime and a request id", async () => {
    const r = await call(t, "GET", "/v1/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", runtime: "node" });
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("answers an unknown route with problem+json", async () => {
    const r = await call(t, "GET", "/v1/does-not-exist");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ code: "route_not_found", status: 404 });
    expect(r.body.requestId).toBe(r.headers.get("x-request-id"));
  });

  it("answers a method a path does not take with 405 and the methods it takes in Allow", async () => {
    const r = await call(t, "PUT", "/v1/health");
    expect(r.status).toBe(405);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.headers.get("allow")).toBe("GET, HEAD");
    expect(r.body).toMatchObject({ code: "method_not_allowed", status: 405 });
    expect(r.body.detail).toContain("GET, HEAD");
    // A path with an id: the events' own routes.
    const e = await call(t, "PUT", "/v1/events/evt_0000000000000000000a/publish");
    expect(e.status).toBe(405);
    expect(e.headers.get("allow")).toBe("POST");
    // A path no route has stays a 404.
    expect((await call(t, "PUT", "/v1/health/nope")).status).toBe(404);
  });

  it("serves an OpenAPI 3.1 document and the reference page", async () => {
    const spec = await call(t, "GET", "/v1/openapi.json");
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe("3.1.0");
    expect(spec.body.paths["/v1/health"].get).toBeDefined();
    expect(spec.body.components.schemas.Health).toBeDefined();
    const docs = await t.fetch("http://api.test/docs");
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/v1/openapi.json");
  });

  it("logs each request as one structured line with its request id", async () => {
    const r = await call(t, "GET", "/v1/health");
    const line = t.logs.find((l) => l.requestId === r.headers.get("x-request-id"));
    expect(line).toMatchObject({ level: "info", msg: "request", method: "GET", path: "/v1/health", status: 200 });
  });
});
