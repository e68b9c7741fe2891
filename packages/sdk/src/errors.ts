import type { ErrorCode, Problem } from "@gatherkit/core";

/** Base class of every error this SDK throws. `catch (e) { if (e instanceof GatherkitError) … }` */
export class GatherkitError extends Error {
  override name = "GatherkitError";
}

/**
 * The API answered with an error status. `code` is the stable machine-readable code from the
 * problem+json body (branch on it, never on `message`); `requestId` identifies the request
 * if you contact support.
 */
export class APIError extends GatherkitError {
  override name = "APIError";
  /** HTTP status of the response. */
  readonly status: number;
  /** Stable error code such as `"key_revoked"`, or `undefined` if the body was not problem+json. */
  readonly code: ErrorCode | (string & {}) | undefined;
  /** The `x-request-id` of the failed request. */
  readonly requestId: string | undefined;
  /** The problem+json body (RFC 9457), when the API sent one. */
  readonly problem: Problem | undefined;
  /** The raw body: the parsed problem, other JSON, or text. */
  readonly body: unknown;
  /** Each failing field, for validation errors (`[{ path: "body.email", message: "…" }]`). */
  readonly errors: NonNullable<Problem["errors"]>;
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    const problem = isProblem(body) ? body : undefined;
    const requestId = problem?.requestId ?? headers.get("x-request-id") ?? undefined;
    const detail = problem
      ? `${problem.code}: ${problem.detail}`
      : typeof body === "string" && body
        ? body.slice(0, 200)
        : "no problem details";
    super(`${status} ${detail}${requestId ? ` (request ${requestId})` : ""}`);
    this.status = status;
    this.code = problem?.code;
    this.requestId = requestId;
    this.problem = problem;
    this.body = body;
    this.errors = problem?.errors ?? [];
    this.headers = headers;
  }

  /** The subclass for `status`: `AuthenticationError` for 401, `RateLimitError` for 429, … */
  static generate(status: number, body: unknown, headers: Headers): APIError {
    const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, body, headers);
  }
}

/** 400: the request is malformed or fails validation; see `errors` for the fields. */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
/** 401: missing, invalid, expired or revoked key or token (`code` tells which). */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
/** 403: the caller may not do this (role, kind of key, or origin not allowed). */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
/** 404: no such object in the caller's organization. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
/** 409: the object's state does not allow this, or the same Idempotency-Key is in flight. */
export class ConflictError extends APIError {
  override name = "ConflictError";
}
/** 413: the request body is too large. */
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
/** 422: e.g. an Idempotency-Key reused with a different request. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
/** 429: too many requests; the SDK already retried (see `headers.get("retry-after")`). */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
/** 5xx: something failed on the API's side; the SDK already retried. */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/** The API could not be reached (DNS, refused connection, reset, CORS refusal…). Retried. */
export class APIConnectionError extends GatherkitError {
  override name = "APIConnectionError";
  constructor(message = "Could not reach the Gatherkit API.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No complete response within `timeoutMs`. Retried like a connection error. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
  constructor(timeoutMs: number) {
    super(`The Gatherkit API did not answer within ${timeoutMs} ms.`);
  }
}

/** The request was cancelled through the `signal` you passed. Never retried. */
export class APIUserAbortError extends GatherkitError {
  override name = "APIUserAbortError";
  constructor(options?: { cause?: unknown }) {
    super("The request was aborted.", options);
  }
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.code === "string" && typeof b.status === "number" && typeof b.detail === "string";
}
