import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, expectProblem, expectPublished, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
});
afterAll(() => t.close());

describe("GET /v1/organization", () => {
  it("answers the caller's own organization, for users and secret keys", async () => {
    const byUser = await call(t, "GET", "/v1/organization", { token: a.accessToken });
    expect(byUser.status).toBe(200);
    expect(byUser.body).toEqual(a.org);
    const byKey = await call(t, "GET", "/v1/organization", { token: b.secretKey });
    expect(byKey.body).toMatchObject({ id: b.org.id, name: "Beta" });
  });

  it("is not for anonymous callers, publishable keys or participants", async () => {
    expectProblem(await call(t, "GET", "/v1/organization"), 401, "authentication_required");
    expectProblem(
      await call(t, "GET", "/v1/organization", { token: a.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", "/v1/organization", { token: a.participantToken }), 403, "permission_denied");
  });
});

describe("PATCH /v1/organization", () => {
  it("renames the organization and tells its room", async () => {
    const r = await call(t, "PATCH", "/v1/organization", { token: a.accessToken, body: { name: "  Alpha Events " } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: a.org.id, name: "Alpha Events" });
    await expectPublished(t, `org:${a.org.id}`, { type: "organization.updated", data: { id: a.org.id, name: "Alpha Events" } });
    expect((await call(t, "GET", "/v1/organization", { token: a.accessToken })).body.name).toBe("Alpha Events");
    // The other organization is untouched.
    expect((await call(t, "GET", "/v1/organization", { token: b.accessToken })).body.name).toBe("Beta");
  });

  it("is for owners, admins and secret keys, not staff", async () => {
    const admin = await addMember(t, a, "admin");
    const staff = await addMember(t, a, "staff");
    expect((await call(t, "PATCH", "/v1/organization", { token: admin.accessToken, body: { name: "By admin" } })).status).toBe(200);
    expect((await call(t, "PATCH", "/v1/organization", { token: a.secretKey, body: { name: "By key" } })).status).toBe(200);
    expectProblem(
      await call(t, "PATCH", "/v1/organization", { token: staff.accessToken, body: { name: "By staff" } }),
      403,
      "permission_denied",
    );
  });

  it("refuses an empty name or an unknown field", async () => {
    const empty = expectProblem(
      await call(t, "PATCH", "/v1/organization", { token: a.accessToken, body: { name: "   " } }),
      400,
      "validation_failed",
    );
    expect(empty.errors?.[0]?.path).toBe("body.name");
    const unknown = expectProblem(
      await call(t, "PATCH", "/v1/organization", { token: a.accessToken, body: { name: "X", plan: "pro" } }),
      400,
      "validation_failed",
    );
    expect(unknown.detail).toContain("plan");
  });

  it("sets the time zone (UTC until then), canonicalised, keeping the name, and tells the room", async () => {
    const before = await call(t, "GET", "/v1/organization", { token: b.accessToken });
    expect(before.body.timeZone).toBe("UTC");
    const r = await call(t, "PATCH", "/v1/organization", { token: b.accessToken, body: { timeZone: "US/Eastern" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: b.org.id, name: "Beta", timeZone: "America/New_York" });
    await expectPublished(t, `org:${b.org.id}`, { type: "organization.updated", data: { id: b.org.id, name: "Beta" } });
    // Signed-in pages read it from /v1/auth/me too.
    expect((await call(t, "GET", "/v1/auth/me", { token: b.accessToken })).body.organization.timeZone).toBe("America/New_York");
    // The other organization keeps its own.
    expect((await call(t, "GET", "/v1/organization", { token: a.accessToken })).body.timeZone).toBe("UTC");
  });

  it("refuses a time zone the runtime does not know with 422 invalid_time_zone, and a body with nothing to change", async () => {
    const cases: [string, number, string][] = [
      ["Mars/Olympus_Mons", 422, "invalid_time_zone"],
      ["+01:00", 422, "invalid_time_zone"],
      ["Europe/Lisbon; DROP", 422, "invalid_time_zone"],
      ["", 422, "invalid_time_zone"],
      // Too long to be a zone name at all: the length rule fails too, a plain validation error.
      ["UTC".repeat(30), 400, "validation_failed"],
    ];
    for (const [timeZone, status, code] of cases) {
      const p = expectProblem(await call(t, "PATCH", "/v1/organization", { token: a.accessToken, body: { timeZone } }), status, code);
      expect(p.errors?.[0]?.path).toBe("body.timeZone");
    }
    expect((await call(t, "GET", "/v1/organization", { token: a.accessToken })).body.timeZone).toBe("UTC");
    expectProblem(await call(t, "PATCH", "/v1/organization", { token: a.accessToken, body: {} }), 400, "validation_failed");
  });
});
