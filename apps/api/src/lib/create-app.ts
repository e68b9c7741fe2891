import { DomainError, ERROR_CODES, type ErrorCode, newId } from "@gatherkit/core";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "./auth.js";
import { ApiError, problemResponse } from "./errors.js";
import { idempotency } from "./idempotency.js";
import { loggablePath, problemCode, REQUEST_LOG_PATH, recordRequest } from "./request-log.js";
import type { AppBindings, Config, Deps } from "./types.js";

/** Where the embedded default's local file storage receives and serves uploads (signed URLs, outside /v1). */
export const LOCAL_FILES_PATH = "/_files/";

const isErrorCode = (x: unknown): x is ErrorCode => typeof x === "string" && (ERROR_CODES as readonly string[]).includes(x);

const TARGETS: Record<string, string> = { json: "body", query: "query", param: "path", header: "header", cookie: "cookie", form: "body" };

/** A router whose validation failures become problem+json with each failing field. */
export function createRouter() {
  return new OpenAPIHono<AppBindings>({
    strict: false,
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = TARGETS[(result as { target?: string }).target ?? ""] ?? "request";
      const errors = result.error.issues.map((i) => {
        const path = [where, ...i.path.map(String)].join(".");
        const message = i.code === "unrecognized_keys" ? `unknown field(s): ${(i as { keys: string[] }).keys.join(", ")}` : i.message;
        return { path, message };
      });
      // Refinements that enforce a domain rule name its stable code (`params: { code }`, e.g.
      // split_mismatch); when every issue names the same one, answer 422 with that code.
      const codes = new Set(result.error.issues.map((i) => (i as { params?: { code?: unknown } }).params?.code));
      const [only] = codes;
      const domainCode = codes.size === 1 && isErrorCode(only) ? only : undefined;
      return problemResponse(
        domainCode ? 422 : 400,
        domainCode ?? "validation_failed",
        errors.map((e) => `${e.path}: ${e.message}`).join("; "),
        c.var.requestId,
        errors,
      );
    },
  });
}

/**
 * The app shell every route mounts on: request id, structured request log, dependencies,
 * body limit, CORS, authentication and idempotency, and one error mapping for everything.
 */
export function createBaseApp(deps: Deps) {
  const app = createRouter();

  app.use("*", async (c, next) => {
    const requestId = newId("request");
    const started = performance.now();
    c.set("deps", deps);
    c.set("db", deps.db);
    c.set("config", deps.config);
    c.set("requestId", requestId);
    c.set("logger", deps.logger.child({ requestId }));
    c.set("caller", null);
    const out = nodeResponse(c);
    out?.setHeader("x-request-id", requestId);
    await next();
    if (!out) c.res.headers.set("x-request-id", requestId);
    const status = c.res.status;
    // c.get, not c.var: each c.var copies every variable into a new object.
    const caller = c.get("caller");
    const ms = Math.round((performance.now() - started) * 10) / 10;
    c.get("logger")[status >= 500 ? "error" : "info"]("request", {
      method: c.req.method,
      path: c.req.path,
      status,
      ms,
      ...(caller ? { caller: caller.kind, org: caller.orgId } : {}),
    });
    // The organization's request log (Developers → Requests), written after the answer.
    if (caller && deps.config.requestLogSize > 0 && c.req.path.startsWith("/v1/") && c.req.path !== REQUEST_LOG_PATH) {
      const path = loggablePath(c);
      const res = c.res;
      const write = problemCode(res)
        .then((code) =>
          recordRequest(deps, {
            orgId: caller.orgId,
            requestId,
            method: c.req.method,
            path,
            status,
            code,
            callerKind: caller.kind,
            durationMs: Math.round(ms),
          }),
        )
        .catch((err: unknown) =>
          deps.logger.error("request log write failed", { error: err instanceof Error ? err.message : String(err) }),
        );
      deps.waitUntil?.(write);
    }
  });

  app.use("*", securityHeaders(deps.config));
  app.use("*", cors);

  const limit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    // The rest of the body is never read, so the server closes the connection after this answer;
    // `Connection: close` says so, and a client's next request opens a new one instead of failing.
    onError: (c) =>
      problemResponse(
        413,
        "payload_too_large",
        `The request body is larger than ${deps.config.maxBodyBytes} bytes.`,
        c.var.requestId,
        undefined,
        {
          connection: "close",
        },
      ),
  });
  // The local upload target (platform/uploads) takes files up to the size its signed URL declares.
  // GET and HEAD carry no body (a Request cannot have one), and asking for it would make the
  // Node adapter build a whole WHATWG Request for every read.
  app.use("*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" || c.req.path.startsWith(LOCAL_FILES_PATH) ? next() : limit(c, next),
  );

  app.use("/v1/*", authenticate);
  app.use("/v1/*", idempotency);

  // A path that exists with other methods answers 405 with them in `Allow` (RFC 9110), so a PUT
  // where the API takes PATCH says so instead of claiming there is no such route.
  let methodsOf: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    methodsOf ??= routeMethods(app.routes);
    const allowed = methodsOf(c.req.path);
    if (allowed.length) {
      return problemResponse(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed on ${c.req.path}; it takes ${allowed.join(", ")}.`,
        c.var.requestId,
        undefined,
        { allow: allowed.join(", ") },
      );
    }
    return problemResponse(404, "route_not_found", `No route for ${c.req.method} ${c.req.path}.`, c.var.requestId);
  });

  app.onError((err, c) => {
    const requestId = c.var.requestId;
    if (err instanceof DomainError) {
      // Every deliberate refusal: core's pure rules throw DomainError, the API's code ApiError
      // (a DomainError that may add the failing fields and headers such as Retry-After).
      const extra = err instanceof ApiError ? err.extra : {};
      return problemResponse(err.status, err.code, err.detail, requestId, extra.errors, extra.headers);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 400 && /json/i.test(err.message)) {
        return problemResponse(400, "malformed_json", "The request body is not valid JSON.", requestId);
      }
      if (status === 415) {
        return problemResponse(
          415,
          "unsupported_media_type",
          "Send the request body as JSON, with Content-Type: application/json.",
          requestId,
        );
      }
      if (status < 500) {
        const known = FRAMEWORK_4XX[status];
        return problemResponse(status, known?.code ?? "request_refused", err.message || known?.detail || `HTTP ${status}`, requestId);
      }
    }
    (c.var.logger ?? deps.logger).error("unhandled error", {
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
      path: c.req.path,
    });
    return problemResponse(500, "internal_error", "Something went wrong on our side. Quote the request id if you contact us.", requestId);
  });

  return app;
}

/**
 * For each path, the methods its routes take (HEAD with GET; middleware, registered for ALL, and
 * wildcard mounts are not routes). Built once from the app's routes, the first time a request
 * matches none.
 */
function routeMethods(routes: readonly { method: string; path: string }[]): (path: string) => string[] {
  const patterns = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    let p = patterns.get(r.path);
    if (!p) {
      const source = r.path
        .split("/")
        .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      p = { re: new RegExp(`^${source}/?$`), methods: new Set() };
      patterns.set(r.path, p);
    }
    p.methods.add(r.method);
    if (r.method === "GET") p.methods.add("HEAD");
  }
  const all = [...patterns.values()];
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
  return (path) => {
    const found = new Set<string>();
    for (const p of all) if (p.re.test(path)) for (const m of p.methods) found.add(m);
    return order.filter((m) => found.has(m));
  };
}

/**
 * The code of a 4xx that Hono or a middleware raised itself (an `HTTPException`), per status;
 * a 400 means the request could not be read (`bad_request`); anything else is `request_refused`.
 * A validation failure never comes this way: the routes' `defaultHook` answers those.
 */
const FRAMEWORK_4XX: Record<number, { code: ErrorCode; detail: string }> = {
  400: { code: "bad_request", detail: "The request could not be read." },
  401: { code: "authentication_required", detail: "Authentication is required." },
  403: { code: "permission_denied", detail: "You may not do this." },
  404: { code: "not_found", detail: "Not found." },
  405: { code: "method_not_allowed", detail: "This method is not allowed here." },
  408: { code: "request_timeout", detail: "The request took too long to arrive." },
  409: { code: "conflict", detail: "The request conflicts with the current state." },
  411: { code: "length_required", detail: "Send a Content-Length header." },
  413: { code: "payload_too_large", detail: "The request body is too large." },
  414: { code: "uri_too_long", detail: "The URL is too long." },
  429: { code: "rate_limited", detail: "Too many requests." },
  431: { code: "headers_too_large", detail: "The request headers are too large." },
};

/** The policy of everything that is not a page: nothing may load, run or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on every response: `nosniff`, no referrer, never framed, HSTS when the API is
 * served over https, a Content-Security-Policy (a page such as /docs sets its own, else the API's
 * "load nothing" one), and `Cache-Control: no-store` on every /v1 answer that does not choose its
 * own caching, so no session, token or key (nor anyone's data) is kept by a browser or proxy cache.
 */
function securityHeaders(config: Config) {
  const hsts = config.publicUrl.startsWith("https://");
  return createMiddleware<AppBindings>(async (c, next) => {
    const out = nodeResponse(c);
    if (out) {
      // On Node the same headers go on the socket's response before the route answers; a header
      // the route's Response sets itself (a page's own CSP, an asset's caching) replaces ours when
      // the server writes the head, exactly as the checks below leave them in place.
      out.setHeader("x-content-type-options", "nosniff");
      out.setHeader("referrer-policy", "no-referrer");
      out.setHeader("x-frame-options", "DENY");
      if (hsts) out.setHeader("strict-transport-security", "max-age=31536000");
      out.setHeader("content-security-policy", API_CSP);
      if (c.req.path.startsWith("/v1/")) out.setHeader("cache-control", "no-store");
      return next();
    }
    await next();
    const h = c.res.headers;
    h.set("x-content-type-options", "nosniff");
    h.set("referrer-policy", "no-referrer");
    h.set("x-frame-options", "DENY");
    if (hsts) h.set("strict-transport-security", "max-age=31536000");
    if (!h.has("content-security-policy")) h.set("content-security-policy", API_CSP);
    if (c.req.path.startsWith("/v1/") && !h.has("cache-control")) h.set("cache-control", "no-store");
  });
}

/** What `serve` from `@hono/node-server` passes the app as its `outgoing` binding: Node's response for the socket. */
interface NodeResponse {
  setHeader(name: string, value: string): unknown;
  readonly headersSent: boolean;
}

/**
 * The Node response this request will be answered on, when the app runs under Node's HTTP server
 * (node.ts); undefined on Workers and for in-process `app.request`/`app.fetch` calls.
 *
 * Why the shell writes its headers there on Node: `@hono/node-server` writes a Response whose
 * headers are still a plain object straight to the socket, but reading or changing `res.headers`
 * makes it build a WHATWG `Headers` (validated per header, sorted when read back). Setting the
 * seven headers every answer carries that way after the route answered was about 24 µs of a
 * `GET /v1/health`'s ~115 µs of CPU (profiles and A/B runs in bench/README.md). Node merges
 * headers set with `setHeader` under those the Response brings, so a route's own value wins.
 */
function nodeResponse(c: { env: unknown }): NodeResponse | undefined {
  const out = (c.env as { outgoing?: Partial<NodeResponse> } | undefined)?.outgoing;
  return typeof out?.setHeader === "function" && out.headersSent === false ? (out as NodeResponse) : undefined;
}

const CORS_HEADERS = "authorization, content-type, idempotency-key, x-request-id";

/**
 * CORS for browser calls. Preflights are answered for any origin (a preflight carries no
 * credentials to check); the real request is then checked by `authenticate`, which refuses a
 * publishable key used from an origin not on its list. Cookies never cross origins.
 */
const cors = async (
  c: {
    req: { method: string; header(n: string): string | undefined };
    res: Response;
    body: (b: null, s: 204, h: Record<string, string>) => Response;
  },
  next: () => Promise<void>,
) => {
  const origin = c.req.header("origin");
  if (c.req.method === "OPTIONS" && origin && c.req.header("access-control-request-method")) {
    return c.body(null, 204, {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS",
      "access-control-allow-headers": CORS_HEADERS,
      "access-control-max-age": "600",
      vary: "origin",
    });
  }
  await next();
  if (origin) {
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.set("access-control-expose-headers", "x-request-id, retry-after, idempotent-replayed");
    c.res.headers.append("vary", "origin");
  }
};
