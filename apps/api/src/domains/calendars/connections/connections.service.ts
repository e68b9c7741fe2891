import { type Connection, DEFAULT_CALENDAR_SCOPES, GOOGLE_CALENDAR_SCOPE, newId, type SetConnectionApp } from "@gatherkit/core";
import { calendarConnections, calendarOauthStates } from "@gatherkit/db";
import { CodeChallengeMethod, generateCodeVerifier, OAuth2RequestError, type OAuth2Tokens } from "arctic";
import { and, eq, isNull } from "drizzle-orm";
import { errors, jwtVerify, SignJWT } from "jose";
import { ApiError } from "../../../lib/errors.js";
import { answerOnCommit, rerunOnRetry } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, requireStaff } from "../access.js";
import { forgetCalendars } from "../calendars/calendar-list-cache.js";
import { type ConnectionRow, oauthClientOf, quotaDayOf, secretAad, tokenColumns } from "../google.js";
import { openSecret, SecretUnreadable, sealSecret, tokenKeys } from "../secrets.js";

const STATE_AUDIENCE = "gatherkit-calendar-oauth";

async function connectionRow(deps: Deps, orgId: string, clientId: string): Promise<ConnectionRow | undefined> {
  const [row] = await deps.db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.clientId, clientId), eq(calendarConnections.orgId, orgId)))
    .limit(1);
  return row;
}

function toConnection(clientId: string, row: ConnectionRow | undefined, now: number): Connection {
  const status = row?.status ?? "not_connected";
  const day = quotaDayOf(now);
  const today = row?.quotaDay === day;
  return {
    clientId,
    app: row?.app ?? "platform",
    oauthClientId: row?.app === "organization" ? row.oauthClientId : null,
    scopes: row?.scopes ?? [...DEFAULT_CALENDAR_SCOPES],
    status,
    isValid: status === "valid",
    grantedScopes: status === "valid" ? (row?.grantedScopes ?? []) : [],
    accountEmail: status === "not_connected" ? null : (row?.accountEmail ?? null),
    expiresAt: status === "valid" ? toIso(row?.expiresAt ?? null) : null,
    invalidReason: status === "invalid" ? (row?.invalidReason ?? null) : null,
    connectedAt: status === "not_connected" ? null : toIso(row?.connectedAt ?? null),
    quota: {
      day,
      callsToday: today ? (row?.quotaCalls ?? 0) : 0,
      rateLimitedToday: today ? (row?.quotaRateLimited ?? 0) : 0,
      backoffsToday: today ? (row?.quotaBackoffs ?? 0) : 0,
      lastRateLimitedAt: toIso(row?.quotaLastRateLimitedAt ?? null),
    },
  };
}

export async function getConnection(deps: Deps, caller: Caller | null, clientId: string): Promise<Connection> {
  const client = await loadClient(deps, caller, clientId);
  return toConnection(clientId, await connectionRow(deps, client.orgId, clientId), deps.now());
}

/**
 * Chooses the OAuth app that connects the client. Another app than the current one drops the
 * current connection (revoked at Google): its tokens belong to the old app.
 */
export async function setApp(deps: Deps, caller: Caller | null, clientId: string, input: SetConnectionApp): Promise<Connection> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  const cfg = deps.config.calendars;
  const current = await connectionRow(deps, staff.orgId, clientId);
  const oauthClientId = input.app === "organization" ? input.oauthClientId : null;
  const sameApp = current && current.app === input.app && current.oauthClientId === oauthClientId;
  if (current && !sameApp && current.status !== "not_connected") await disconnect(deps, caller, clientId, { quiet: true });
  const secretEnc =
    input.app === "organization" ? await sealSecret(cfg, input.oauthClientSecret, secretAad(clientId, "oauth_client_secret")) : null;
  const now = deps.now();
  const values = {
    app: input.app,
    oauthClientId,
    oauthClientSecretEnc: secretEnc,
    scopes: input.scopes ?? [...DEFAULT_CALENDAR_SCOPES],
    updatedAt: now,
  };
  await deps.db
    .insert(calendarConnections)
    .values({ clientId, orgId: staff.orgId, status: "not_connected", grantedScopes: [], createdAt: now, ...values })
    .onConflictDoUpdate({ target: calendarConnections.clientId, set: values });
  return getConnection(deps, caller, clientId);
}

/** Who a state is bound to: the organizer or the secret key that started the connection. */
const callerKey = (caller: Caller) =>
  caller.kind === "user" ? `user:${caller.userId}` : caller.kind === "secret_key" ? `secret_key:${caller.keyId}` : `${caller.kind}`;

/**
 * Starts a connection: Google's consent URL (authorization code with PKCE S256, offline access,
 * incremental scopes) and a `state` that names a one-time row holding the code verifier
 * (encrypted) and the page to return to, signed and expiring, bound to the caller.
 */
export async function authorize(
  deps: Deps,
  caller: Caller | null,
  clientId: string,
  returnTo: string,
): Promise<{ url: string; expiresAt: string }> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  const cfg = deps.config.calendars;
  tokenKeys(cfg);
  const now = deps.now();
  let row = await connectionRow(deps, staff.orgId, clientId);
  if (!row) {
    // Creating the connection's row is idempotent: a retry after a crash here runs again.
    rerunOnRetry(deps);
    await deps.db
      .insert(calendarConnections)
      .values({
        clientId,
        orgId: staff.orgId,
        app: "platform",
        scopes: [...DEFAULT_CALENDAR_SCOPES],
        status: "not_connected",
        grantedScopes: [],
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing();
    row = await connectionRow(deps, staff.orgId, clientId);
    if (!row) throw new Error("connection row missing after insert");
  }
  const client = await oauthClientOf(deps, row);
  const verifier = generateCodeVerifier();
  const stateId = newId("oauthState");
  const expiresAt = now + cfg.oauthStateTtlSeconds * 1000;
  const state = await new SignJWT({ sid: stateId })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(deps.config.issuer)
    .setAudience(STATE_AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(new TextEncoder().encode(deps.config.jwtSecret));
  const url = client.createAuthorizationURLWithPKCE(cfg.google.authorizeUrl, state, CodeChallengeMethod.S256, verifier, row.scopes);
  url.searchParams.set("access_type", "offline");
  url.searchParams.set("include_granted_scopes", "true");
  url.searchParams.set("prompt", "consent");
  const answer = { url: url.href, expiresAt: toIso(expiresAt) };
  // The consent URL names the state stored here: sealed with it, a retry after a crash gets this URL (one state).
  answerOnCommit(deps, 200, answer);
  await deps.db.insert(calendarOauthStates).values({
    id: stateId,
    orgId: staff.orgId,
    clientId,
    issuedTo: callerKey(staff),
    codeVerifierEnc: await sealSecret(cfg, verifier, secretAad(clientId, `pkce:${stateId}`)),
    returnTo,
    expiresAt,
    createdAt: now,
  });
  return answer;
}

const stateInvalid = (detail: string) => new ApiError(400, "oauth_state_invalid", detail);

async function verifyState(deps: Deps, state: string | undefined): Promise<string> {
  if (!state) throw stateInvalid("The callback has no `state`: start the connection again.");
  try {
    const { payload } = await jwtVerify(state, new TextEncoder().encode(deps.config.jwtSecret), {
      algorithms: ["HS256"],
      issuer: deps.config.issuer,
      audience: STATE_AUDIENCE,
      currentDate: new Date(deps.now()),
      requiredClaims: ["exp", "sid"],
    });
    if (typeof payload.sid !== "string") throw stateInvalid("The `state` is not one this API issued.");
    return payload.sid;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof errors.JWTExpired) throw new ApiError(400, "oauth_state_expired", "The connection took too long: start it again.");
    throw stateInvalid("The `state` is not one this API issued.");
  }
}

/** Where the organizer's browser goes back to, with the outcome added. */
function returnUrl(returnTo: string, outcome: Record<string, string>): string {
  const u = new URL(returnTo);
  for (const [k, v] of Object.entries(outcome)) u.searchParams.set(k, v);
  return u.href;
}

/**
 * Google's redirect back. The state must be this API's, unexpired, unused and — when it was
 * issued to a signed-in organizer — come back with that organizer's session. It is used up
 * first (a replay is 409), then the code is exchanged with the stored verifier and the tokens
 * stored encrypted. Answers where to send the browser: the page the organizer came from.
 */
export async function callback(
  deps: Deps,
  caller: Caller | null,
  query: { state?: string | undefined; code?: string | undefined; error?: string | undefined; scope?: string | undefined },
): Promise<string> {
  const cfg = deps.config.calendars;
  const stateId = await verifyState(deps, query.state);
  const [state] = await deps.db.select().from(calendarOauthStates).where(eq(calendarOauthStates.id, stateId)).limit(1);
  if (!state) throw stateInvalid("The `state` is not one this API issued (or its client was deleted).");
  if (state.usedAt !== null) throw new ApiError(409, "oauth_state_used", "This consent was already used: a callback is accepted once.");
  if (state.expiresAt <= deps.now()) throw new ApiError(400, "oauth_state_expired", "The connection took too long: start it again.");
  // Issued to an organizer: the callback must carry that organizer's session (the Lax access
  // cookie travels with Google's redirect). Issued to a secret key (a server starts the flow for
  // someone's browser): no other organization's caller may complete it.
  const presented = caller ? callerKey(caller) : null;
  const boundToUser = state.issuedTo.startsWith("user:");
  if ((boundToUser && presented !== state.issuedTo) || (caller !== null && caller.orgId !== state.orgId)) {
    throw new ApiError(
      403,
      "oauth_state_invalid",
      "This consent was started by someone else: start the connection again while signed in as yourself.",
    );
  }
  const used = await deps.db
    .update(calendarOauthStates)
    .set({ usedAt: deps.now() })
    .where(and(eq(calendarOauthStates.id, stateId), isNull(calendarOauthStates.usedAt)))
    .returning({ id: calendarOauthStates.id });
  if (used.length === 0) throw new ApiError(409, "oauth_state_used", "This consent was already used: a callback is accepted once.");

  const fail = (reason: string) => returnUrl(state.returnTo, { calendar_connection: "failed", reason });
  if (query.error) return fail(/^[a-z_]{1,64}$/.test(query.error) ? query.error : "consent_error");
  if (!query.code) throw new ApiError(400, "oauth_denied", "The callback has neither a `code` nor an `error`.");
  const row = await connectionRow(deps, state.orgId, state.clientId);
  if (!row) throw stateInvalid("The client's connection was removed since the consent started.");
  const client = await oauthClientOf(deps, row);
  let verifier: string;
  try {
    verifier = await openSecret(cfg, state.codeVerifierEnc, secretAad(state.clientId, `pkce:${stateId}`));
  } catch (err) {
    if (!(err instanceof SecretUnreadable)) throw err;
    throw stateInvalid("This consent was started under a CALENDAR_TOKEN_KEY this server no longer has: start the connection again.");
  }
  let tokens: OAuth2Tokens;
  try {
    tokens = await client.validateAuthorizationCode(cfg.google.tokenUrl, query.code, verifier);
  } catch (err) {
    if (err instanceof OAuth2RequestError) return fail(/^[a-z_]{1,64}$/.test(err.code) ? err.code : "exchange_failed");
    deps.logger.warn("calendar code exchange failed", { clientId: state.clientId, error: err instanceof Error ? err.name : "unknown" });
    throw new ApiError(502, "calendar_unavailable", "Google did not answer the code exchange; start the connection again.");
  }
  const granted = tokens.hasScopes() ? tokens.scopes() : (query.scope ?? "").split(" ").filter(Boolean);
  if (!granted.some((s) => s === GOOGLE_CALENDAR_SCOPE || s.startsWith(`${GOOGLE_CALENDAR_SCOPE}.`))) {
    await revokeQuietly(deps, client, tokens.accessToken(), state.clientId);
    return fail("calendar_scope_not_granted");
  }
  if (!tokens.hasRefreshToken() && !row.refreshTokenEnc) {
    return fail("no_refresh_token");
  }
  const accountEmail = await accountEmailOf(deps, tokens.accessToken());
  const now = deps.now();
  await deps.db
    .update(calendarConnections)
    .set({
      ...(await tokenColumns(deps, state.clientId, tokens)),
      status: "valid",
      grantedScopes: granted,
      accountEmail,
      invalidReason: null,
      refreshLeaseUntil: null,
      tokenVersion: row.tokenVersion + 1,
      connectedAt: now,
      updatedAt: now,
    })
    .where(eq(calendarConnections.clientId, state.clientId));
  forgetCalendars(deps, { orgId: state.orgId, clientId: state.clientId });
  return returnUrl(state.returnTo, { calendar_connection: "connected" });
}

async function accountEmailOf(deps: Deps, accessToken: string): Promise<string | null> {
  try {
    const res = await fetch(deps.config.calendars.google.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) return null;
    const body = (await res.json()) as { email?: unknown };
    return typeof body.email === "string" ? body.email.slice(0, 254) : null;
  } catch {
    return null;
  }
}

async function revokeQuietly(
  deps: Deps,
  client: Awaited<ReturnType<typeof oauthClientOf>>,
  token: string,
  clientId: string,
): Promise<boolean> {
  try {
    await client.revokeToken(deps.config.calendars.google.revokeUrl, token);
    return true;
  } catch (err) {
    deps.logger.warn("calendar token revocation failed", { clientId, error: err instanceof Error ? err.name : "unknown" });
    return false;
  }
}

/**
 * Revokes the connection's token at Google (the refresh token, which revokes the grant) and
 * deletes the tokens. A revocation Google does not confirm is logged; the tokens are deleted anyway.
 */
export async function disconnect(deps: Deps, caller: Caller | null, clientId: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  const row = await connectionRow(deps, staff.orgId, clientId);
  if (!row || (row.status === "not_connected" && !row.refreshTokenEnc)) {
    if (opts.quiet) return;
    throw new ApiError(409, "calendar_not_connected", "This client has no Google connection to disconnect.");
  }
  const sealed = row.refreshTokenEnc ?? row.accessTokenEnc;
  if (sealed && deps.config.calendars.tokenKeys) {
    const column = row.refreshTokenEnc ? "refresh_token" : "access_token";
    try {
      const token = await openSecret(deps.config.calendars, sealed, secretAad(clientId, column));
      await revokeQuietly(deps, await oauthClientOf(deps, row), token, clientId);
    } catch (err) {
      deps.logger.warn("calendar token revocation skipped", { clientId, error: err instanceof Error ? err.name : "unknown" });
    }
  }
  await deps.db
    .update(calendarConnections)
    .set({
      status: "not_connected",
      accessTokenEnc: null,
      refreshTokenEnc: null,
      expiresAt: null,
      grantedScopes: [],
      accountEmail: null,
      invalidReason: null,
      refreshLeaseUntil: null,
      connectedAt: null,
      tokenVersion: row.tokenVersion + 1,
      updatedAt: deps.now(),
    })
    .where(eq(calendarConnections.clientId, clientId));
  forgetCalendars(deps, { orgId: staff.orgId, clientId });
}
