import { newId } from "@gatherkit/core";
import type { Context, MiddlewareHandler, Next } from "hono";
import { requestCaller } from "./auth.js";
import { idempotency } from "./idempotency.js";
import { loggablePath, problemCode, REQUEST_LOG_PATH, recordRequest } from "./request-log.js";
import type { AppBindings, Deps } from "./types.js";

/** Where the embedded default's local file storage receives and serves uploads (signed URLs, outside /v1). */
export const LOCAL_FILES_PATH = "/_files/";

type Ctx = Context<AppBindings>;

export interface ShellOptions {
  /** The body limit for requests that may carry a body (hono's `bodyLimit`, answering 413). */
  limit: MiddlewareHandler<AppBindings>;
  /** The app's error mapping (`app.onError`): what a refusal raised in the shell answers. */
  onError: (err: Error, c: Ctx) => Response | Promise<Response>;
}

/**
 * The app shell every request runs, as ONE middleware: request id, dependencies, security
 * headers, CORS, the body limit, authentication and idempotency (/v1), then the route, then the
 * request log line and the organization's request log.
 *
 * Why one: as six `app.use` layers each request paid hono's `compose` six times (an async
 * dispatch, a closure and a promise per layer), and authentication and idempotency were async
 * even when there was nothing to check (no credential, not a POST). The steps and their order are
 * those of the layers they replace; a refusal raised by one of them (401, 403, 409, 413, …) is
 * mapped by `onError` here, as `compose` did at that layer, and still gets the CORS headers, the
 * security headers, the request id and its log line.
 */
export function requestShell(deps: Deps, { limit, onError }: ShellOptions): MiddlewareHandler<AppBindings> {
  const { config, logger } = deps;
  const hsts = config.publicUrl.startsWith("https://");
  return async (c, next) => {
    const requestId = newId("request");
    const started = performance.now();
    c.set("deps", deps);
    c.set("db", deps.db);
    c.set("config", config);
    c.set("requestId", requestId);
    c.set("logger", logger.child({ requestId }));
    c.set("caller", null);
    const method = c.req.method;
    const path = c.req.path;
    const out = nodeResponse(c);
    if (out) setNodeHeaders(out, requestId, hsts, path);
    const origin = c.req.header("origin");

    if (method === "OPTIONS" && origin && c.req.header("access-control-request-method")) {
      // A CORS preflight is answered for any origin (it carries no credentials to check); the real
      // request is then checked by authentication, which refuses a publishable key used from an
      // origin not on its list. Cookies never cross origins.
      c.res = c.body(null, 204, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS",
        "access-control-allow-headers": CORS_HEADERS,
        "access-control-max-age": "600",
        vary: "origin",
      });
    } else {
      try {
        // GET and HEAD carry no body (a Request cannot have one), and asking for it would make the
        // Node adapter build a whole WHATWG Request for every read. The local upload target
        // (platform/uploads) takes files up to the size its signed URL declares.
        if (method === "GET" || method === "HEAD" || path.startsWith(LOCAL_FILES_PATH)) await guarded(c, next, method, path);
        else {
          const refused = await limit(c, () => guarded(c, next, method, path));
          if (refused instanceof Response && !c.finalized) c.res = refused;
        }
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        c.error = err;
        c.res = await onError(err, c);
      }
      if (origin) {
        const h = c.res.headers;
        h.set("access-control-allow-origin", origin);
        h.set("access-control-expose-headers", "x-request-id, retry-after, idempotent-replayed");
        h.append("vary", "origin");
      }
    }
    if (!out) setResponseHeaders(c.res.headers, requestId, hsts, path);

    const status = c.res.status;
    // c.get, not c.var: each c.var copies every variable into a new object.
    const caller = c.get("caller");
    const ms = Math.round((performance.now() - started) * 10) / 10;
    c.get("logger")[status >= 500 ? "error" : "info"]("request", {
      method,
      path,
      status,
      ms,
      ...(caller ? { caller: caller.kind, org: caller.orgId } : {}),
    });
    // The organization's request log (Developers → Requests), written after the answer.
    if (caller && config.requestLogSize > 0 && path.startsWith("/v1/") && path !== REQUEST_LOG_PATH) {
      const logged = loggablePath(c);
      const write = problemCode(c.res)
        .then((code) =>
          recordRequest(deps, {
            orgId: caller.orgId,
            requestId,
            method,
            path: logged,
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
  };
}

/**
 * Authentication and idempotency on /v1 (what `app.use("/v1/*", …)` covered: /v1 itself too),
 * then the route. No promise of its own: without a credential nothing is awaited here, and
 * idempotency runs only for a POST (it answers a replay by setting c.res itself).
 */
function guarded(c: Ctx, next: Next, method: string, path: string): Promise<void> {
  if (path.startsWith("/v1/") || path === "/v1") {
    const caller = requestCaller(c);
    const rest = () => (method === "POST" ? idempotency(c, next) : next());
    if (caller) {
      return caller.then((found) => {
        c.set("caller", found);
        return rest();
      });
    }
    return rest();
  }
  return next();
}

const CORS_HEADERS = "authorization, content-type, idempotency-key, x-request-id";

/** The policy of everything that is not a page: nothing may load, run or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on every response: `nosniff`, no referrer, never framed, HSTS when the API is
 * served over https, a Content-Security-Policy (a page such as /docs sets its own, else the API's
 * "load nothing" one), and `Cache-Control: no-store` on every /v1 answer that does not choose its
 * own caching, so no session, token or key (nor anyone's data) is kept by a browser or proxy cache.
 * And the request id.
 *
 * On Node they go on the socket's response before the route answers; a header the route's
 * Response sets itself (a page's own CSP, an asset's caching) replaces ours when the server writes
 * the head, exactly as the `has()` checks of `setResponseHeaders` leave it in place.
 */
function setNodeHeaders(out: NodeResponse, requestId: string, hsts: boolean, path: string): void {
  out.setHeader("x-request-id", requestId);
  out.setHeader("x-content-type-options", "nosniff");
  out.setHeader("referrer-policy", "no-referrer");
  out.setHeader("x-frame-options", "DENY");
  if (hsts) out.setHeader("strict-transport-security", "max-age=31536000");
  out.setHeader("content-security-policy", API_CSP);
  if (path.startsWith("/v1/")) out.setHeader("cache-control", "no-store");
}

/** The same on the answer's `Headers`, after the route answered (Workers, in-process calls). */
function setResponseHeaders(h: Headers, requestId: string, hsts: boolean, path: string): void {
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "no-referrer");
  h.set("x-frame-options", "DENY");
  if (hsts) h.set("strict-transport-security", "max-age=31536000");
  if (!h.has("content-security-policy")) h.set("content-security-policy", API_CSP);
  if (path.startsWith("/v1/") && !h.has("cache-control")) h.set("cache-control", "no-store");
  h.set("x-request-id", requestId);
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
