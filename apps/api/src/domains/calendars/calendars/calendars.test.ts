import type { Calendar, Connection } from "@gatherkit/core";
import { calendarConnections } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectedClient, consent } from "../../../../test/calendar-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { type GoogleStandIn, startGoogleStandIn } from "../../../../test/google-standin.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let g: GoogleStandIn;
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
/** Added to the app's clock (deps.now) to move time on without waiting. */
let offset = 0;

beforeAll(async () => {
  g = await startGoogleStandIn();
  g.separateAccounts = true;
  let last = 0;
  t = await createTestApp({
    env: { ...g.env, CALENDAR_LIST_TTL_SECONDS: "60" },
    now: () => {
      last = Math.max(Date.now() + offset, last + 1);
      return last;
    },
  });
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(async () => {
  t.close();
  await g.close();
});
beforeEach(() => {
  g.script = () => undefined;
});

/** calendarList requests the stand-in received (every page, every retry). */
const googleLists = () => g.received.filter((r) => r.method === "GET" && r.path.endsWith("/calendarList")).length;
const list = (clientId: string, token = org.secretKey) => call(t, "GET", `/v1/clients/${clientId}/calendars`, { token });
const connection = async (clientId: string, token = org.secretKey) =>
  expectStatus<Connection>(await call(t, "GET", `/v1/clients/${clientId}/connection`, { token }), 200);

describe("the calendar list cache", () => {
  it("asks Google once within CALENDAR_LIST_TTL_SECONDS, and again after it (with the Age of what it served)", async () => {
    const client = await connectedClient(t, org);
    const before = googleLists();
    const first = await list(client.id);
    const fresh = expectStatus<{ data: Calendar[] }>(first, 200);
    expect(first.headers.get("age")).toBe("0");
    expect(fresh.data.some((c) => c.primary)).toBe(true);
    expect(googleLists() - before).toBe(1);

    offset += 30_000;
    const second = await list(client.id);
    expect(expectStatus<{ data: Calendar[] }>(second, 200)).toEqual(fresh);
    expect(Number(second.headers.get("age"))).toBeGreaterThanOrEqual(30);
    expect(Number(second.headers.get("age"))).toBeLessThan(60);
    expect(second.headers.get("cache-control")).toBe("no-store");
    expect(googleLists() - before).toBe(1);

    offset += 31_000;
    const third = await list(client.id);
    expect(expectStatus<{ data: Calendar[] }>(third, 200)).toEqual(fresh);
    expect(third.headers.get("age")).toBe("0");
    expect(googleLists() - before).toBe(2);
  });

  it("drops the list on disconnect (answering 409, not the cached list) and asks Google again after reconnecting", async () => {
    const client = await connectedClient(t, org);
    const before = googleLists();
    const old = expectStatus<{ data: Calendar[] }>(await list(client.id), 200);
    expect((await call(t, "DELETE", `/v1/clients/${client.id}/connection`, { token: org.ownerToken })).status).toBe(204);
    expectProblem(await list(client.id), 409, "calendar_not_connected");
    expect(googleLists() - before).toBe(1);

    // Reconnected (to another Google account, so another primary calendar): a new list at once.
    expect((await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken })).status).toBe(302);
    const now = expectStatus<{ data: Calendar[] }>(await list(client.id), 200);
    expect(googleLists() - before).toBe(2);
    const primary = (l: { data: Calendar[] }) => l.data.find((c) => c.primary)?.id;
    expect(primary(now)).not.toBe(primary(old));
    expect(primary(now)).toBe((await connection(client.id)).accountEmail);
  });

  it("drops the list when the connection turns invalid (a refused refresh)", async () => {
    const client = await connectedClient(t, org);
    expect((await list(client.id)).status).toBe(200);
    const before = googleLists();
    // Google refuses the refresh token; an uncached call finds out and marks the connection invalid.
    g.script = (r) =>
      r.path === "/token" && new URLSearchParams(r.body).get("grant_type") === "refresh_token"
        ? { status: 400, body: { error: "invalid_grant", error_description: "Token has been expired or revoked." } }
        : undefined;
    // The access token is due for a refresh (the cached list is still fresh).
    await t.deps.db
      .update(calendarConnections)
      .set({ expiresAt: t.deps.now() + 30_000 })
      .where(eq(calendarConnections.clientId, client.id));
    expectProblem(
      await call(t, "GET", `/v1/clients/${client.id}/calendars/primary/events`, { token: org.secretKey }),
      409,
      "calendar_connection_invalid",
    );
    expectProblem(await list(client.id), 409, "calendar_connection_invalid");
    expect(googleLists() - before).toBe(0);
  });

  it("never serves one organization's cached list to another; each connection has its own", async () => {
    const mine = await connectedClient(t, org);
    const theirs = await connectedClient(t, other);
    const before = googleLists();
    const a = expectStatus<{ data: Calendar[] }>(await list(mine.id), 200);
    // Another organization asking for this client (cached now) gets a 404 and Google is not asked.
    expectProblem(await list(mine.id, other.secretKey), 404, "not_found");
    expect(googleLists() - before).toBe(1);
    // Its own client's list comes from Google, with its own account's primary calendar.
    const b = expectStatus<{ data: Calendar[] }>(await list(theirs.id, other.secretKey), 200);
    expect(googleLists() - before).toBe(2);
    expect(b.data.find((c) => c.primary)?.id).not.toBe(a.data.find((c) => c.primary)?.id);
    // Both stay cached, each for its own organization.
    expect(expectStatus<{ data: Calendar[] }>(await list(mine.id), 200)).toEqual(a);
    expect(expectStatus<{ data: Calendar[] }>(await list(theirs.id, other.secretKey), 200)).toEqual(b);
    expect(googleLists() - before).toBe(2);
  });

  it("asks Google every time with CALENDAR_LIST_TTL_SECONDS=0", async () => {
    const client = await connectedClient(t, org);
    const ttl = t.deps.config.calendars.calendarListTtlSeconds;
    t.deps.config.calendars.calendarListTtlSeconds = 0;
    try {
      const before = googleLists();
      for (let i = 0; i < 3; i++) expect((await list(client.id)).status).toBe(200);
      expect(googleLists() - before).toBe(3);
    } finally {
      t.deps.config.calendars.calendarListTtlSeconds = ttl;
    }
  });
});

describe("quota use per connection", () => {
  const rate429 = { status: 429, headers: { "retry-after": "0" }, body: { error: { code: 429, message: "Too Many Requests" } } };

  it("counts Google calls, rate-limited answers and back-offs of the UTC day on the connection", async () => {
    const client = await connectedClient(t, org);
    const control = await connectedClient(t, other);
    const start = await connection(client.id);
    expect(start.quota).toEqual({
      day: new Date(t.deps.now()).toISOString().slice(0, 10),
      callsToday: 0,
      rateLimitedToday: 0,
      backoffsToday: 0,
      lastRateLimitedAt: null,
    });

    // Google answers 429 once, then 200: two calls, one rate-limited, one back-off.
    let once = true;
    g.script = (r) => {
      if (r.path.endsWith("/calendarList") && once) {
        once = false;
        return rate429;
      }
      return undefined;
    };
    expect((await list(client.id)).status).toBe(200);
    const after = (await connection(client.id)).quota;
    expect(after).toMatchObject({ callsToday: 2, rateLimitedToday: 1, backoffsToday: 1 });
    expect(after.lastRateLimitedAt).not.toBeNull();

    // Another call adds to the same day's counters; a cached list costs nothing.
    expect((await call(t, "GET", `/v1/clients/${client.id}/calendars/primary/events`, { token: org.secretKey })).status).toBe(200);
    expect((await list(client.id)).status).toBe(200);
    expect((await connection(client.id)).quota).toMatchObject({ callsToday: 3, rateLimitedToday: 1, backoffsToday: 1 });
    // The other organization's connection counted nothing.
    expect((await connection(control.id, other.secretKey)).quota).toMatchObject({ callsToday: 0, rateLimitedToday: 0 });

    // The next UTC day starts again from zero (the last rate limit stays known).
    offset += 24 * 3600_000;
    const nextDay = (await connection(client.id)).quota;
    expect(nextDay).toMatchObject({ callsToday: 0, rateLimitedToday: 0, backoffsToday: 0, lastRateLimitedAt: after.lastRateLimitedAt });
    expect(nextDay.day).not.toBe(after.day);
    expect((await call(t, "GET", `/v1/clients/${client.id}/calendars/primary/events`, { token: org.secretKey })).status).toBe(200);
    expect((await connection(client.id)).quota).toMatchObject({ callsToday: 1, rateLimitedToday: 0, backoffsToday: 0 });
  });

  it("loses no count when many calls of one connection finish at once", async () => {
    const client = await connectedClient(t, org);
    const before = (await connection(client.id)).quota.callsToday;
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => call(t, "GET", `/v1/clients/${client.id}/calendars/primary/events`, { token: org.secretKey })),
    );
    for (const r of answers) expect(r.status).toBe(200);
    expect((await connection(client.id)).quota.callsToday - before).toBe(16);
  });

  it("counts every attempt of a call Google keeps refusing", async () => {
    const client = await connectedClient(t, org);
    g.script = (r) => (r.path.endsWith("/events") ? rate429 : undefined);
    expectProblem(
      await call(t, "GET", `/v1/clients/${client.id}/calendars/primary/events`, { token: org.secretKey }),
      503,
      "calendar_rate_limited",
    );
    expect((await connection(client.id)).quota).toMatchObject({ callsToday: 4, rateLimitedToday: 4, backoffsToday: 3 });
  });
});
