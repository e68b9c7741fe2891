import { publishableKeys, secretKeys, users } from "@gatherkit/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newOrg, TEST_PASSWORD, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";

const MAX_BODY_BYTES = 2048;
let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  t = await createTestApp({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  a = await newOrg(t);
});
afterAll(() => t.close());

/** Row counts of every table these requests could write to. */
async function counts() {
  const db = t.deps.db;
  return {
    users: (await db.select().from(users)).length,
    secretKeys: (await db.select().from(secretKeys)).length,
    publishableKeys: (await db.select().from(publishableKeys)).length,
  };
}

/** Each case runs against an authenticated create route and an anonymous one. */
const targets = [
  { path: "/v1/secret-keys", token: () => a.ownerToken, valid: { name: "k" } },
  { path: "/v1/publishable-keys", token: () => a.secretKey, valid: { name: "k", allowedOrigins: ["https://x.example"] } },
  {
    path: "/v1/auth/sign-up",
    token: () => undefined,
    valid: { email: "body@example.com", password: TEST_PASSWORD, name: "B", organizationName: "B" },
  },
];

describe.each(targets)("bad request bodies on POST $path", ({ path, token, valid }) => {
  it("answers malformed JSON with 400 malformed_json and writes nothing", async () => {
    const before = await counts();
    for (const raw of ["{", '{"name": }', "nul", '{"name":"k"} trailing']) {
      expectProblem(await call(t, "POST", path, { token: token(), raw }), 400, "malformed_json");
    }
    expect(await counts()).toEqual(before);
  });

  it("answers an unknown field with 400 validation_failed naming it, and writes nothing", async () => {
    const before = await counts();
    const p = expectProblem(await call(t, "POST", path, { token: token(), body: { ...valid, sneaky: 1 } }), 400, "validation_failed");
    expect(p.errors).toContainEqual({ path: "body", message: expect.stringContaining("sneaky") });
    expect(p.detail).toContain("sneaky");
    expect(await counts()).toEqual(before);
  });

  it("answers a body that is not JSON with 415 unsupported_media_type, and writes nothing", async () => {
    const before = await counts();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await call(t, "POST", path, { token: token(), raw: JSON.stringify(valid), headers: { "content-type": type } });
      expectProblem(r, 415, "unsupported_media_type");
    }
    // A body without any Content-Type is not guessed at either.
    const res = await t.fetch(`http://api.test${path}`, {
      method: "POST",
      body: new TextEncoder().encode(JSON.stringify(valid)),
      headers: token() ? { authorization: `Bearer ${token()}` } : {},
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await counts()).toEqual(before);
  });

  it("answers a body over the size limit with 413 payload_too_large, and writes nothing", async () => {
    const before = await counts();
    const big = { ...valid, name: "x".repeat(MAX_BODY_BYTES) };
    expectProblem(await call(t, "POST", path, { token: token(), body: big }), 413, "payload_too_large");
    // Also when the client sends no Content-Length and streams the body.
    const stream = new ReadableStream({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode(JSON.stringify(big)));
        ctl.close();
      },
    });
    const res = await t.fetch(`http://api.test${path}`, {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { "content-type": "application/json", ...(token() ? { authorization: `Bearer ${token()}` } : {}) },
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
    expect(await counts()).toEqual(before);
  });

  it("answers a JSON value that is not an object with 400 validation_failed", async () => {
    for (const raw of ["[]", '"name"', "42", "null"]) {
      expectProblem(await call(t, "POST", path, { token: token(), raw }), 400, "validation_failed");
    }
  });
});
