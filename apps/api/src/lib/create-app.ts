import { DomainError, ERROR_CODES, type ErrorCode } from "@gatherkit/core";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Handler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Router } from "hono/router";
import type { RouterRoute } from "hono/types";
import { ApiError, problemResponse } from "./errors.js";
import { SplitRouter } from "./router.js";
import { requestShell } from "./shell.js";
import type { AppBindings, Deps } from "./types.js";

export { LOCAL_FILES_PATH } from "./shell.js";

const isErrorCode = (x: unknown): x is ErrorCode => typeof x === "string" && (ERROR_CODES as readonly string[]).includes(x);

const TARGETS: Record<string, string> = { json: "body", query: "query", param: "path", header: "header", cookie: "cookie", form: "body" };

/** A router whose validation failures become problem+json with each failing field. */
export function createRouter(options: { router?: Router<[Handler, RouterRoute]> } = {}) {
  return new OpenAPIHono<AppBindings>({
    strict: false,
    ...options,
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
 * The app shell every route mounts on: one middleware (lib/shell.ts) for the request id, the
 * structured request log, dependencies, security headers, CORS, the body limit, authentication
 * and idempotency; one error mapping for everything; 404 and 405 for what no route takes.
 */
export function createBaseApp(deps: Deps) {
  const app = createRouter({ router: new SplitRouter() });

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

  const onError = (err: Error, c: Context<AppBindings>) => {
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
  };

  app.use("*", requestShell(deps, { limit, onError }));

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

  app.onError(onError);

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
