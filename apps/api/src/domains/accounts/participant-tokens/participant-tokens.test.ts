import type { ParticipantToken } from "@gatherkit/core";
import { participants } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createParticipantToken,
  expectProblem,
  expectStatus,
  newOrg,
  TEST_ORIGIN,
  type TestOrg,
  twoOrgs,
} from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { verifyApiToken } from "../../../lib/tokens.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

const mint = (token: string, body: unknown) => call(t, "POST", "/v1/participant-tokens", { token, body });

describe("POST /v1/participant-tokens", () => {
  it("creates the participant and signs a gk_pt_ token for them in the key's organization", async () => {
    const r = await mint(a.secretKey, { externalId: "user_42", name: "Grace Hopper", email: "Grace@Example.com", ttlSeconds: 3600 });
    expect(r.status).toBe(201);
    expect(r.body.participant).toMatchObject({ externalId: "user_42", name: "Grace Hopper", email: "grace@example.com" });
    expect(r.body.participant.id).toMatch(/^ptc_/);
    expect(r.body.token).toMatch(/^gk_pt_/);
    const ttl = Date.parse(r.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(3500_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    const claims = await verifyApiToken(t.deps.config, r.body.token);
    expect(claims).toMatchObject({ typ: "participant", sub: r.body.participant.id, org: a.org.id, name: "Grace Hopper" });
  });

  it("updates the same participant for the same externalId, keeping a stored email when none is sent", async () => {
    const first = await createParticipantToken(t, a.secretKey, { externalId: "same", name: "Old", email: "p@example.com" });
    const second = await createParticipantToken(t, a.secretKey, { externalId: "same", name: "New" });
    expect(second.participant).toMatchObject({ id: first.participant.id, name: "New", email: "p@example.com" });
    // Another organization's participant with the same external id is a different person.
    const other = await createParticipantToken(t, b.secretKey, { externalId: "same", name: "Other" });
    expect(other.participant.id).not.toBe(first.participant.id);
  });

  it("agrees on one participant when 20 requests for a new externalId race", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => mint(a.secretKey, { externalId: "racer", name: `Racer ${i}` })));
    const bodies = results.map((r) => expectStatus<ParticipantToken>(r, 201));
    expect(new Set(bodies.map((b) => b.participant.id)).size).toBe(1);
    const rows = await t.deps.db.select().from(participants).where(eq(participants.externalId, "racer"));
    expect(rows).toHaveLength(1);
  });

  it("is for secret keys only", async () => {
    const body = { externalId: "x", name: "X" };
    for (const token of [a.ownerToken, a.participantToken]) expectProblem(await mint(token, body), 403, "permission_denied");
    expectProblem(
      await call(t, "POST", "/v1/participant-tokens", { token: a.publishableKey, headers: { origin: TEST_ORIGIN }, body }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "POST", "/v1/participant-tokens", { body }), 401, "authentication_required");
  });

  it("refuses a lifetime out of range and a missing name", async () => {
    for (const ttlSeconds of [59, 60 * 60 * 24 * 30 + 1, 1.5]) {
      const p = expectProblem(await mint(a.secretKey, { externalId: "x", name: "X", ttlSeconds }), 400, "validation_failed");
      expect(p.errors?.[0]?.path).toBe("body.ttlSeconds");
    }
    expectProblem(await mint(a.secretKey, { externalId: "x" }), 400, "validation_failed");
  });
});

describe("participant tokens as credentials", () => {
  it("identify the participant, and are refused with token_expired once expired", async () => {
    let now = Date.now();
    const timed = await createTestApp({ now: () => now });
    try {
      const org = await newOrg(timed);
      // Minted two hours ago with a one-minute lifetime: expired by the real clock.
      now = Date.now() - 2 * 60 * 60 * 1000;
      const expired = await createParticipantToken(timed, org.secretKey, { externalId: "late", name: "Late", ttlSeconds: 60 });
      expect(Date.parse(expired.expiresAt)).toBeLessThan(Date.now());
      expectProblem(await call(timed, "GET", "/v1/organization", { token: expired.token }), 401, "token_expired");

      now = Date.now();
      const fresh = await createParticipantToken(timed, org.secretKey, { externalId: "late", name: "Late", ttlSeconds: 60 });
      // Accepted as a participant (the organization route is for organizers, hence 403, not 401).
      expectProblem(await call(timed, "GET", "/v1/organization", { token: fresh.token }), 403, "permission_denied");
    } finally {
      timed.close();
    }
  });

  it("cannot pass for an organizer's access token, nor the other way round", async () => {
    const bare = a.participantToken.slice("gk_pt_".length);
    expectProblem(await call(t, "GET", "/v1/organization", { token: bare }), 401, "invalid_token");
    expectProblem(await call(t, "GET", "/v1/organization", { token: `gk_pt_${a.ownerToken}` }), 401, "invalid_token");
  });
});
