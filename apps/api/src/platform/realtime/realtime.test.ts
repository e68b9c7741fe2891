import { ROOM_TOKEN_AUDIENCE, ROOM_TOKEN_ISSUER, RoomTokenSchema } from "@gatherkit/core";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp({ env: { REALTIME_HOST: "rooms.test:1999", ROOM_TOKEN_TTL_SECONDS: "120" } });
  a = await newOrg(t, { organizationName: "Alpha" });
  b = await newOrg(t, { organizationName: "Beta" });
});
afterAll(() => t.close());

const ask = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  call(t, "POST", "/v1/realtime/tokens", { token, body, headers });

async function claimsOf(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(t.deps.config.realtimeSecret), {
    issuer: ROOM_TOKEN_ISSUER,
    audience: ROOM_TOKEN_AUDIENCE,
  });
  return { ...payload, alg: protectedHeader.alg };
}

describe("POST /v1/realtime/tokens", () => {
  it("gives an organizer a token for their organization's room, named after them", async () => {
    const room = `org:${a.org.id}`;
    const r = await ask(a.accessToken, { room });
    const body = RoomTokenSchema.parse(expectStatus(r, 201));
    expect(body).toMatchObject({ room, host: "rooms.test:1999", party: "main" });
    const claims = await claimsOf(body.token);
    expect(claims).toMatchObject({ alg: "HS256", room, sub: a.user.id, name: a.user.name, org: a.org.id });
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(new Date(body.expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it("gives a secret key a token named after the key, and any role of the organization one too", async () => {
    const room = `org:${a.org.id}`;
    const byKey = expectStatus<{ token: string }>(await ask(a.secretKey, { room }), 201);
    expect(await claimsOf(byKey.token)).toMatchObject({ sub: a.secretKeyId, name: "Test server", org: a.org.id });
    const staff = await addMember(t, a, "staff");
    const byStaff = expectStatus<{ token: string }>(await ask(staff.accessToken, { room }), 201);
    expect(await claimsOf(byStaff.token)).toMatchObject({ sub: staff.member.userId, org: a.org.id });
  });

  it("answers 404 for another organization's room and for room kinds without objects yet", async () => {
    expectProblem(await ask(a.accessToken, { room: `org:${b.org.id}` }), 404, "not_found");
    expectProblem(await ask(b.secretKey, { room: `org:${a.org.id}` }), 404, "not_found");
    expectProblem(await ask(a.accessToken, { room: "org:org_doesnotexist00" }), 404, "not_found");
    for (const room of ["plan:plan_0123456789abcdefghjk", "event:evt_0123456789abcdefghjk", "place:plc_0123456789abcdefghjk"]) {
      expectProblem(await ask(a.secretKey, { room }), 404, "not_found");
    }
  });

  it("keeps participants and publishable keys out of the organization's room, and needs a caller", async () => {
    const room = `org:${a.org.id}`;
    expectProblem(await ask(a.participantToken, { room }), 403, "permission_denied");
    expectProblem(await ask(a.publishableKey, { room }, { origin: TEST_ORIGIN }), 403, "permission_denied");
    expectProblem(await ask(undefined, { room }), 401, "authentication_required");
  });

  it("validates the room name and refuses unknown fields", async () => {
    for (const room of ["org", "org:", "chat:org_0123456789", `org:${a.org.id}/x`, "ORG:org_0123456789", 42]) {
      const p = expectProblem(await ask(a.accessToken, { room }), 400, "validation_failed");
      expect(p.errors?.[0]?.path).toBe("body.room");
    }
    expectProblem(await ask(a.accessToken, { room: `org:${a.org.id}`, ttl: 5 }), 400, "validation_failed");
    expectProblem(await ask(a.accessToken, {}), 400, "validation_failed");
  });

  it("is in the OpenAPI document with its responses", async () => {
    const spec = await call(t, "GET", "/v1/openapi.json");
    const op = spec.body.paths["/v1/realtime/tokens"].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "404"]));
    expect(spec.body.components.schemas.RoomToken).toBeDefined();
  });
});
