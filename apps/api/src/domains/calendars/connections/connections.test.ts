import { readFileSync } from "node:fs";
import type { Connection } from "@gatherkit/core";
import { calendarConnections, calendarOauthStates } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectedClient, consent, newClient, RETURN_TO } from "../../../../test/calendar-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, outboxEmails, type TestOrg } from "../../../../test/fixtures.js";
import { type GoogleStandIn, STANDIN_ACCOUNT, STANDIN_CLIENT_ID, startGoogleStandIn } from "../../../../test/google-standin.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

const ORG_APP_ID = "org-own-app.apps.googleusercontent.com";
const ORG_APP_SECRET = "org-own-secret-9876543210";

let g: GoogleStandIn;
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let offset = 0;

beforeAll(async () => {
  g = await startGoogleStandIn({ [STANDIN_CLIENT_ID]: "platform-app-secret-0123456789", [ORG_APP_ID]: ORG_APP_SECRET });
  let last = 0;
  t = await createTestApp({
    env: g.env,
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
  g.consent = "allow";
  g.refreshDelayMs = 0;
  delete g.grantScopes;
});

const connection = async (clientId: string) =>
  expectStatus<Connection>(await call(t, "GET", `/v1/clients/${clientId}/connection`, { token: org.secretKey }), 200);
const rowOf = async (clientId: string) =>
  (await t.deps.db.select().from(calendarConnections).where(eq(calendarConnections.clientId, clientId)))[0];

describe("connecting a client's Google account", () => {
  it("sends the organizer to Google's consent with PKCE and offline access, then stores the tokens and returns to the page", async () => {
    const client = await newClient(t, org);
    expect(await connection(client.id)).toMatchObject({ status: "not_connected", isValid: false, app: "platform" });
    const r = await call(t, "POST", `/v1/clients/${client.id}/connection/authorize`, {
      token: org.ownerToken,
      body: { returnTo: RETURN_TO },
    });
    const { url } = expectStatus<{ url: string }>(r, 200);
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe(`${g.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: "code",
      client_id: STANDIN_CLIENT_ID,
      redirect_uri: "http://api.test/v1/calendar-connections/callback",
      code_challenge_method: "S256",
      access_type: "offline",
      include_granted_scopes: "true",
    });
    expect(u.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(u.searchParams.get("scope")).toContain("https://www.googleapis.com/auth/calendar");

    const res = await fetch(url, { redirect: "manual" });
    const back = new URL(res.headers.get("location") ?? "");
    const cb = await call(t, "GET", `${back.pathname}${back.search}`, { token: org.ownerToken });
    expect(cb.status).toBe(302);
    expect(cb.headers.get("location")).toBe("https://dashboard.example/clients?tab=calendar&calendar_connection=connected");
    const conn = await connection(client.id);
    expect(conn).toMatchObject({ status: "valid", isValid: true, accountEmail: STANDIN_ACCOUNT, invalidReason: null });
    expect(conn.grantedScopes).toContain("https://www.googleapis.com/auth/calendar");
    expect(Date.parse(conn.expiresAt ?? "")).toBeGreaterThan(Date.now());
    expect(JSON.stringify(conn)).not.toMatch(/standin-(refresh|code)|ya29/);
    const listed = expectStatus<{ connected: boolean }>(await call(t, "GET", `/v1/clients/${client.id}`, { token: org.secretKey }), 200);
    expect(listed.connected).toBe(true);
  });

  it("keeps every token and secret encrypted: none is in the database file", async () => {
    const client = await newClient(t, org);
    expectStatus(
      await call(t, "PUT", `/v1/clients/${client.id}/connection`, {
        token: org.ownerToken,
        body: { app: "organization", oauthClientId: ORG_APP_ID, oauthClientSecret: ORG_APP_SECRET },
      }),
      200,
    );
    const cb = await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken });
    expect(cb.status).toBe(302);
    // The organization's own app exchanged the code (client credentials in the Basic header).
    const exchange = g.received.filter((r) => r.path === "/token").at(-1);
    expect(Buffer.from(String(exchange?.headers.authorization).slice(6), "base64").toString()).toBe(`${ORG_APP_ID}:${ORG_APP_SECRET}`);
    const row = await rowOf(client.id);
    expect(row?.accessTokenEnc).toMatch(/^v1\.k2\./);
    expect(row?.refreshTokenEnc).toMatch(/^v1\.k2\./);
    expect(row?.oauthClientSecretEnc).toMatch(/^v1\.k2\./);

    await t.deps.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
    const [file] = (await t.deps.db.all<{ file: string }>(sql`PRAGMA database_list`)).filter((d) => d.file);
    const bytes = [file?.file, `${file?.file}-wal`].map((f) => {
      try {
        return readFileSync(String(f)).toString("latin1");
      } catch {
        return "";
      }
    });
    expect(g.issuedTokens.length).toBeGreaterThan(1);
    for (const secret of [...g.issuedTokens, ORG_APP_SECRET]) {
      for (const b of bytes) expect(b.includes(secret)).toBe(false);
    }
    // The control: the file does hold what is stored in plaintext.
    expect(bytes[0]?.includes(ORG_APP_ID)).toBe(true);
    // And the API never answers the secret.
    expect(JSON.stringify(await connection(client.id))).not.toContain(ORG_APP_SECRET);
  });

  it("answers a declined consent by returning to the page with the reason, connecting nothing", async () => {
    const client = await newClient(t, org);
    g.consent = "deny";
    const cb = await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken });
    expect(cb.headers.get("location")).toBe(`${RETURN_TO}&calendar_connection=failed&reason=access_denied`);
    expect((await connection(client.id)).status).toBe("not_connected");
  });

  it("refuses a consent that did not grant the calendar scope", async () => {
    const client = await newClient(t, org);
    g.grantScopes = ["openid", "email"];
    const cb = await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken });
    expect(cb.headers.get("location")).toContain("calendar_connection=failed&reason=calendar_scope_not_granted");
    expect((await connection(client.id)).status).toBe("not_connected");
    expect((await rowOf(client.id))?.refreshTokenEnc).toBeNull();
  });
});

describe("the OAuth state", () => {
  it("refuses a missing, forged, replayed, expired or someone else's state, writing no token", async () => {
    const client = await newClient(t, org);
    const noTokens = async () => {
      const row = await rowOf(client.id);
      expect({ status: row?.status, access: row?.accessTokenEnc ?? null, refresh: row?.refreshTokenEnc ?? null }).toEqual({
        status: "not_connected",
        access: null,
        refresh: null,
      });
    };
    expectProblem(await call(t, "GET", "/v1/calendar-connections/callback?code=x"), 400, "oauth_state_invalid");
    const forged = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJjb3NfMDEyMzQ1Njc4OWFiY2RlZmdoamsifQ.c2lnbmF0dXJl";
    expectProblem(await call(t, "GET", `/v1/calendar-connections/callback?code=x&state=${forged}`), 400, "oauth_state_invalid");

    // Issued to the owner: another member of the same organization, another organization's owner,
    // or nobody signed in cannot complete it.
    const admin = await addMember(t, org, "admin");
    const cb = await consent(t, org.ownerToken, client.id);
    expectProblem(await call(t, "GET", cb, { token: admin.accessToken }), 403, "oauth_state_invalid");
    expectProblem(await call(t, "GET", cb, { token: other.ownerToken }), 403, "oauth_state_invalid");
    expectProblem(await call(t, "GET", cb), 403, "oauth_state_invalid");
    await noTokens();
    // The owner completes it once; a replay is refused.
    expect((await call(t, "GET", cb, { token: org.ownerToken })).status).toBe(302);
    expectProblem(await call(t, "GET", cb, { token: org.ownerToken }), 409, "oauth_state_used");

    // Expired: the consent took longer than the state's lifetime.
    const late = await newClient(t, org);
    const lateCb = await consent(t, org.ownerToken, late.id);
    offset += 11 * 60_000;
    try {
      expectProblem(await call(t, "GET", lateCb, { token: org.ownerToken }), 400, "oauth_state_expired");
    } finally {
      offset -= 11 * 60_000;
    }
    expect((await rowOf(late.id))?.refreshTokenEnc).toBeNull();
  });

  it("binds a state a secret key started to that key's organization", async () => {
    const client = await newClient(t, org);
    const cb = await consent(t, org.secretKey, client.id);
    expectProblem(await call(t, "GET", cb, { token: other.secretKey }), 403, "oauth_state_invalid");
    expect((await call(t, "GET", cb)).status).toBe(302);
    expect((await connection(client.id)).status).toBe("valid");
  });

  it("refuses bad authorize input and other organizations' clients", async () => {
    const client = await newClient(t, org);
    for (const returnTo of ["javascript:alert(1)", "not a url", ""]) {
      expectProblem(
        await call(t, "POST", `/v1/clients/${client.id}/connection/authorize`, { token: org.ownerToken, body: { returnTo } }),
        400,
        "validation_failed",
      );
    }
    expectProblem(
      await call(t, "POST", `/v1/clients/${client.id}/connection/authorize`, { token: other.ownerToken, body: { returnTo: RETURN_TO } }),
      404,
      "not_found",
    );
    expectProblem(
      await call(t, "PUT", `/v1/clients/${client.id}/connection`, {
        token: org.ownerToken,
        body: { app: "organization", oauthClientId: "x" },
      }),
      400,
      "validation_failed",
    );
    expectProblem(
      await call(t, "PUT", `/v1/clients/${client.id}/connection`, { token: org.ownerToken, body: { app: "platform", scopes: ["email"] } }),
      400,
      "validation_failed",
    );
    const states = await t.deps.db.select().from(calendarOauthStates).where(eq(calendarOauthStates.clientId, client.id));
    expect(states).toHaveLength(0);
  });
});

describe("tokens that refresh themselves", () => {
  // The calendar list is these tests' way to reach Google: every list must go there, uncached.
  let ttl = 0;
  beforeAll(() => {
    ttl = t.deps.config.calendars.calendarListTtlSeconds;
    t.deps.config.calendars.calendarListTtlSeconds = 0;
  });
  afterAll(() => {
    t.deps.config.calendars.calendarListTtlSeconds = ttl;
  });
  const expireSoon = (clientId: string) =>
    t.deps.db
      .update(calendarConnections)
      .set({ expiresAt: Date.now() + offset + 30_000 })
      .where(eq(calendarConnections.clientId, clientId));
  const burst = (clientId: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => call(t, "GET", `/v1/clients/${clientId}/calendars`, { token: org.secretKey })));

  it("refreshes once for many concurrent requests (control: a fresh token refreshes none)", async () => {
    const client = await connectedClient(t, org);
    // Control: the same burst with a token far from expiry refreshes nothing, and every request reaches Google.
    let refreshes = g.refreshes;
    let lists = g.received.filter((r) => r.path.endsWith("/calendarList")).length;
    for (const r of await burst(client.id, 12)) expect(r.status).toBe(200);
    expect(g.refreshes - refreshes).toBe(0);
    expect(g.received.filter((r) => r.path.endsWith("/calendarList")).length - lists).toBe(12);

    await expireSoon(client.id);
    g.refreshDelayMs = 150;
    refreshes = g.refreshes;
    lists = g.received.filter((r) => r.path.endsWith("/calendarList")).length;
    const answers = await burst(client.id, 12);
    for (const r of answers) expect(r.status).toBe(200);
    expect(g.refreshes - refreshes).toBe(1);
    expect(g.received.filter((r) => r.path.endsWith("/calendarList")).length - lists).toBe(12);
    expect(Date.parse((await connection(client.id)).expiresAt ?? "")).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it("refreshes on a 401 and retries once", async () => {
    const client = await connectedClient(t, org);
    let once = true;
    g.script = (r) => {
      if (r.path.endsWith("/calendarList") && once) {
        once = false;
        return { status: 401, body: { error: { code: 401, message: "Invalid Credentials", errors: [{ reason: "authError" }] } } };
      }
      return undefined;
    };
    const refreshes = g.refreshes;
    const r = await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey });
    expect(r.status).toBe(200);
    expect(g.refreshes - refreshes).toBe(1);
  });

  it("marks the connection invalid when Google refuses the refresh (invalid_grant)", async () => {
    const client = await connectedClient(t, org);
    const keep = await connectedClient(t, other);
    const row = await rowOf(client.id);
    // The account holder removed the app's access at Google: this client's grant is gone.
    g.script = (r) => {
      if (r.path === "/token" && new URLSearchParams(r.body).get("grant_type") === "refresh_token") {
        return { status: 400, body: { error: "invalid_grant", error_description: "Token has been expired or revoked." } };
      }
      return undefined;
    };
    await expireSoon(client.id);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey }), 409, "calendar_connection_invalid");
    const conn = await connection(client.id);
    expect(conn).toMatchObject({ status: "invalid", isValid: false });
    expect(conn.invalidReason).toContain("invalid_grant");
    const after = await rowOf(client.id);
    expect({ access: after?.accessTokenEnc, refresh: after?.refreshTokenEnc }).toEqual({ access: null, refresh: null });
    expect(after?.tokenVersion).toBe((row?.tokenVersion ?? 0) + 1);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey }), 409, "calendar_connection_invalid");
    // The organizer who connected it hears how to reconnect: in their inbox and by email.
    const inbox = expectStatus<{ data: { kind: string; title: string; body: string }[] }>(
      await call(t, "GET", "/v1/inbox", { token: org.ownerToken }),
      200,
    );
    expect(inbox.data.filter((i) => i.kind === "calendar_connection_invalid")).toHaveLength(1);
    expect(inbox.data.find((i) => i.kind === "calendar_connection_invalid")?.body).toContain(
      `/v1/clients/${client.id}/connection/authorize`,
    );
    expect(await outboxEmails(t, org.user.email, "calendar_connection_invalid")).toHaveLength(1);
    // Another organization's connection is untouched.
    g.script = () => undefined;
    expect((await call(t, "GET", `/v1/clients/${keep.id}/calendars`, { token: other.secretKey })).status).toBe(200);
    // Connecting again makes it valid.
    expect((await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken })).status).toBe(302);
    expect((await connection(client.id)).status).toBe("valid");
  });
});

describe("a retired CALENDAR_TOKEN_KEY", () => {
  it("answers 409 calendar_connection_invalid (not a 500), marks the connection invalid and tells the organizer; reconnecting works", async () => {
    const client = await connectedClient(t, org);
    const keep = await connectedClient(t, org);
    const before = t.deps.config.calendars;
    // The operator rotated the key and dropped the old one before every token was re-sealed.
    const fresh = { currentKeyId: "k-new", keys: { "k-new": Buffer.alloc(32, 7).toString("base64") } };
    t.deps.config.calendars = { ...before, tokenKeys: fresh };
    try {
      const r = await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey });
      expectProblem(r, 409, "calendar_connection_invalid");
      expect(String((r.body as { detail: string }).detail)).toContain("Connect it again");
      const conn = await connection(client.id);
      expect(conn).toMatchObject({ status: "invalid", isValid: false });
      expect(conn.invalidReason).toContain("retired");
      const row = await rowOf(client.id);
      expect({ access: row?.accessTokenEnc, refresh: row?.refreshTokenEnc }).toEqual({ access: null, refresh: null });
      const inbox = expectStatus<{ data: { kind: string; body: string }[] }>(
        await call(t, "GET", "/v1/inbox", { token: org.ownerToken }),
        200,
      );
      expect(inbox.data.some((i) => i.kind === "calendar_connection_invalid" && i.body.includes(client.id))).toBe(true);
      // Disconnecting still works (nothing to revoke that can be read), and reconnecting makes it valid under the new key.
      expect((await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken })).status).toBe(302);
      expect((await connection(client.id)).status).toBe("valid");
      expect((await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey })).status).toBe(200);
      expect((await rowOf(client.id))?.refreshTokenEnc?.split(".")[1]).toBe("k-new");
    } finally {
      t.deps.config.calendars = before;
    }
    // Control: with the old key back, an untouched connection works as before.
    expect((await call(t, "GET", `/v1/clients/${keep.id}/calendars`, { token: org.secretKey })).status).toBe(200);
  });

  it("refuses a consent started under a retired key with a 400, not a 500", async () => {
    const client = await newClient(t, org);
    const callback = await consent(t, org.ownerToken, client.id);
    const before = t.deps.config.calendars;
    t.deps.config.calendars = {
      ...before,
      tokenKeys: { currentKeyId: "k-new", keys: { "k-new": Buffer.alloc(32, 9).toString("base64") } },
    };
    try {
      expectProblem(await call(t, "GET", callback, { token: org.ownerToken }), 400, "oauth_state_invalid");
    } finally {
      t.deps.config.calendars = before;
    }
  });
});

describe("disconnecting", () => {
  it("revokes the token at Google and deletes it", async () => {
    const client = await connectedClient(t, org);
    const revoked = g.revoked.length;
    expect((await call(t, "DELETE", `/v1/clients/${client.id}/connection`, { token: org.ownerToken })).status).toBe(204);
    expect(g.revoked.length).toBe(revoked + 1);
    expect(g.issuedTokens).toContain(g.revoked.at(-1));
    const row = await rowOf(client.id);
    expect({ status: row?.status, access: row?.accessTokenEnc, refresh: row?.refreshTokenEnc }).toEqual({
      status: "not_connected",
      access: null,
      refresh: null,
    });
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}/calendars`, { token: org.secretKey }), 409, "calendar_not_connected");
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}/connection`, { token: org.ownerToken }), 409, "calendar_not_connected");
  });

  it("is for owners and admins of the client's organization", async () => {
    const client = await connectedClient(t, org);
    const staff = await addMember(t, org, "staff");
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}/connection`, { token: staff.accessToken }), 403, "permission_denied");
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}/connection`, { token: other.ownerToken }), 404, "not_found");
    expect((await connection(client.id)).status).toBe("valid");
  });
});

describe("without configuration", () => {
  it("answers 503 calendars_not_configured when no CALENDAR_TOKEN_KEY is set", async () => {
    const bare = await createTestApp();
    try {
      const o = await newOrg(bare);
      const client = await newClient(bare, o);
      expectProblem(
        await call(bare, "POST", `/v1/clients/${client.id}/connection/authorize`, { token: o.ownerToken, body: { returnTo: RETURN_TO } }),
        503,
        "calendars_not_configured",
      );
    } finally {
      bare.close();
    }
  });
});
