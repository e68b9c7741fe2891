import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type Fetch,
  Gatherkit,
  GatherkitClient,
  GatherkitError,
  InternalServerError,
  Invites,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  Plans,
  RateLimitError,
  type SecretKey,
  UnprocessableEntityError,
} from "../src/index.js";
import { json, mockFetch, problem } from "./helpers.js";

const BASE = "http://api.test";
const SK = "gk_sk_0123456789abcdefghjk";

function client(fetch: Fetch, options: Partial<ConstructorParameters<typeof Gatherkit>[0]> = {}) {
  return new Gatherkit({ baseUrl: BASE, secretKey: SK, fetch, ...options });
}

function secretKey(n: number): SecretKey {
  return {
    id: `sk_key${String(n).padStart(10, "0")}`,
    name: `Key ${n}`,
    prefix: "gk_sk_abcd",
    role: "admin",
    createdAt: "2026-01-01T00:00:00.000Z",
    lastUsedAt: null,
    revokedAt: null,
  };
}

beforeEach(() => {
  // Full jitter draws from [0, cap): 0 makes the backoff waits immediate.
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("requests", () => {
  it("sends the key as a bearer token, JSON bodies and an Idempotency-Key on writes only", async () => {
    const { fetch, calls } = mockFetch(json(201, { ...secretKey(1), secret: "gk_sk_new" }), json(200, secretKey(1)));
    const gk = client(fetch);
    const created = await gk.secretKeys.create({ name: "Server" });
    expect(created.secret).toBe("gk_sk_new");
    await gk.secretKeys.retrieve("sk_key0000000001");

    const [post, get] = calls;
    expect(post).toMatchObject({ url: `${BASE}/v1/secret-keys`, method: "POST", body: { name: "Server" } });
    expect(post?.headers.get("authorization")).toBe(`Bearer ${SK}`);
    expect(post?.headers.get("content-type")).toBe("application/json");
    expect(post?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(get).toMatchObject({ url: `${BASE}/v1/secret-keys/sk_key0000000001`, method: "GET", body: undefined });
    expect(get?.headers.get("idempotency-key")).toBeNull();
    expect(get?.headers.get("content-type")).toBeNull();
  });

  it("keeps a base URL's path prefix, drops a trailing slash or /v1, and encodes ids", async () => {
    const { fetch, calls } = mockFetch(json(200, secretKey(1)));
    await client(fetch, { baseUrl: "https://example.com/api/v1/" }).secretKeys.retrieve("sk_a/b?c");
    expect(calls[0]?.url).toBe("https://example.com/api/v1/secret-keys/sk_a%2Fb%3Fc");
  });

  it("refuses an empty id instead of calling the list route", () => {
    const { fetch, calls } = mockFetch(json(200, {}));
    expect(() => client(fetch).secretKeys.retrieve("")).toThrow(GatherkitError);
    expect(calls).toHaveLength(0);
  });

  it("answers 204 with undefined and lets per-request headers override", async () => {
    const { fetch, calls } = mockFetch(new Response(null, { status: 204 }));
    await expect(client(fetch).organization.members.del("mem_0123456789", { headers: { "x-extra": "1" } })).resolves.toBeUndefined();
    expect(calls[0]?.method).toBe("DELETE");
    expect(calls[0]?.headers.get("x-extra")).toBe("1");
  });

  it("sends no credential to health, sign-up and sign-in", async () => {
    const { fetch, calls } = mockFetch(json(200, { status: "ok", version: "1", runtime: "node", time: "2026-01-01T00:00:00Z" }));
    await client(fetch).health();
    expect(calls[0]?.headers.get("authorization")).toBeNull();
  });
});

describe("a light client", () => {
  it("sends requests for the resources built over a GatherkitClient, with the same checks, credential and retries", async () => {
    const { fetch, calls } = mockFetch(problem(503, "unavailable"), json(200, { id: "plan_1" }));
    const core = new GatherkitClient({ baseUrl: `${BASE}/v1/`, token: "gk_pt_person", fetch });
    const plans = new Plans(core);
    await expect(plans.retrieve("plan_1")).resolves.toEqual({ id: "plan_1" });
    expect(calls.map((c) => c.url)).toEqual([`${BASE}/v1/plans/plan_1`, `${BASE}/v1/plans/plan_1`]);
    expect(calls[1]?.headers.get("authorization")).toBe("Bearer gk_pt_person");
    expect(new Invites(core)).toBeInstanceOf(Invites);
    expect(() => new GatherkitClient({ baseUrl: BASE, publishableKey: SK })).toThrow(/was given a secretKey/);
    expect(new Gatherkit({ baseUrl: BASE, token: "gk_pt_person", fetch })).toBeInstanceOf(GatherkitClient);
  });

  it("never shows its key when logged or serialized", () => {
    const gk = client(mockFetch(json(200, {})).fetch);
    expect(JSON.stringify(gk)).not.toContain(SK);
    expect(inspect(gk, { depth: 5 })).not.toContain(SK);
    expect(Object.keys(gk)).not.toContain("_transport");
  });
});

describe("realtime", () => {
  it("creates one Realtime whose room tokens come from this client's credential", async () => {
    const { fetch, calls } = mockFetch(problem(403, "permission_denied"));
    const gk = client(fetch);
    expect(gk.realtime).toBe(gk.realtime);
    const errors: unknown[] = [];
    const closed = new Promise<void>((resolve) => {
      gk.realtime.subscribe("org:org_0123456789", () => {}, {
        onError: (e) => errors.push(e),
        onStatus: (s) => s === "closed" && resolve(),
      });
    });
    await closed;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: `${BASE}/v1/realtime/tokens`, method: "POST", body: { room: "org:org_0123456789" } });
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${SK}`);
    expect(errors[0]).toBeInstanceOf(PermissionDeniedError);
  });
});

describe("retries", () => {
  it("retries 5xx with the same Idempotency-Key until it succeeds", async () => {
    const { fetch, calls } = mockFetch(problem(503, "internal_error"), problem(500, "internal_error"), json(201, secretKey(1)));
    const key = await client(fetch).publishableKeys.create({ name: "Site", allowedOrigins: ["https://example.com"] });
    expect(key.id).toBe(secretKey(1).id);
    expect(calls).toHaveLength(3);
    const keys = new Set(calls.map((c) => c.headers.get("idempotency-key")));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives each request its own key, and uses the caller's key when given", async () => {
    const { fetch, calls } = mockFetch(json(201, secretKey(1)));
    const gk = client(fetch);
    await gk.secretKeys.create({ name: "a" });
    await gk.secretKeys.create({ name: "b" });
    await gk.secretKeys.create({ name: "c" }, { idempotencyKey: "order-42" });
    const [a, b, c] = calls.map((x) => x.headers.get("idempotency-key"));
    expect(a).not.toBe(b);
    expect(c).toBe("order-42");
  });

  it("stops after maxRetries and throws the last error", async () => {
    const { fetch, calls } = mockFetch(problem(502, "internal_error"));
    const err = await client(fetch)
      .secretKeys.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(3); // the first try and the default 2 retries

    const once = mockFetch(problem(502, "internal_error"));
    await expect(client(once.fetch, { maxRetries: 5 }).secretKeys.list({}, { maxRetries: 0 })).rejects.toThrow(InternalServerError);
    expect(once.calls).toHaveLength(1);
  });

  it.each([
    [400, "validation_failed"],
    [401, "invalid_token"],
    [403, "permission_denied"],
    [404, "not_found"],
    [409, "email_taken"],
    [422, "idempotency_key_reused"],
  ])("does not retry %i %s", async (status, code) => {
    const { fetch, calls } = mockFetch(problem(status, code), json(200, secretKey(1)));
    await expect(client(fetch).secretKeys.create({ name: "x" })).rejects.toMatchObject({ status, code });
    expect(calls).toHaveLength(1);
  });

  it("retries a 409 idempotency_key_in_flight and 429", async () => {
    const { fetch, calls } = mockFetch(
      problem(409, "idempotency_key_in_flight", { "retry-after": "0" }),
      problem(429, "rate_limited", { "retry-after": "0" }),
      json(201, secretKey(1)),
    );
    await expect(client(fetch).secretKeys.create({ name: "x" })).resolves.toMatchObject({ id: secretKey(1).id });
    expect(calls).toHaveLength(3);
  });

  it("follows x-should-retry when the API sends it", async () => {
    const { fetch, calls } = mockFetch(
      problem(400, "conflict", { "x-should-retry": "true" }),
      problem(503, "internal_error", { "x-should-retry": "false" }),
    );
    await expect(client(fetch).secretKeys.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(2);
  });

  it("retries connection errors and then throws APIConnectionError with the cause", async () => {
    const cause = new TypeError("fetch failed");
    const { fetch, calls } = mockFetch(cause);
    const err = await client(fetch)
      .organization.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIError);
    expect((err as APIConnectionError).cause).toBe(cause);
    expect(calls).toHaveLength(3);
  });

  it("waits Retry-After seconds before the next attempt", async () => {
    vi.useFakeTimers();
    const { fetch, calls } = mockFetch(problem(429, "rate_limited", { "retry-after": "2" }), json(200, secretKey(1)));
    const result = client(fetch).secretKeys.retrieve("sk_key0000000001");
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(result).resolves.toMatchObject({ id: secretKey(1).id });
  });

  it("understands Retry-After as an HTTP date", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-03-01T10:00:00Z") });
    const { fetch, calls } = mockFetch(
      problem(503, "internal_error", { "retry-after": "Sun, 01 Mar 2026 10:00:05 GMT" }),
      json(200, secretKey(1)),
    );
    const result = client(fetch).secretKeys.retrieve("sk_key0000000001");
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(result).resolves.toBeDefined();
  });

  it("does not wait out a Retry-After longer than a minute: it throws at once", async () => {
    const { fetch, calls } = mockFetch(problem(429, "rate_limited", { "retry-after": "3600" }), json(200, {}));
    const err = await client(fetch)
      .secretKeys.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers.get("retry-after")).toBe("3600");
    expect(calls).toHaveLength(1);
  });

  it("backs off exponentially with full jitter when there is no Retry-After", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const { fetch, calls } = mockFetch(problem(500, "internal_error"), problem(500, "internal_error"), json(200, secretKey(1)));
    const result = client(fetch).secretKeys.retrieve("sk_key0000000001");
    await vi.advanceTimersByTimeAsync(249); // 0.5 × 500 ms
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499); // 0.5 × 1000 ms
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await expect(result).resolves.toBeDefined();
  });

  it("stops waiting when the caller aborts", async () => {
    vi.useFakeTimers();
    const { fetch, calls } = mockFetch(problem(503, "internal_error", { "retry-after": "10" }));
    const controller = new AbortController();
    const result = client(fetch)
      .secretKeys.list({}, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await result).toBeInstanceOf(APIUserAbortError);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toHaveLength(1);
  });
});

describe("timeouts", () => {
  const hang: Parameters<typeof mockFetch>[0] = (_call, signal) =>
    new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));

  it("turns a request with no answer into APIConnectionTimeoutError, after retrying", async () => {
    const { fetch, calls } = mockFetch(hang);
    const err = await client(fetch, { timeoutMs: 20 })
      .organization.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(calls).toHaveLength(3);
  });

  it("times out even when a custom fetch ignores its signal, and on a body that never ends", async () => {
    const deaf = mockFetch(() => new Promise<Response>(() => {}));
    await expect(client(deaf.fetch, { maxRetries: 0 }).health({ timeoutMs: 20 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);

    const trickle = mockFetch(
      () => new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{")) }), { status: 200 }),
    );
    await expect(client(trickle.fetch, { maxRetries: 0, timeoutMs: 20 }).health()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("retries after a timeout and succeeds", async () => {
    const { fetch, calls } = mockFetch(hang, json(200, secretKey(1)));
    await expect(client(fetch, { timeoutMs: 20 }).secretKeys.retrieve("sk_key0000000001")).resolves.toBeDefined();
    expect(calls).toHaveLength(2);
  });

  it("reports a caller's abort as APIUserAbortError, not a timeout, and does not retry it", async () => {
    const { fetch, calls } = mockFetch(hang);
    const controller = new AbortController();
    const result = client(fetch).organization.retrieve({ signal: controller.signal });
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(1);
  });
});

describe("errors", () => {
  it.each([
    [400, BadRequestError, "validation_failed"],
    [401, AuthenticationError, "key_revoked"],
    [403, PermissionDeniedError, "origin_not_allowed"],
    [404, NotFoundError, "not_found"],
    [409, ConflictError, "email_taken"],
    [413, PayloadTooLargeError, "payload_too_large"],
    [422, UnprocessableEntityError, "idempotency_key_reused"],
    [429, RateLimitError, "rate_limited"],
    [500, InternalServerError, "internal_error"],
    [503, InternalServerError, "internal_error"],
  ])("maps %i to %s with code, request id and problem", async (status, Class, code) => {
    const errors = status === 400 ? [{ path: "body.name", message: "Too small" }] : undefined;
    const { fetch } = mockFetch(problem(status, code, {}, errors ? { errors } : {}));
    const err = await client(fetch, { maxRetries: 0 })
      .secretKeys.create({ name: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toBeInstanceOf(GatherkitError);
    const e = err as APIError;
    expect(e.name).toBe(Class.name);
    expect(e).toMatchObject({ status, code, requestId: "req_test0123456789" });
    expect(e.problem?.detail).toBe(`Something about ${code}.`);
    expect(e.message).toContain(code);
    expect(e.message).toContain("req_test0123456789");
    expect(e.errors).toEqual(errors ?? []);
    expect(e.headers.get("content-type")).toBe("application/problem+json");
  });

  it("keeps a non-problem body and reads the request id from the header", async () => {
    const { fetch } = mockFetch(new Response("<html>Bad gateway</html>", { status: 502, headers: { "x-request-id": "req_proxy" } }));
    const err = (await client(fetch, { maxRetries: 0 })
      .health()
      .catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.code).toBeUndefined();
    expect(err.problem).toBeUndefined();
    expect(err.body).toBe("<html>Bad gateway</html>");
    expect(err.requestId).toBe("req_proxy");
  });

  it("uses APIError itself for statuses without a subclass", async () => {
    const { fetch } = mockFetch(problem(405, "method_not_allowed"));
    const err = await client(fetch)
      .health()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).constructor).toBe(APIError);
  });
});

describe("pagination", () => {
  const all = Array.from({ length: 7 }, (_, i) => secretKey(i));
  const pages: Parameters<typeof mockFetch>[0] = (call) => {
    const url = new URL(call.url);
    const limit = Number(url.searchParams.get("limit") ?? 20);
    const start = Number(url.searchParams.get("cursor") ?? 0);
    const data = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : null;
    return json(200, { data, nextCursor: next });
  };

  it("walks every page with for await, keeping the limit", async () => {
    const { fetch, calls } = mockFetch(pages);
    const seen: string[] = [];
    for await (const key of client(fetch).secretKeys.list({ limit: 3 })) seen.push(key.id);
    expect(seen).toEqual(all.map((k) => k.id));
    expect(calls.map((c) => c.url)).toEqual([
      `${BASE}/v1/secret-keys?limit=3`,
      `${BASE}/v1/secret-keys?limit=3&cursor=3`,
      `${BASE}/v1/secret-keys?limit=3&cursor=6`,
    ]);
  });

  it("awaits to the first page, which leads to the next ones", async () => {
    const { fetch, calls } = mockFetch(pages);
    const first = await client(fetch).secretKeys.list({ limit: 3 });
    expect(first.data.map((k) => k.name)).toEqual(["Key 0", "Key 1", "Key 2"]);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    const third = await second.getNextPage();
    expect(third.data).toHaveLength(1);
    expect(third.hasNextPage()).toBe(false);
    expect(third.nextCursor).toBeNull();
    await expect(third.getNextPage()).rejects.toBeInstanceOf(GatherkitError);
    expect(calls).toHaveLength(3);

    const pageCount: number[] = [];
    for await (const page of first.iterPages()) pageCount.push(page.data.length);
    expect(pageCount).toEqual([3, 3, 1]);
  });

  it("sends nothing until the list is awaited or iterated, and only once", async () => {
    const { fetch, calls } = mockFetch(pages);
    const list = client(fetch).secretKeys.list({ cursor: "5" });
    expect(calls).toHaveLength(0);
    const [a, b] = await Promise.all([list, list]);
    expect(a).toBe(b);
    expect(calls).toHaveLength(1);
    expect(a.data.map((k) => k.name)).toEqual(["Key 5", "Key 6"]);
  });

  it("surfaces an error of a later page to the loop", async () => {
    const { fetch } = mockFetch(json(200, { data: [secretKey(1)], nextCursor: "x" }), problem(404, "not_found"));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const k of client(fetch).organization.members.list()) seen.push(k.id);
      })(),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toHaveLength(1);
  });
});

describe("options", () => {
  const { fetch } = mockFetch(json(200, {}));

  it.each([
    [{ baseUrl: undefined }, /baseUrl` is required/],
    [{ baseUrl: "api.example.com" }, /absolute http\(s\) URL/],
    [{ baseUrl: "ftp://example.com" }, /http or https/],
    [{ secretKey: SK, publishableKey: "gk_pk_x" }, /one credential, not secretKey and publishableKey/],
    [{ secretKey: "" }, /non-empty string/],
    [{ secretKey: "gk_pk_abc" }, /given a publishableKey/],
    [{ publishableKey: "sk_live_123" }, /must start with "gk_pk_"/],
    [{ token: "eyJhbGciOi" }, /must start with "gk_pt_"/],
    [{ accessToken: SK }, /not a key or participant token/],
    [{ maxRetries: -1 }, /maxRetries` must be an integer/],
    [{ timeoutMs: 0 }, /timeoutMs` must be an integer/],
  ])("refuses %o with a clear message", (options, message) => {
    const opts = { baseUrl: BASE, fetch, ...options } as ConstructorParameters<typeof Gatherkit>[0];
    expect(() => new Gatherkit(opts)).toThrow(message);
  });

  it("refuses a secret key in a web page unless dangerouslyAllowBrowser", () => {
    vi.stubGlobal("window", { document: {} });
    expect(() => new Gatherkit({ baseUrl: BASE, secretKey: SK, fetch })).toThrow(/never be used in a web page/);
    expect(() => new Gatherkit({ baseUrl: BASE, secretKey: SK, fetch, dangerouslyAllowBrowser: true })).not.toThrow();
    expect(() => new Gatherkit({ baseUrl: BASE, publishableKey: "gk_pk_abc", fetch })).not.toThrow();
  });

  it("without a credential, allows sign-up and sign-in only, then uses the session", async () => {
    const session = {
      accessToken: "eyJ.access.1",
      refreshToken: "rt_secret_1",
      accessTokenExpiresAt: "2026-01-01T00:15:00Z",
      refreshTokenExpiresAt: "2026-02-01T00:00:00Z",
      user: { id: "usr_0123456789", email: "a@b.c", name: "A", createdAt: "2026-01-01T00:00:00Z" },
      organization: { id: "org_0123456789", name: "O", createdAt: "2026-01-01T00:00:00Z" },
      role: "owner",
    };
    const { fetch: f, calls } = mockFetch(
      json(200, session),
      json(200, { data: [], nextCursor: null }),
      json(200, { ...session, accessToken: "eyJ.access.2", refreshToken: "rt_secret_2" }),
      new Response(null, { status: 204 }),
    );
    const gk = new Gatherkit({ baseUrl: BASE, fetch: f });
    await expect(gk.organization.retrieve()).rejects.toThrow(/needs a credential/);
    expect(calls).toHaveLength(0);

    await gk.auth.signIn({ email: "a@b.c", password: "secret" });
    await gk.secretKeys.list();
    await gk.auth.refresh();
    await gk.auth.signOut();
    expect(calls[0]?.headers.get("authorization")).toBeNull();
    expect(calls[1]?.headers.get("authorization")).toBe("Bearer eyJ.access.1");
    expect(calls[2]?.body).toEqual({ refreshToken: "rt_secret_1" });
    expect(calls[2]?.headers.get("authorization")).toBeNull();
    expect(calls[3]?.headers.get("authorization")).toBeNull();
    expect(calls[3]?.body).toEqual({ refreshToken: "rt_secret_2" });
    await expect(gk.secretKeys.list()).rejects.toThrow(/needs a credential/);
  });

  it("a client with a key does not switch to a session it signs in", async () => {
    const { fetch: f, calls } = mockFetch(json(200, { accessToken: "eyJ.other", refreshToken: "rt" }), json(200, {}));
    const gk = client(f);
    await gk.auth.signIn({ email: "a@b.c", password: "secret" });
    await gk.organization.retrieve();
    expect(calls[1]?.headers.get("authorization")).toBe(`Bearer ${SK}`);
  });

  it("in a browser without a credential, lets the session cookie speak", async () => {
    vi.stubGlobal("window", { document: {} });
    const { fetch: f, calls } = mockFetch(json(200, { id: "org_0123456789" }));
    await new Gatherkit({ baseUrl: BASE, fetch: f }).organization.retrieve();
    expect(calls[0]?.headers.get("authorization")).toBeNull();
  });
});
