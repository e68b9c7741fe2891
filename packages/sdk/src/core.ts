import type { Page as PageBody, PageQuery, Session } from "@gatherkit/core";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, GatherkitError } from "./errors.js";
import { Page, PagePromise } from "./pagination.js";

/** The `fetch` the client calls; the global one by default. Tests and proxies pass their own. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options every method takes as its last argument. */
export interface RequestOptions {
  /**
   * Idempotency-Key for this request. By default every non-GET request gets a fresh random
   * key that is reused across its retries, so a retry never does the work twice.
   */
  idempotencyKey?: string;
  /** Cancels the request, including waits between retries. */
  signal?: AbortSignal;
  /** Overrides the client's `maxRetries` for this request. */
  maxRetries?: number;
  /** Overrides the client's `timeoutMs` for each attempt of this request. */
  timeoutMs?: number;
  /** Extra headers; they override the SDK's own. */
  headers?: Record<string, string>;
}

/** Query parameters of every `list()`: `limit` 1–100 (default 20) and the `cursor` of a page. */
export type ListParams = Partial<PageQuery>;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Query = Record<string, string | number | boolean | undefined>;

interface RequestInit_ extends RequestOptions {
  query?: Query;
  body?: unknown;
  /** `"none"`: send no credential (sign-up, sign-in, refresh, sign-out, health). */
  auth?: "none";
}

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/** A `Retry-After` longer than this is not waited for: the error is thrown at once. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The HTTP machinery behind every resource: credentials, timeouts, retries with backoff,
 * idempotency keys and error mapping. Internal: users reach it through `Gatherkit`.
 */
export class Transport {
  /** The organizer session adopted from sign-up, sign-in and refresh (key-less clients only). */
  readonly session: { accessToken?: string | undefined; refreshToken?: string | undefined } = {};

  constructor(
    readonly baseUrl: string,
    /** A secret key, publishable key or participant token; fixed for the client's life. */
    readonly key: string | undefined,
    readonly fetch: Fetch | undefined,
    readonly maxRetries: number,
    readonly timeoutMs: number,
  ) {}

  /** Keeps an organizer session's tokens, unless the client was built with a key or token. */
  adopt(session: Pick<Session, "accessToken" | "refreshToken"> | null): void {
    if (this.key !== undefined) return;
    this.session.accessToken = session?.accessToken;
    this.session.refreshToken = session?.refreshToken;
  }

  /** `params` are sent as the query (`limit`, filters); each page replaces `cursor`. */
  list<T>(path: string, params: ListParams & Query = {}, options: RequestOptions = {}): PagePromise<T> {
    const load = (cursor: string | undefined): Promise<Page<T>> =>
      this.request<PageBody<T>>("GET", path, { ...options, query: { ...params, cursor } }).then((body) => new Page(body, load));
    return new PagePromise(() => load(params.cursor));
  }

  async request<T>(method: Method, path: string, init: RequestInit_ = {}): Promise<T> {
    const fetch = this.fetch ?? globalThis.fetch;
    const maxRetries = init.maxRetries ?? this.maxRetries;
    const timeoutMs = init.timeoutMs ?? this.timeoutMs;
    const url = this.#url(path, init.query);
    const headers: Record<string, string> = { accept: "application/json" };
    const bearer = init.auth === "none" ? undefined : (this.key ?? this.session.accessToken);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    else if (init.auth !== "none" && !isBrowser()) {
      // A browser may be signed in with the dashboard's HTTP-only cookie; elsewhere nothing can.
      throw new GatherkitError(
        `${method} ${path} needs a credential: pass secretKey, publishableKey, token or accessToken to new Gatherkit(), or call gk.auth.signIn() first.`,
      );
    }
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") headers["idempotency-key"] = init.idempotencyKey ?? crypto.randomUUID();
    Object.assign(headers, init.headers);

    for (let attempt = 0; ; attempt++) {
      let error: GatherkitError;
      let retry: boolean;
      let retryAfterMs: number | undefined;
      try {
        const res = await attemptOnce(fetch, url, { method, headers, body }, timeoutMs, init.signal);
        if (res.status < 400) return res.body as T;
        const apiError = APIError.generate(res.status, res.body, res.headers);
        error = apiError;
        retry = shouldRetry(apiError);
        retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      } catch (e) {
        if (!(e instanceof APIConnectionError)) throw e;
        error = e;
        retry = true;
      }
      if (!retry || attempt >= maxRetries) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
      await sleep(retryAfterMs ?? backoff(attempt), init.signal);
    }
  }

  #url(path: string, query: RequestInit_["query"]): string {
    let url = this.baseUrl + path;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
      const s = q.toString();
      if (s) url += `?${s}`;
    }
    return url;
  }
}

interface Received {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One HTTP exchange, body included, within `timeoutMs`; failures become SDK errors. */
async function attemptOnce(
  fetch: Fetch,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Received> {
  if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  // Settles when aborted even if a custom fetch ignores its signal.
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
  );
  aborted.catch(() => {});
  try {
    const res = await Promise.race([fetch(url, { ...init, signal: controller.signal }), aborted]);
    const text = await Promise.race([res.text(), aborted]);
    return { status: res.status, headers: res.headers, body: parseBody(text, res.headers.get("content-type")) };
  } catch (e) {
    if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
    if (timedOut) throw new APIConnectionTimeoutError(timeoutMs);
    throw new APIConnectionError(`Could not reach the Gatherkit API at ${url}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === "") return undefined;
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** 408, 429, 5xx and in-flight idempotency conflicts are worth another try; `x-should-retry` overrides. */
function shouldRetry(e: APIError): boolean {
  const hint = e.headers.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  return e.status === 408 || e.status === 429 || e.status >= 500 || (e.status === 409 && e.code === "idempotency_key_in_flight");
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)). */
function backoff(attempt: number): number {
  return Math.random() * Math.min(MAX_RETRY_DELAY_MS, INITIAL_RETRY_DELAY_MS * 2 ** attempt);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError({ cause: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A page with a DOM: where secret keys must never be and cookies may carry a session. */
export function isBrowser(): boolean {
  return typeof window !== "undefined" && typeof window.document !== "undefined";
}
