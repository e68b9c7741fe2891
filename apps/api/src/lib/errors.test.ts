import { DomainError } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { createBaseApp } from "./create-app.js";
import { ApiError } from "./errors.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** What the app answers when a route throws `err`. */
async function answerTo(err: unknown) {
  const app = createBaseApp(t.deps);
  app.get("/v1/error-probe", () => {
    throw err;
  });
  const r = await app.request("/v1/error-probe");
  return { status: r.status, type: r.headers.get("content-type"), headers: r.headers, body: (await r.json()) as Record<string, unknown> };
}

describe("one error family", () => {
  it("an ApiError is a DomainError", () => {
    const err = new ApiError(429, "rate_limited", "Slow down.");
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.status, err.code, err.detail, err.message]).toEqual([
      "ApiError",
      429,
      "rate_limited",
      "Slow down.",
      "Slow down.",
    ]);
  });

  it("answers core's DomainError and the API's ApiError with their status, code and detail", async () => {
    const rule = await answerTo(new DomainError(422, "currency_mismatch", "The expense is in USD; the plan uses EUR."));
    expect(rule.status).toBe(422);
    expect(rule.type).toBe("application/problem+json");
    expect(rule.body).toEqual({
      type: "https://gatherkit.dev/problems/currency_mismatch",
      title: "Unprocessable content",
      status: 422,
      detail: "The expense is in USD; the plan uses EUR.",
      code: "currency_mismatch",
      requestId: rule.headers.get("x-request-id"),
    });

    const errors = [{ path: "body.name", message: "required" }];
    const api = await answerTo(new ApiError(429, "rate_limited", "Too many attempts.", { errors, headers: { "retry-after": "7" } }));
    expect(api.status).toBe(429);
    expect(api.headers.get("retry-after")).toBe("7");
    expect(api.body).toMatchObject({ status: 429, code: "rate_limited", detail: "Too many attempts.", errors });
  });

  it("answers anything else with a 500 that leaks nothing", async () => {
    const r = await answerTo(new Error("SQLITE_BUSY: secret table name"));
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ code: "internal_error" });
    expect(JSON.stringify(r.body)).not.toContain("SQLITE");
  });
});
