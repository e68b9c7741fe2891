import type { PublishedEvent, Role } from "@gatherkit/core";
import type { Db } from "@gatherkit/db";
import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Logger } from "./logger.js";
import type { MessageSender, TaskPayload, WebhookSender } from "./outbox.js";
import type { Publisher } from "./publisher.js";

/** Who is calling. Resolved once per request by the auth middleware. */
export type Caller =
  | { kind: "user"; orgId: string; userId: string; role: Role }
  /** `role`: the key's own role, capped by its creator's current role. */
  | { kind: "secret_key"; orgId: string; keyId: string; role: Role }
  | { kind: "publishable_key"; orgId: string; keyId: string }
  | { kind: "participant"; orgId: string; participantId: string; name: string };

export interface Config {
  /** Secret for access, participant and room JWTs (HS256). At least 32 characters. */
  jwtSecret: string;
  /** Shared with the PartyKit rooms: signs room tokens and the API's publish requests. */
  realtimeSecret: string;
  /** `iss` of tokens this API signs and accepts. */
  issuer: string;
  /** Public base URL of the API, e.g. http://127.0.0.1:8787. */
  publicUrl: string;
  /** Where widgets and the SDK connect for realtime, e.g. 127.0.0.1:1999. */
  realtimeHost: string;
  /** Whether cookies get the `Secure` flag (true unless served over plain http). */
  secureCookies: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  roomTokenTtlSeconds: number;
  /** Sign-in and sign-up attempts allowed per window per client address. */
  authRateLimit: { max: number; windowSeconds: number };
  /**
   * How long a request holds its Idempotency-Key before a retry may take the key over (when the
   * request wrote nothing: it died or is stuck). Seconds.
   */
  idempotencyLeaseSeconds: number;
  /**
   * Failed sign-ins: `perAddress` failures of one email from one address per window (then 429
   * for that pair); from `alertAfter` failures of one email in a window, each address gets only
   * one and the account's owner is emailed (once per window). One email is never refused outright.
   */
  signInFailures: { perAddress: number; alertAfter: number; windowSeconds: number };
  /** Member invitations sent per window: `max` per caller, `orgMax` per organization. */
  memberInviteRateLimit: { max: number; orgMax: number; windowSeconds: number };
  /** How long an emailed member invitation can be accepted. */
  memberInvitationTtlSeconds: number;
  /** How long a just-rotated refresh token may be presented again (another tab) for a session of the same family. */
  refreshReuseGraceSeconds: number;
  /**
   * Writes allowed per window per caller (participant, key or user) on each kind of plan write
   * that is published to a room: chat messages, votes, proposals.
   */
  writeRateLimits: Record<"chat" | "votes" | "proposals", { max: number; windowSeconds: number }>;
  /** Personal invite emails allowed per window: per plan and per organization. */
  inviteEmailLimit: { perPlan: number; perOrganization: number; windowSeconds: number };
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /**
   * How long a verified API key is remembered by this process or isolate (lib/credential-cache.ts):
   * a revocation made elsewhere takes effect here within this bound. 0 turns the cache off.
   */
  credentialCacheSeconds: number;
  /** Each organization's recent API calls kept for its developers (a ring of this many rows); 0 records none. */
  requestLogSize: number;
  /**
   * The dashboard map's tile URL template (`MAP_TILE_URL`, e.g. `https://tile.example/{z}/{x}/{y}.png`);
   * its origin joins the dashboard's CSP `img-src`. Null: the map shows no tiles.
   */
  mapTileUrl?: string | null;
  /** Forgotten passwords: how long an emailed reset link works, and how many reset emails one address gets per window. */
  passwordReset: { ttlSeconds: number; perEmail: number; windowSeconds: number };
  /**
   * The payments provider: Stripe when a secret key and webhook secret are set (`stripeApi` points
   * the SDK elsewhere, for tests), else the local provider of the embedded default.
   */
  payments: {
    stripeSecretKey?: string;
    stripeWebhookSecret?: string;
    /** Stripe Connect: act on this connected account (`acct_…`) instead of the platform account. */
    stripeAccount?: string;
    /** Given to the buyer's browser with each payment, for Stripe.js (`pk_…`); the widgets' Payment Element needs it. */
    stripePublishableKey?: string;
    /**
     * How buyers pay with Stripe: `payment_element` (a PaymentIntent whose client secret the page
     * confirms with Stripe's Payment Element) or `checkout_session` (a Checkout Session: Stripe's
     * hosted page, opened from the widget). Default `payment_element`.
     */
    /** The deployment's default checkout mode (`STRIPE_CHECKOUT`); an organization may pick its own. */
    stripeCheckout?: "payment_element" | "checkout_embedded" | "checkout_redirect";
    stripeApi?: { host: string; port: number; protocol: "http" | "https" };
  };
  /**
   * Outgoing webhooks: whether endpoint URLs may use plain http and resolve to private, loopback
   * or link-local addresses (the embedded default, for local receivers; never in production), how
   * long one delivery may take, after how many failed attempts in a row an endpoint is disabled,
   * and the `api_version` new endpoints get.
   */
  webhooks: { allowPrivateUrls: boolean; timeoutMs: number; disableAfterFailures: number; apiVersion: string };
  /**
   * Image uploads: the largest size accepted, how long an upload URL (and a read URL) works, and
   * S3-compatible storage (R2, S3, MinIO) when set; without it, the local store of the embedded
   * default (`Deps.localFiles`).
   */
  uploads: {
    maxBytes: number;
    urlTtlSeconds: number;
    /** The most pixels (width × height) an uploaded image may have (UPLOAD_MAX_PIXELS); more is 422 `image_too_large`. */
    maxPixels: number;
    s3?: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
  };
  /** Google calendar connections (domains/calendars). */
  calendars: CalendarsConfig;
  /** Organizers' single sign-on with an OpenID Connect provider (OIDC_*), or null when not configured. */
  sso: { issuer: string; clientId: string; clientSecret: string; name: string } | null;
  runtime: "node" | "workers";
  version: string;
}

/** Files on the local disk for the embedded default's uploads (Node only; keys are `<org>/<upload id>`). */
export interface LocalFileStore {
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or null when there is none. */
  read(key: string): Promise<Uint8Array | null>;
}

export interface CalendarsConfig {
  /**
   * AES-256-GCM keys for OAuth tokens at rest (CALENDAR_TOKEN_KEY): `currentKeyId` encrypts, every
   * key decrypts what it encrypted (a rotated-out key stays listed until its ciphertexts are gone).
   * Null: no key configured, so no connection can be made (503 `calendars_not_configured`).
   */
  tokenKeys: { currentKeyId: string; keys: Record<string, string> } | null;
  /** The platform's default Google OAuth app (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET), if any. */
  googleClientId?: string;
  googleClientSecret?: string;
  /** Google's endpoints; each can be pointed at a stand-in (tests, `pnpm dev`). */
  google: { authorizeUrl: string; tokenUrl: string; revokeUrl: string; userinfoUrl: string; calendarApi: string };
  /** How long an OAuth consent may take before its `state` expires. */
  oauthStateTtlSeconds: number;
  /** How long a client's calendar list is served from this process's memory (0: not cached). */
  calendarListTtlSeconds: number;
}

/** Everything the app needs from the outside world; node.ts and worker.ts build it. */
export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  publisher: Publisher;
  /** Sends email and SMS outbox rows (platform/notifications' providers, chosen by configuration). */
  notifications?: MessageSender;
  /** Posts webhook outbox rows to organizations' endpoints (platform/webhooks). */
  webhooks?: WebhookSender;
  /**
   * The addresses a host name resolves to (Node: the system resolver), so webhook URLs that lead
   * to private addresses can be refused. Without it (Workers, whose fetch cannot reach private
   * networks) only literal addresses and local names are checked.
   */
  resolveHost?: (hostname: string) => Promise<string[]>;
  /** The local file store of uploads when no S3-compatible storage is configured (node.ts: under DATA_DIR). */
  localFiles?: LocalFileStore;
  /**
   * The domains' reactions to published events, built by createApp from the domains' `tasks`:
   * `onPublished` runs after a realtime row is published and queues the tasks it causes (once per
   * row), `run` does one task (an outbox row of kind `task`).
   */
  tasks?: DomainTasks;
  /** Client address for rate limits (from the socket on Node, `cf-connecting-ip` on Workers). */
  clientIp?: (req: Request, env: unknown) => string | undefined;
  /** The clock: epoch milliseconds. Everything that reads the time reads it here (see lib/time.ts). */
  now: () => number;
  /**
   * Names this process (Node) or isolate as the holder of the outbox rows it claims; by default
   * one random id per module instance. Node records it in DATA_DIR, so the next process can take
   * over the claims of one that died (see `releaseClaimsOf` in lib/outbox.ts).
   */
  instanceId?: string;
  /** Lets Workers keep delivering after the response (ctx.waitUntil); Node just lets it run. */
  waitUntil?: (p: Promise<unknown>) => void;
  /**
   * The API reference page's script, served by the API itself so /docs works offline (Node
   * serves it from @scalar/api-reference). Without it the page loads the script from Scalar's CDN.
   */
  docsScript?: () => Promise<string>;
  /**
   * The static files the API serves beside itself — the dashboard (`/dashboard/…`) and the
   * widgets module for script tags (`/widgets/…`), built by apps/dashboard: the file at `path`,
   * or null when there is none. Node reads apps/dashboard/dist; Workers their ASSETS binding.
   */
  assets?: (path: string) => Promise<Response | null>;
}

export interface DomainTasks {
  onPublished(published: { room: string; event: PublishedEvent; orgId: string | null; outboxId: string }): Promise<void>;
  run(task: TaskPayload): Promise<void>;
}

export interface AppBindings {
  Variables: {
    deps: Deps;
    db: Db;
    config: Config;
    logger: Logger;
    requestId: string;
    caller: Caller | null;
  };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppBindings>;
