import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for Google's OAuth endpoints and the Calendar v3 REST API, as far as the
 * calendars domain uses them: the consent "page" (answers at once with a redirect, as if the
 * account holder clicked Allow, or Deny with `consent = "deny"`), the token endpoint (code with
 * PKCE S256 and client credentials checked; refresh; `invalid_grant` for a revoked or unknown
 * refresh token), revocation, userinfo, the calendar list and events with page tokens.
 * `script` answers a request first (a 429, a 403 rateLimitExceeded, a 500, a 401) when it returns something.
 *
 * `pnpm dev` (scripts/dev.mjs) runs this same stand-in as its "Google", `interactive`: the consent
 * is a page with Allow and Deny buttons, and what it granted (refresh tokens, events) is kept in
 * `stateFile` so a connection made yesterday still works after a restart.
 */
export interface StandInOptions {
  /** Port to listen on (default: any free one). */
  port?: number;
  /** A consent page a person answers (Allow / Deny) instead of an immediate Allow. */
  interactive?: boolean;
  /** Where refresh tokens and events survive a restart (JSON). */
  stateFile?: string;
}

export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

interface StoredEvent {
  id: string;
  status: string;
  summary?: string;
  start?: unknown;
  end?: unknown;
  updated: string;
  [k: string]: unknown;
}

export interface GoogleStandIn {
  url: string;
  env: Record<string, string>;
  received: StandInRequest[];
  /** Answers before the normal behaviour when it returns something. */
  script: (req: StandInRequest) => Answer | undefined;
  /** What the next consents answer: allow (a code), or deny (error=access_denied). */
  consent: "allow" | "deny";
  /** Scopes the consent grants (default: all asked for). */
  grantScopes?: string[];
  /** Seconds the access tokens it issues live. */
  accessTokenTtl: number;
  /** Milliseconds the token endpoint takes to answer a refresh (to make concurrent requests overlap). */
  refreshDelayMs: number;
  /** Counters. */
  refreshes: number;
  exchanges: number;
  revoked: string[];
  /** Every token it ever issued, to look for in the database. */
  issuedTokens: string[];
  /** Revokes every refresh token (as a user removing the app's access does). */
  revokeAll(): void;
  /** The calendars every account has (the primary one's id is the account's email). */
  calendars: Map<string, { id: string; summary: string; accessRole: string; primary?: boolean; timeZone: string }>;
  /** Each consent connects a Google account of its own (`account-<n>@client.example`) instead of STANDIN_ACCOUNT. */
  separateAccounts: boolean;
  /** The events of a calendar of an account (the primary calendar by `primary` or the account's email). */
  eventsOf(calendarId: string, account?: string): StoredEvent[];
  close(): Promise<void>;
}

export const STANDIN_CLIENT_ID = "platform-app.apps.googleusercontent.com";
export const STANDIN_CLIENT_SECRET = "platform-app-secret-0123456789";
export const STANDIN_ACCOUNT = "owner@client.example";

const token = (prefix: string) => `${prefix}${randomBytes(18).toString("base64url")}`;
const s256 = (v: string) => createHash("sha256").update(v).digest("base64url");

export async function startGoogleStandIn(
  apps: Record<string, string> = { [STANDIN_CLIENT_ID]: STANDIN_CLIENT_SECRET },
  options: StandInOptions = {},
): Promise<GoogleStandIn> {
  const codes = new Map<string, { clientId: string; challenge: string; redirectUri: string; scopes: string[]; account: string }>();
  const refreshTokens = new Map<string, { clientId: string; scopes: string[]; revoked: boolean; account: string }>();
  const accessTokens = new Map<string, { refresh: string | null; expiresAt: number; account: string }>();
  const events = new Map<string, StoredEvent[]>();
  let eventSeq = 0;
  let accountSeq = 0;
  const { stateFile } = options;
  if (stateFile && existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as {
      refreshTokens: [string, { clientId: string; scopes: string[]; revoked: boolean; account: string }][];
      events: [string, StoredEvent[]][];
      eventSeq: number;
    };
    for (const [k, v] of saved.refreshTokens) refreshTokens.set(k, v);
    for (const [k, v] of saved.events) events.set(k, v);
    eventSeq = saved.eventSeq;
  }
  const save = () => {
    if (stateFile)
      writeFileSync(stateFile, JSON.stringify({ refreshTokens: [...refreshTokens], events: [...events], eventSeq }), { mode: 0o600 });
  };

  const s: GoogleStandIn = {
    url: "",
    env: {},
    received: [],
    script: () => undefined,
    consent: "allow",
    accessTokenTtl: 3600,
    refreshDelayMs: 0,
    refreshes: 0,
    exchanges: 0,
    revoked: [],
    issuedTokens: [],
    revokeAll() {
      for (const r of refreshTokens.values()) r.revoked = true;
      accessTokens.clear();
    },
    calendars: new Map([
      ["primary", { id: STANDIN_ACCOUNT, summary: "Client (primary)", accessRole: "owner", primary: true, timeZone: "Europe/Paris" }],
      [
        "team@group.calendar.google.com",
        { id: "team@group.calendar.google.com", summary: "Team", accessRole: "writer", timeZone: "Europe/Paris" },
      ],
      [
        "holidays@group.calendar.google.com",
        { id: "holidays@group.calendar.google.com", summary: "Holidays", accessRole: "reader", timeZone: "UTC" },
      ],
    ]),
    separateAccounts: false,
    eventsOf: (calendarId, account = STANDIN_ACCOUNT) => eventsOf(account, calendarId),
    close: async () => {},
  };

  const clientOf = (req: StandInRequest, form: URLSearchParams): { id: string; ok: boolean } => {
    const auth = String(req.headers.authorization ?? "");
    let id = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? "";
    if (auth.startsWith("Basic ")) {
      const [u = "", p = ""] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
      id = decodeURIComponent(u);
      secret = decodeURIComponent(p);
    }
    return { id, ok: apps[id] !== undefined && apps[id] === secret };
  };

  const issueAccess = (refresh: string | null, account: string) => {
    const access = token("ya29.standin-");
    accessTokens.set(access, { refresh, expiresAt: Date.now() + s.accessTokenTtl * 1000, account });
    s.issuedTokens.push(access);
    return access;
  };

  const calendarKey = (account: string, id: string) => (id === account ? "primary" : id);
  const calendarOf = (account: string, id: string) => {
    const cal = s.calendars.get(calendarKey(account, id));
    return cal?.primary ? { ...cal, id: account } : cal;
  };
  function eventsOf(account: string, id: string) {
    const key = `${account}/${calendarKey(account, id)}`;
    const list = events.get(key) ?? [];
    events.set(key, list);
    return list;
  }
  const page = <T>(items: T[], q: URLSearchParams) => {
    const max = Number(q.get("maxResults") ?? 250);
    const start = Number(q.get("pageToken") ? Buffer.from(q.get("pageToken") ?? "", "base64url").toString() : 0);
    const slice = items.slice(start, start + max);
    const next = start + max < items.length ? Buffer.from(String(start + max)).toString("base64url") : undefined;
    return { items: slice, ...(next ? { nextPageToken: next } : {}) };
  };
  const gErr = (status: number, reason: string, message = reason): Answer => ({
    status,
    body: { error: { code: status, message, errors: [{ reason, message }] } },
  });

  /** The consent page `pnpm dev` shows: which app asks for what, and Allow / Deny (a form posted back here). */
  function consentPage(query: URLSearchParams): Answer {
    const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const hidden = [...query].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("");
    const scopes = (query.get("scope") ?? "")
      .split(" ")
      .map((sc) => `<li>${esc(sc)}</li>`)
      .join("");
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in (Google stand-in)</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem">
<main><h1>Google stand-in</h1><p>This is the local stand-in for Google's consent page (<code>pnpm dev</code>): no Google account is used.
The app <strong>${esc(query.get("client_id") ?? "")}</strong> asks the account <strong>${STANDIN_ACCOUNT}</strong> for:</p><ul>${scopes}</ul>
<form method="post" action="/o/oauth2/v2/auth">${hidden}<button name="decision" value="allow">Allow</button>
<button name="decision" value="deny">Deny</button></form></main></body></html>`;
    return { status: 200, body: html, headers: { "content-type": "text/html; charset=utf-8" } };
  }

  async function handle(req: StandInRequest): Promise<Answer> {
    const scripted = s.script(req);
    if (scripted) return scripted;
    const { method, path, query } = req;
    if (method === "GET" && path === "/o/oauth2/v2/auth" && options.interactive) return consentPage(query);
    if ((method === "GET" || method === "POST") && path === "/o/oauth2/v2/auth") {
      // A person's answer on the consent page comes as a form; otherwise `consent` decides.
      const decided = method === "POST" ? new URLSearchParams(req.body) : null;
      const params = decided ?? query;
      const redirect = new URL(params.get("redirect_uri") ?? "");
      redirect.searchParams.set("state", params.get("state") ?? "");
      if (decided ? decided.get("decision") !== "allow" : s.consent === "deny") {
        redirect.searchParams.set("error", "access_denied");
      } else {
        const code = token("4/standin-code-");
        const scopes = s.grantScopes ?? (params.get("scope") ?? "").split(" ");
        codes.set(code, {
          account: s.separateAccounts ? `account-${++accountSeq}@client.example` : STANDIN_ACCOUNT,
          clientId: params.get("client_id") ?? "",
          challenge: params.get("code_challenge") ?? "",
          redirectUri: params.get("redirect_uri") ?? "",
          scopes,
        });
        redirect.searchParams.set("code", code);
        redirect.searchParams.set("scope", scopes.join(" "));
      }
      return { status: 302, headers: { location: redirect.href } };
    }
    if (method === "POST" && path === "/token") {
      const form = new URLSearchParams(req.body);
      const client = clientOf(req, form);
      if (!client.ok) return { status: 401, body: { error: "invalid_client" } };
      if (form.get("grant_type") === "authorization_code") {
        const code = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        if (
          !code ||
          code.clientId !== client.id ||
          code.redirectUri !== form.get("redirect_uri") ||
          s256(form.get("code_verifier") ?? "") !== code.challenge
        ) {
          return { status: 400, body: { error: "invalid_grant", error_description: "Bad code or code verifier." } };
        }
        s.exchanges++;
        const refresh = token("1//standin-refresh-");
        refreshTokens.set(refresh, { clientId: client.id, scopes: code.scopes, revoked: false, account: code.account });
        s.issuedTokens.push(refresh);
        return {
          status: 200,
          body: {
            access_token: issueAccess(refresh, code.account),
            refresh_token: refresh,
            expires_in: s.accessTokenTtl,
            scope: code.scopes.join(" "),
            token_type: "Bearer",
          },
        };
      }
      if (form.get("grant_type") === "refresh_token") {
        s.refreshes++;
        if (s.refreshDelayMs) await new Promise((r) => setTimeout(r, s.refreshDelayMs));
        const refresh = form.get("refresh_token") ?? "";
        const stored = refreshTokens.get(refresh);
        if (!stored || stored.revoked || stored.clientId !== client.id) {
          return { status: 400, body: { error: "invalid_grant", error_description: "Token has been expired or revoked." } };
        }
        return {
          status: 200,
          body: {
            access_token: issueAccess(refresh, stored.account),
            expires_in: s.accessTokenTtl,
            scope: stored.scopes.join(" "),
            token_type: "Bearer",
          },
        };
      }
      return { status: 400, body: { error: "unsupported_grant_type" } };
    }
    if (method === "POST" && path === "/revoke") {
      const t = new URLSearchParams(req.body).get("token") ?? "";
      const r = refreshTokens.get(t);
      if (r) r.revoked = true;
      for (const [a, v] of accessTokens) if (a === t || (v.refresh !== null && v.refresh === t)) accessTokens.delete(a);
      s.revoked.push(t);
      return { status: 200, body: {} };
    }
    // Everything below needs a live access token.
    const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    const access = accessTokens.get(bearer);
    if (!access || access.expiresAt <= Date.now()) return gErr(401, "authError", "Invalid Credentials");
    if (method === "GET" && path === "/userinfo")
      return { status: 200, body: { sub: access.account, email: access.account, email_verified: true } };

    const api = "/calendar/v3";
    if (!path.startsWith(api)) return { status: 404, body: { error: "not found" } };
    const p = path.slice(api.length).split("/").map(decodeURIComponent);
    if (method === "GET" && p[1] === "users" && p[3] === "calendarList") {
      if (p[4] !== undefined) {
        const cal = calendarOf(access.account, p[4]);
        return cal ? { status: 200, body: cal } : gErr(404, "notFound", "Not Found");
      }
      return {
        status: 200,
        body: page(
          [...s.calendars.keys()].map((k) => calendarOf(access.account, k)),
          query,
        ),
      };
    }
    if (p[1] === "calendars" && p[3] === "events") {
      const cal = calendarOf(access.account, p[2] ?? "");
      if (!cal) return gErr(404, "notFound", "Not Found");
      const list = eventsOf(access.account, p[2] ?? "");
      const writable = cal.accessRole === "owner" || cal.accessRole === "writer";
      if (p[4] === undefined) {
        if (method === "GET") {
          const q = query.get("q")?.toLowerCase();
          const live = list.filter(
            (e) =>
              e.status !== "cancelled" &&
              (!q ||
                String(e.summary ?? "")
                  .toLowerCase()
                  .includes(q)),
          );
          return { status: 200, body: page(live, query) };
        }
        if (method === "POST") {
          if (!writable) return gErr(403, "requiredAccessLevel", "You need to have writer access to this calendar.");
          const body = JSON.parse(req.body || "{}") as Record<string, unknown>;
          if (!body.start || !body.end) return gErr(400, "required", "Missing end time.");
          // A client-chosen id: base32hex, 5 to 1024 characters, and unique in the calendar (deleted events keep theirs).
          if (body.id !== undefined && (typeof body.id !== "string" || !/^[a-v0-9]{5,1024}$/.test(body.id))) {
            return gErr(400, "invalid", "Invalid resource id value.");
          }
          if (body.id !== undefined && list.some((x) => x.id === body.id))
            return gErr(409, "duplicate", "The requested identifier already exists.");
          const e: StoredEvent = {
            ...body,
            id: typeof body.id === "string" ? body.id : `ev${(++eventSeq).toString(36)}standin`,
            status: "confirmed",
            updated: new Date().toISOString(),
          };
          list.push(e);
          return { status: 200, body: e };
        }
      } else {
        const e = list.find((x) => x.id === p[4]);
        if (!e) return gErr(404, "notFound", "Not Found");
        // A deleted event is gone for reads and deletes; a PATCH may restore it (status: confirmed), as at Google.
        if (e.status === "cancelled" && method !== "PATCH") return gErr(410, "deleted", "Resource has been deleted");
        if (method === "GET") return { status: 200, body: e };
        if (!writable) return gErr(403, "requiredAccessLevel", "You need to have writer access to this calendar.");
        if (method === "PATCH") {
          Object.assign(e, JSON.parse(req.body || "{}"), { updated: new Date().toISOString() });
          return { status: 200, body: e };
        }
        if (method === "DELETE") {
          e.status = "cancelled";
          return { status: 204 };
        }
      }
    }
    return { status: 404, body: { error: "not found" } };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://standin");
      const r: StandInRequest = {
        method: req.method ?? "",
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      s.received.push(r);
      handle(r).then(
        (a) => {
          if (r.method !== "GET") save();
          res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
          res.end(a.body === undefined || a.status === 204 ? "" : typeof a.body === "string" ? a.body : JSON.stringify(a.body));
        },
        (err) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  s.url = `http://127.0.0.1:${port}`;
  s.env = {
    GOOGLE_CLIENT_ID: STANDIN_CLIENT_ID,
    GOOGLE_CLIENT_SECRET: STANDIN_CLIENT_SECRET,
    GOOGLE_OAUTH_AUTHORIZE_URL: `${s.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${s.url}/token`,
    GOOGLE_OAUTH_REVOKE_URL: `${s.url}/revoke`,
    GOOGLE_OAUTH_USERINFO_URL: `${s.url}/userinfo`,
    GOOGLE_CALENDAR_API_URL: `${s.url}/calendar/v3`,
    CALENDAR_TOKEN_KEY: `k2:${randomBytes(32).toString("base64")}`,
  };
  s.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return s;
}
