import { type Fetch, isBrowser, type RequestOptions, Transport } from "./core.js";
import { GatherkitError } from "./errors.js";
import type { Health } from "./types.js";

export interface ClientOptions {
  /** The API's base URL, e.g. `https://api.example.com` or `http://127.0.0.1:8787` locally. */
  baseUrl: string | URL;
  /** A secret key `gk_sk_…`: acts as your organization. Servers only. */
  secretKey?: string | undefined;
  /** A publishable key `gk_pk_…`: public actions only, from the key's allowed origins. Safe in pages. */
  publishableKey?: string | undefined;
  /** A participant token `gk_pt_…`, minted by your server with `gk.participantTokens.create()`. */
  token?: string | undefined;
  /** An organizer's access token, from a `Session`. Without any credential, call `gk.auth.signIn()`. */
  accessToken?: string | undefined;
  /** The `fetch` to use; the global one by default. */
  fetch?: Fetch | undefined;
  /** Retries after connection errors, timeouts, 408, 409 in-flight conflicts, 429 and 5xx. Default 2. */
  maxRetries?: number | undefined;
  /** Time allowed for each attempt, response body included, in milliseconds. Default 60 000. */
  timeoutMs?: number | undefined;
  /**
   * Allows a secret key in a web page. Anyone who opens the page can read it and act as your
   * organization: only for tools that run on your own machine.
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 60_000;
const PREFIXES = { secretKey: "gk_sk_", publishableKey: "gk_pk_", token: "gk_pt_" } as const;

/**
 * The core of every Gatherkit client: credentials, base URL, retries and timeouts and `health()`,
 * but no resources. `Gatherkit` adds them all (`gk.plans`, `gk.secretKeys`, …);
 * a page that needs only a few builds them over this one, so the others never reach its bundle:
 *
 * ```ts
 * import { GatherkitClient, Plans } from "@gatherkit/sdk";
 * const plans = new Plans(new GatherkitClient({ baseUrl: "https://api.example.com", token }));
 * const plan = await plans.retrieve("plan_…");
 * ```
 */
export class GatherkitClient {
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;

  /**
   * @internal The HTTP machinery resources send their requests through. Not enumerable, so
   * logging a client does not print its key.
   */
  declare readonly _transport: Transport;

  constructor(options: ClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new GatherkitError("new Gatherkit() needs options: { baseUrl, secretKey | publishableKey | token | accessToken }.");
    }
    this.baseUrl = checkBaseUrl(options.baseUrl);
    this.maxRetries = checkNumber("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES, 0);
    this.timeoutMs = checkNumber("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS, 1);
    const key = checkCredentials(options);
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new GatherkitError("`fetch` must be a function with the signature of the global fetch.");
    }
    if (options.fetch === undefined && typeof globalThis.fetch !== "function") {
      throw new GatherkitError("No global fetch in this runtime: pass one as `fetch` (Node 22+, browsers and Workers have it).");
    }
    const transport = new Transport(this.baseUrl, key, options.fetch, this.maxRetries, this.timeoutMs);
    if (options.accessToken !== undefined) transport.session.accessToken = options.accessToken;
    Object.defineProperty(this, "_transport", { value: transport });
  }

  /** Whether the API is up, its version and runtime. Sends no credential. */
  health(options?: RequestOptions): Promise<Health> {
    return this._transport.request("GET", "/v1/health", { ...options, auth: "none" });
  }
}

function checkBaseUrl(value: unknown): string {
  if (value === undefined || value === "") {
    throw new GatherkitError('`baseUrl` is required: the API\'s address, e.g. new Gatherkit({ baseUrl: "http://127.0.0.1:8787", … }).');
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new GatherkitError(`\`baseUrl\` must be an absolute http(s) URL, got ${JSON.stringify(String(value))}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new GatherkitError(`\`baseUrl\` must use http or https, got ${url.protocol}`);
  }
  if (url.search || url.hash) throw new GatherkitError("`baseUrl` must not have a query string or fragment.");
  // Keep any path prefix (a reverse proxy's /api), drop the trailing slash and a trailing /v1.
  return (url.origin + url.pathname).replace(/\/+$/, "").replace(/\/v1$/, "");
}

function checkNumber(name: string, value: unknown, dflt: number, min: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new GatherkitError(`\`${name}\` must be an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** At most one credential, of the right kind, and no secret key in a web page. Returns the fixed key. */
function checkCredentials(options: ClientOptions): string | undefined {
  const given = (["secretKey", "publishableKey", "token", "accessToken"] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    throw new GatherkitError(`Pass one credential, not ${given.join(" and ")}: a client acts as one caller.`);
  }
  const name = given[0];
  if (name === undefined) return undefined;
  const value = options[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new GatherkitError(`\`${name}\` must be a non-empty string (is an environment variable missing?).`);
  }
  if (name === "accessToken") {
    if (value.startsWith("gk_")) {
      throw new GatherkitError(
        `\`accessToken\` takes an organizer's access token, not a key or participant token (${value.slice(0, 6)}…).`,
      );
    }
    return undefined;
  }
  const prefix = PREFIXES[name];
  if (!value.startsWith(prefix)) {
    const actual = Object.entries(PREFIXES).find(([, p]) => value.startsWith(p))?.[0];
    throw new GatherkitError(
      actual
        ? `\`${name}\` was given a ${actual} (${value.slice(0, 6)}…): pass it as \`${actual}\`.`
        : `\`${name}\` must start with "${prefix}".`,
    );
  }
  if (name === "secretKey" && isBrowser() && !options.dangerouslyAllowBrowser) {
    throw new GatherkitError(
      "A secret key must never be used in a web page: anyone can read it and act as your organization. " +
        "Use a publishableKey in the page and keep the secret key on your server " +
        "(or set dangerouslyAllowBrowser: true for a tool that only runs on your machine).",
    );
  }
  return value;
}
