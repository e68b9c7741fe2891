import { UPLOAD_MAX_BYTES_CEILING } from "@gatherkit/core";
import type { CalendarsConfig, Config } from "./types.js";

/** The `api_version` of the webhook events this API sends (the shape of their `data`). */
export const WEBHOOK_API_VERSION = "2026-12-01";

/**
 * Builds the config from plain string settings (process.env on Node, bindings and vars on
 * Workers). Missing secrets are generated only when `allowEphemeralSecrets` (local runs).
 */
export function configFromEnv(
  env: Record<string, string | undefined>,
  runtime: Config["runtime"],
  opts: { allowEphemeralSecrets?: boolean; version?: string } = {},
): Config {
  const secret = (name: string) => {
    const v = env[name];
    if (v && v.length >= 32) return v;
    if (v) throw new Error(`${name} must be at least 32 characters long.`);
    if (opts.allowEphemeralSecrets) return crypto.randomUUID() + crypto.randomUUID();
    throw new Error(`${name} is not set. Set it to a random string of at least 32 characters.`);
  };
  const int = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === "") return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}".`);
    return n;
  };
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT ?? "8787"}`).replace(/\/$/, "");
  return {
    jwtSecret: secret("JWT_SECRET"),
    realtimeSecret: secret("REALTIME_SECRET"),
    issuer: env.JWT_ISSUER ?? "gatherkit",
    publicUrl,
    realtimeHost: env.REALTIME_HOST ?? "127.0.0.1:1999",
    secureCookies: publicUrl.startsWith("https://"),
    accessTokenTtlSeconds: int("ACCESS_TOKEN_TTL_SECONDS", 15 * 60),
    refreshTokenTtlSeconds: int("REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 60 * 60),
    roomTokenTtlSeconds: int("ROOM_TOKEN_TTL_SECONDS", 5 * 60),
    authRateLimit: { max: int("AUTH_RATE_LIMIT_MAX", 10), windowSeconds: int("AUTH_RATE_LIMIT_WINDOW_SECONDS", 60) },
    signInFailures: {
      perAddress: int("SIGN_IN_FAILURES_PER_ADDRESS", 5),
      alertAfter: int("SIGN_IN_ALERT_AFTER_FAILURES", 10),
      windowSeconds: int("SIGN_IN_FAILURE_WINDOW_SECONDS", 15 * 60),
    },
    memberInviteRateLimit: {
      max: int("MEMBER_INVITES_PER_CALLER", 20),
      orgMax: int("MEMBER_INVITES_PER_ORG", 50),
      windowSeconds: int("MEMBER_INVITE_WINDOW_SECONDS", 60 * 60),
    },
    memberInvitationTtlSeconds: int("MEMBER_INVITATION_TTL_SECONDS", 7 * 24 * 60 * 60),
    refreshReuseGraceSeconds: int("REFRESH_REUSE_GRACE_SECONDS", 10),
    writeRateLimits: {
      chat: { max: int("CHAT_RATE_LIMIT_MAX", 60), windowSeconds: int("WRITE_RATE_LIMIT_WINDOW_SECONDS", 60) },
      votes: { max: int("VOTE_RATE_LIMIT_MAX", 60), windowSeconds: int("WRITE_RATE_LIMIT_WINDOW_SECONDS", 60) },
      proposals: { max: int("PROPOSAL_RATE_LIMIT_MAX", 20), windowSeconds: int("WRITE_RATE_LIMIT_WINDOW_SECONDS", 60) },
    },
    inviteEmailLimit: {
      perPlan: int("INVITE_EMAIL_MAX_PER_PLAN", 20),
      perOrganization: int("INVITE_EMAIL_MAX_PER_ORG", 100),
      windowSeconds: int("INVITE_EMAIL_WINDOW_SECONDS", 60 * 60),
    },
    maxBodyBytes: int("MAX_BODY_BYTES", 1024 * 1024),
    credentialCacheSeconds: int("CREDENTIAL_CACHE_SECONDS", 5),
    requestLogSize: Math.min(10_000, int("REQUEST_LOG_SIZE", 200)),
    mapTileUrl: mapTileUrl(env.MAP_TILE_URL),
    passwordReset: {
      ttlSeconds: int("PASSWORD_RESET_TTL_SECONDS", 60 * 60),
      perEmail: int("PASSWORD_RESETS_PER_EMAIL", 3),
      windowSeconds: int("PASSWORD_RESET_WINDOW_SECONDS", 60 * 60),
    },
    idempotencyLeaseSeconds: Math.max(1, int("IDEMPOTENCY_LEASE_SECONDS", 10)),
    payments: paymentsFromEnv(env),
    webhooks: {
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS
        ? env.WEBHOOK_ALLOW_PRIVATE_URLS === "true"
        : runtime === "node" && env.NODE_ENV !== "production",
      timeoutMs: Math.max(1, int("WEBHOOK_TIMEOUT_SECONDS", 10)) * 1000,
      disableAfterFailures: Math.max(1, int("WEBHOOK_DISABLE_AFTER_FAILURES", 15)),
      apiVersion: WEBHOOK_API_VERSION,
    },
    uploads: {
      maxBytes: Math.min(Math.max(1, int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)), UPLOAD_MAX_BYTES_CEILING),
      urlTtlSeconds: Math.max(60, int("UPLOAD_URL_TTL_SECONDS", 15 * 60)),
      maxPixels: Math.min(Math.max(1, int("UPLOAD_MAX_PIXELS", 16_000_000)), 50_000_000),
      ...s3FromEnv(env),
    },
    calendars: calendarsFromEnv(env, opts.allowEphemeralSecrets ?? false, int),
    sso: ssoFromEnv(env),
    runtime,
    version: opts.version ?? env.GATHERKIT_VERSION ?? "0.0.0",
  };
}

function ssoFromEnv(env: Record<string, string | undefined>): Config["sso"] {
  const names = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return null;
  if (set.length < names.length) throw new Error(`Set all of ${names.join(", ")} for single sign-on (none: off).`);
  const issuer = new URL(env.OIDC_ISSUER as string);
  if (issuer.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname)) {
    throw new Error("OIDC_ISSUER must be an https URL (http only for a provider on this machine).");
  }
  return {
    issuer: env.OIDC_ISSUER as string,
    clientId: env.OIDC_CLIENT_ID as string,
    clientSecret: env.OIDC_CLIENT_SECRET as string,
    name: env.OIDC_NAME || "single sign-on",
  };
}

function s3FromEnv(env: Record<string, string | undefined>): Pick<Config["uploads"], "s3"> {
  const names = ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return {};
  if (set.length < names.length)
    throw new Error(`Set all of ${names.join(", ")} to store uploads in S3-compatible storage (none: local files).`);
  return {
    s3: {
      endpoint: (env.S3_ENDPOINT as string).replace(/\/$/, ""),
      bucket: env.S3_BUCKET as string,
      region: env.S3_REGION ?? "auto",
      accessKeyId: env.S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
    },
  };
}

function paymentsFromEnv(env: Record<string, string | undefined>): Config["payments"] {
  const out: Config["payments"] = {};
  if (env.STRIPE_SECRET_KEY) out.stripeSecretKey = env.STRIPE_SECRET_KEY;
  if (env.STRIPE_WEBHOOK_SECRET) out.stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (env.STRIPE_ACCOUNT) out.stripeAccount = env.STRIPE_ACCOUNT;
  if (env.STRIPE_PUBLISHABLE_KEY) {
    if (!/^pk_(test|live)_[A-Za-z0-9_]+$/.test(env.STRIPE_PUBLISHABLE_KEY))
      throw new Error("STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_… or pk_live_…).");
    out.stripePublishableKey = env.STRIPE_PUBLISHABLE_KEY;
  }
  if (env.STRIPE_CHECKOUT) {
    // `checkout_session` is the older name of `checkout_redirect`.
    const mode = env.STRIPE_CHECKOUT === "checkout_session" ? "checkout_redirect" : env.STRIPE_CHECKOUT;
    if (mode !== "payment_element" && mode !== "checkout_embedded" && mode !== "checkout_redirect") {
      throw new Error("STRIPE_CHECKOUT must be payment_element, checkout_embedded or checkout_redirect.");
    }
    out.stripeCheckout = mode;
  }
  if (Boolean(out.stripeSecretKey) !== Boolean(out.stripeWebhookSecret)) {
    throw new Error("Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to take payments with Stripe (neither: the local provider).");
  }
  if (env.STRIPE_API_BASE) {
    const u = new URL(env.STRIPE_API_BASE);
    const protocol = u.protocol === "http:" ? "http" : "https";
    out.stripeApi = { host: u.hostname, port: Number(u.port || (protocol === "http" ? 80 : 443)), protocol };
  }
  return out;
}

const GOOGLE_DEFAULTS = {
  authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  revokeUrl: "https://oauth2.googleapis.com/revoke",
  userinfoUrl: "https://openidconnect.googleapis.com/v1/userinfo",
  calendarApi: "https://www.googleapis.com/calendar/v3",
};

/**
 * CALENDAR_TOKEN_KEY: `<keyId>:<base64 of 32 bytes>`, several separated by commas, the first
 * one encrypting (rotation: put the new key first, keep the old ones until re-encrypted).
 */
function calendarsFromEnv(
  env: Record<string, string | undefined>,
  allowEphemeral: boolean,
  int: (name: string, dflt: number) => number,
): CalendarsConfig {
  let tokenKeys: CalendarsConfig["tokenKeys"] = null;
  if (env.CALENDAR_TOKEN_KEY) {
    const keys: Record<string, string> = {};
    let currentKeyId = "";
    for (const part of env.CALENDAR_TOKEN_KEY.split(",")) {
      const [id, key] = part.trim().split(":");
      if (!id || !key || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || base64Length(key) !== 32) {
        throw new Error("CALENDAR_TOKEN_KEY must be <keyId>:<base64 of 32 random bytes>, several separated by commas.");
      }
      keys[id] = key;
      currentKeyId ||= id;
    }
    tokenKeys = { currentKeyId, keys };
  } else if (allowEphemeral) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    tokenKeys = { currentKeyId: "local", keys: { local: btoa(String.fromCharCode(...bytes)) } };
  }
  const url = (name: string, dflt: string) => (env[name] ? new URL(env[name]).href.replace(/\/$/, "") : dflt);
  return {
    tokenKeys,
    ...(env.GOOGLE_CLIENT_ID ? { googleClientId: env.GOOGLE_CLIENT_ID } : {}),
    ...(env.GOOGLE_CLIENT_SECRET ? { googleClientSecret: env.GOOGLE_CLIENT_SECRET } : {}),
    google: {
      authorizeUrl: url("GOOGLE_OAUTH_AUTHORIZE_URL", GOOGLE_DEFAULTS.authorizeUrl),
      tokenUrl: url("GOOGLE_OAUTH_TOKEN_URL", GOOGLE_DEFAULTS.tokenUrl),
      revokeUrl: url("GOOGLE_OAUTH_REVOKE_URL", GOOGLE_DEFAULTS.revokeUrl),
      userinfoUrl: url("GOOGLE_OAUTH_USERINFO_URL", GOOGLE_DEFAULTS.userinfoUrl),
      calendarApi: url("GOOGLE_CALENDAR_API_URL", GOOGLE_DEFAULTS.calendarApi),
    },
    oauthStateTtlSeconds: Math.max(60, int("CALENDAR_OAUTH_STATE_TTL_SECONDS", 10 * 60)),
    calendarListTtlSeconds: Math.min(3600, Math.max(0, int("CALENDAR_LIST_TTL_SECONDS", 60))),
  };
}

function base64Length(s: string): number {
  try {
    return atob(s).length;
  } catch {
    return -1;
  }
}

/**
 * `MAP_TILE_URL`: an https (or, for a local tile server, http on localhost) URL template with
 * `{z}`, `{x}` and `{y}`, and `{s}` only in the host (a subdomain). Anything else stops the start.
 */
export function mapTileUrl(v: string | undefined): string | null {
  if (v === undefined || v.trim() === "") return null;
  const fail = (why: string) => new Error(`MAP_TILE_URL ${why}, got "${v}" (e.g. https://tile.example/{z}/{x}/{y}.png).`);
  for (const p of ["{z}", "{x}", "{y}"]) if (!v.includes(p)) throw fail(`must contain ${p}`);
  let url: URL;
  try {
    url = new URL(v.replace("{s}", "a"));
  } catch {
    throw fail("must be a URL");
  }
  const local = url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !local) throw fail("must be https (http only on localhost)");
  if (url.username || url.password) throw fail("must not carry credentials");
  if (/[\s;,'"]/.test(v)) throw fail("must not contain spaces, quotes, commas or semicolons");
  if (v.includes("{s}") && !v.slice(0, v.indexOf("/", url.protocol.length + 2)).includes("{s}")) throw fail("may use {s} in its host only");
  return v;
}

/** The CSP source of a tile URL template: its origin, with a `{s}` subdomain as `*`. */
export function mapTileSource(template: string): string {
  const { protocol, host } = new URL(template.replace("{s}", "gk-s"));
  return `${protocol}//${host.replace("gk-s", "*")}`;
}
