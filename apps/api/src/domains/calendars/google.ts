import { calendarConnections } from "@gatherkit/db";
import { OAuth2Client, OAuth2RequestError, type OAuth2Tokens } from "arctic";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { ApiError } from "../../lib/errors.js";
import { rootDb } from "../../lib/idempotent-writes.js";
import { deliverSoon } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { forgetCalendars } from "./calendars/calendar-list-cache.js";
import { connectionInvalidNotifications } from "./notify-invalid.js";
import { openSecret, SecretUnreadable, sealedWithOldKey, sealSecret } from "./secrets.js";

/**
 * Google, as the calendars domain uses it: the OAuth client of a connection (the platform's
 * default app or the organization's own, through arctic's generic OAuth2Client so every endpoint
 * comes from configuration), access tokens that refresh themselves once per connection however
 * many requests need them, and Calendar v3 calls with backoff and errors mapped to problem+json.
 */

export type ConnectionRow = typeof calendarConnections.$inferSelect;

/** Refresh when the access token has less than this left. */
export const REFRESH_BEFORE_MS = 2 * 60_000;
/** How long one refresh may hold the connection's lease before another request may take over. */
const REFRESH_LEASE_MS = 15_000;
const WAIT_STEP_MS = 25;

export const secretAad = (clientId: string, column: string) => `calendar:${clientId}:${column}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function redirectUri(deps: Deps): string {
  return `${deps.config.publicUrl}/v1/calendar-connections/callback`;
}

/** The OAuth client of the connection's app: the organization's own, or the platform's default. */
export async function oauthClientOf(deps: Deps, row: Pick<ConnectionRow, "clientId" | "app" | "oauthClientId" | "oauthClientSecretEnc">) {
  const cfg = deps.config.calendars;
  if (row.app === "organization") {
    if (!row.oauthClientId || !row.oauthClientSecretEnc)
      throw new ApiError(409, "calendar_not_connected", "The client's own OAuth app is incomplete.");
    let secret: string;
    try {
      secret = await openSecret(cfg, row.oauthClientSecretEnc, secretAad(row.clientId, "oauth_client_secret"));
    } catch (err) {
      if (!(err instanceof SecretUnreadable)) throw err;
      throw new ApiError(
        409,
        "calendar_connection_invalid",
        "The client's own OAuth app secret was sealed with a CALENDAR_TOKEN_KEY this server no longer has: set the app again (PUT …/connection), then connect it again.",
      );
    }
    return new OAuth2Client(row.oauthClientId, secret, redirectUri(deps));
  }
  if (!cfg.googleClientId || !cfg.googleClientSecret) {
    throw new ApiError(
      503,
      "calendars_not_configured",
      "This server has no default Google OAuth app (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET): set the organization's own app on the connection.",
    );
  }
  return new OAuth2Client(cfg.googleClientId, cfg.googleClientSecret, redirectUri(deps));
}

/** The token columns to write for tokens Google just gave (the refresh token kept when Google sends none). */
export async function tokenColumns(deps: Deps, clientId: string, tokens: OAuth2Tokens) {
  const cfg = deps.config.calendars;
  const expiresIn = Number((tokens.data as { expires_in?: unknown }).expires_in ?? 3600);
  return {
    accessTokenEnc: await sealSecret(cfg, tokens.accessToken(), secretAad(clientId, "access_token")),
    ...(tokens.hasRefreshToken()
      ? { refreshTokenEnc: await sealSecret(cfg, tokens.refreshToken(), secretAad(clientId, "refresh_token")) }
      : {}),
    expiresAt: deps.now() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000,
  };
}

async function loadConnection(deps: Deps, orgId: string, clientId: string): Promise<ConnectionRow> {
  const [row] = await deps.db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.clientId, clientId), eq(calendarConnections.orgId, orgId)))
    .limit(1);
  if (!row || row.status === "not_connected") {
    throw new ApiError(
      409,
      "calendar_not_connected",
      "This client has no Google connection: connect it first (POST …/connection/authorize).",
    );
  }
  if (row.status === "invalid") {
    throw new ApiError(
      409,
      "calendar_connection_invalid",
      `Google no longer accepts this client's connection (${row.invalidReason ?? "revoked"}): connect it again (POST …/connection/authorize).`,
    );
  }
  return row;
}

/**
 * A usable access token of the client's connection. Refreshes it when it expires within
 * REFRESH_BEFORE_MS, or when `staleVersion` says the token of that version was refused (a 401).
 * One refresh per connection at a time, across requests, processes and isolates: the request
 * that wins the connection's lease (a conditional UPDATE) refreshes; the others wait for the new
 * version and use it. A refresh Google refuses with `invalid_grant` marks the connection invalid.
 */
export async function accessToken(
  deps: Deps,
  orgId: string,
  clientId: string,
  staleVersion?: number,
): Promise<{ token: string; version: number }> {
  const cfg = deps.config.calendars;
  for (;;) {
    const row = await loadConnection(deps, orgId, clientId);
    const now = deps.now();
    const stale = staleVersion !== undefined && row.tokenVersion === staleVersion;
    if (row.accessTokenEnc && !stale && (row.expiresAt ?? 0) - now > REFRESH_BEFORE_MS) {
      try {
        return { token: await openSecret(cfg, row.accessTokenEnc, secretAad(clientId, "access_token")), version: row.tokenVersion };
      } catch (err) {
        if (!(err instanceof SecretUnreadable)) throw err;
        // The refresh token was sealed with the same key: the connection cannot be used again.
        throw await markInvalid(deps, row, retiredKeyReason(err));
      }
    }
    const won = await deps.db
      .update(calendarConnections)
      .set({ refreshLeaseUntil: now + REFRESH_LEASE_MS })
      .where(
        and(
          eq(calendarConnections.clientId, clientId),
          eq(calendarConnections.tokenVersion, row.tokenVersion),
          eq(calendarConnections.status, "valid"),
          or(isNull(calendarConnections.refreshLeaseUntil), lt(calendarConnections.refreshLeaseUntil, now)),
        ),
      )
      .returning({ clientId: calendarConnections.clientId });
    if (won.length === 0) {
      // Another request is refreshing: wait for its new version (or for its lease to run out).
      await sleep(WAIT_STEP_MS);
      staleVersion = row.tokenVersion;
      continue;
    }
    return refresh(deps, row);
  }
}

const retiredKeyReason = (err: SecretUnreadable) =>
  `its tokens were sealed with a retired CALENDAR_TOKEN_KEY (key id ${err.keyId.slice(0, 32)}) this server no longer has`;

/**
 * Marks the connection invalid (its tokens deleted, its version bumped so nothing in flight
 * writes over it), tells the organizer how to reconnect, and returns the 409 to throw.
 */
async function markInvalid(deps: Deps, row: ConnectionRow, reason: string): Promise<ApiError> {
  const notify = await connectionInvalidNotifications(deps, row.orgId, row.clientId);
  await deps.db.batch([
    deps.db
      .update(calendarConnections)
      .set({
        status: "invalid",
        invalidReason: reason,
        accessTokenEnc: null,
        refreshTokenEnc: null,
        expiresAt: null,
        refreshLeaseUntil: null,
        tokenVersion: row.tokenVersion + 1,
        updatedAt: deps.now(),
      })
      .where(and(eq(calendarConnections.clientId, row.clientId), eq(calendarConnections.tokenVersion, row.tokenVersion))),
    ...notify,
  ]);
  forgetCalendars(deps, row);
  deliverSoon(deps);
  deps.logger.warn("calendar connection invalid", { clientId: row.clientId, reason });
  return new ApiError(
    409,
    "calendar_connection_invalid",
    `Google can no longer be used for this client: ${reason}. Connect it again (POST …/connection/authorize).`,
  );
}

async function refresh(deps: Deps, row: ConnectionRow): Promise<{ token: string; version: number }> {
  const cfg = deps.config.calendars;
  const where = and(eq(calendarConnections.clientId, row.clientId), eq(calendarConnections.tokenVersion, row.tokenVersion));
  let tokens: OAuth2Tokens;
  try {
    if (!row.refreshTokenEnc) throw new OAuth2RequestError("invalid_grant", "no refresh token stored", null, null);
    const refreshToken = await openSecret(cfg, row.refreshTokenEnc, secretAad(row.clientId, "refresh_token"));
    const client = await oauthClientOf(deps, row);
    tokens = await client.refreshAccessToken(cfg.google.tokenUrl, refreshToken, []);
  } catch (err) {
    if (err instanceof OAuth2RequestError && err.code === "invalid_grant") {
      throw await markInvalid(deps, row, "Google refused the refresh token (invalid_grant): it was revoked or expired");
    }
    if (err instanceof SecretUnreadable) throw await markInvalid(deps, row, retiredKeyReason(err));
    await deps.db.update(calendarConnections).set({ refreshLeaseUntil: null }).where(where);
    if (err instanceof ApiError) throw err;
    deps.logger.warn("calendar token refresh failed", { clientId: row.clientId, error: err instanceof Error ? err.name : "unknown" });
    throw new ApiError(502, "calendar_unavailable", "Google did not refresh this client's access token; nothing was changed, retry.");
  }
  const columns = await tokenColumns(deps, row.clientId, tokens);
  // Re-sealed under the current key: a rotated-out key stops being needed as connections refresh.
  const refreshTokenEnc =
    columns.refreshTokenEnc ??
    (row.refreshTokenEnc && sealedWithOldKey(cfg, row.refreshTokenEnc)
      ? await sealSecret(
          cfg,
          await openSecret(cfg, row.refreshTokenEnc, secretAad(row.clientId, "refresh_token")),
          secretAad(row.clientId, "refresh_token"),
        )
      : row.refreshTokenEnc);
  const version = row.tokenVersion + 1;
  await deps.db
    .update(calendarConnections)
    .set({ ...columns, refreshTokenEnc, tokenVersion: version, refreshLeaseUntil: null, updatedAt: deps.now() })
    .where(where);
  return { token: tokens.accessToken(), version };
}

// ---------------------------------------------------------------------------------------------
// Calendar v3
// ---------------------------------------------------------------------------------------------

const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 250;
const RETRY_AFTER_CAP_MS = 10_000;

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string }[] };
}

const reasonOf = (body: GoogleErrorBody) => body.error?.errors?.[0]?.reason ?? "";
const RATE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"]);

function retryAfterMs(res: Response): number | undefined {
  const h = res.headers.get("retry-after");
  if (h === null) return undefined;
  const s = Number(h);
  return Number.isFinite(s) && s >= 0 ? Math.min(s * 1000, RETRY_AFTER_CAP_MS) : undefined;
}

/**
 * One Calendar v3 call for the client's connection: `path` under the API base, JSON in and out.
 * A 401 refreshes the token once and retries; 429 and rate-limit 403s back off exponentially
 * with jitter (honouring Retry-After) up to MAX_ATTEMPTS; what Google still refuses becomes a
 * problem+json that says what to do. Returns null for a 204 / empty body.
 */
export async function calendarApi<T>(
  deps: Deps,
  orgId: string,
  clientId: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  opts: { query?: Record<string, string | undefined>; body?: unknown; notFound?: string } = {},
): Promise<T | null> {
  const url = new URL(`${deps.config.calendars.google.calendarApi}${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  // Refreshing the token and counting the quota are the connection's bookkeeping, not the effect of
  // the request calling Google: written outside its Idempotency-Key (`rootDb`), so they neither
  // mark its key carried out nor make its retry after a crash a 409.
  const own: Deps = { ...deps, db: rootDb(deps.db) };
  let token = await accessToken(own, orgId, clientId);
  let refreshed = false;
  const use: QuotaUse = { calls: 0, rateLimited: 0, backoffs: 0, lastRateLimitedAt: null };
  try {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      use.calls++;
      try {
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token.token}`,
            accept: "application/json",
            ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        });
      } catch {
        if (attempt < MAX_ATTEMPTS) {
          use.backoffs++;
          await sleep(backoff(attempt));
          continue;
        }
        throw new ApiError(502, "calendar_unavailable", "Google Calendar could not be reached; nothing was changed, retry.");
      }
      if (res.ok) {
        const text = await res.text();
        return text ? (JSON.parse(text) as T) : null;
      }
      const body = (await res.json().catch(() => ({}))) as GoogleErrorBody;
      const reason = reasonOf(body);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        token = await accessToken(own, orgId, clientId, token.version);
        continue;
      }
      const rateLimited = res.status === 429 || (res.status === 403 && RATE_REASONS.has(reason));
      if (rateLimited) {
        use.rateLimited++;
        use.lastRateLimitedAt = deps.now();
      }
      if ((rateLimited || res.status >= 500) && attempt < MAX_ATTEMPTS) {
        use.backoffs++;
        await sleep(Math.max(backoff(attempt), retryAfterMs(res) ?? 0));
        continue;
      }
      throw googleProblem(res, body, reason, rateLimited, opts.notFound ?? "Calendar or event");
    }
  } finally {
    await recordQuotaUse(own, orgId, clientId, use);
  }
}

interface QuotaUse {
  calls: number;
  rateLimited: number;
  backoffs: number;
  lastRateLimitedAt: number | null;
}

/** The UTC day (YYYY-MM-DD) of an instant: the day the quota counters count. */
export const quotaDayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Adds one calendarApi call's requests to the connection's counters of the day: a single UPDATE
 * (counters that count an earlier day start again). Counting never fails the call it counts.
 */
async function recordQuotaUse(deps: Deps, orgId: string, clientId: string, use: QuotaUse): Promise<void> {
  if (use.calls === 0) return;
  const day = quotaDayOf(deps.now());
  const c = calendarConnections;
  const sameDay = sql`${c.quotaDay} = ${day}`;
  try {
    await deps.db
      .update(c)
      .set({
        quotaDay: day,
        quotaCalls: sql`CASE WHEN ${sameDay} THEN ${c.quotaCalls} + ${use.calls} ELSE ${use.calls} END`,
        quotaRateLimited: sql`CASE WHEN ${sameDay} THEN ${c.quotaRateLimited} + ${use.rateLimited} ELSE ${use.rateLimited} END`,
        quotaBackoffs: sql`CASE WHEN ${sameDay} THEN ${c.quotaBackoffs} + ${use.backoffs} ELSE ${use.backoffs} END`,
        ...(use.lastRateLimitedAt === null ? {} : { quotaLastRateLimitedAt: use.lastRateLimitedAt }),
      })
      .where(and(eq(c.clientId, clientId), eq(c.orgId, orgId)));
  } catch (err) {
    deps.logger.warn("calendar quota not recorded", { clientId, error: err instanceof Error ? err.name : "unknown" });
  }
}

/** 250 ms, 500 ms, 1 s … plus up to 50 % jitter. */
const backoff = (attempt: number) => Math.round(BACKOFF_BASE_MS * 2 ** (attempt - 1) * (1 + 0.5 * Math.random()));

function googleProblem(res: Response, body: GoogleErrorBody, reason: string, rateLimited: boolean, what: string): ApiError {
  const message = (body.error?.message ?? "").slice(0, 300);
  if (rateLimited) {
    const seconds = Math.max(1, Math.ceil((retryAfterMs(res) ?? 30_000) / 1000));
    return new ApiError(
      503,
      "calendar_rate_limited",
      `Google's quota for this connection is spent for now (${reason || "429"}); retry in ${seconds} s.`,
      {
        headers: { "retry-after": String(seconds) },
      },
    );
  }
  if (res.status === 401) {
    return new ApiError(
      409,
      "calendar_connection_invalid",
      "Google refused this client's access token even after a refresh: connect the client again.",
    );
  }
  if (res.status === 403) {
    return new ApiError(
      403,
      "calendar_not_writable",
      `Google refused: this connection may not do that on this calendar (${reason || "forbidden"}).`,
    );
  }
  if (res.status === 404) return new ApiError(404, "not_found", `${what} not found at Google.`);
  if (res.status === 410) return new ApiError(404, "calendar_event_gone", `${what} was deleted at Google.`);
  if (res.status === 409) return new ApiError(409, "conflict", `${what} already exists at Google (${reason || "duplicate"}).`);
  if (res.status === 400 || res.status === 412) {
    return new ApiError(422, "calendar_rejected", `Google rejected the request: ${message || reason || res.status}.`);
  }
  return new ApiError(502, "calendar_unavailable", `Google Calendar answered ${res.status}; nothing was changed, retry.`);
}
