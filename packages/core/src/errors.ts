import { ACCOUNTS_ERROR_CODES } from "./accounts/errors.js";
import { CALENDAR_ERROR_CODES } from "./calendars/errors.js";
import { EVENT_ERROR_CODES } from "./events/errors.js";
import { NOTIFICATION_ERROR_CODES } from "./notifications/errors.js";
import { PLACE_ERROR_CODES } from "./places/errors.js";
import { PLAN_ERROR_CODES } from "./plans/errors.js";
import { UPLOAD_ERROR_CODES } from "./uploads/errors.js";
import { WEBHOOK_ERROR_CODES } from "./webhooks/errors.js";
import { z } from "./zod.js";

/** Codes every domain may answer: request shape, authentication, idempotency, limits. */
export const PLATFORM_ERROR_CODES = [
  "validation_failed",
  "bad_request",
  "malformed_json",
  "unsupported_media_type",
  "payload_too_large",
  "not_found",
  "route_not_found",
  "method_not_allowed",
  "request_timeout",
  "length_required",
  "uri_too_long",
  "headers_too_large",
  "request_refused",
  "authentication_required",
  "invalid_credentials",
  "invalid_token",
  "invalid_signature",
  "token_expired",
  "key_revoked",
  "refresh_token_reused",
  "permission_denied",
  "origin_not_allowed",
  "conflict",
  "idempotency_key_reused",
  "idempotency_key_in_flight",
  "idempotency_key_committed",
  "invalid_idempotency_key",
  "rate_limited",
  "internal_error",
  /** A report's `from`/`to`: `from` after `to`, or a range longer than MAX_REPORT_DAYS. */
  "invalid_date_range",
] as const;

/**
 * Stable machine-readable error codes: the platform's and each domain's own list (a new domain
 * adds its list here). Clients branch on these, never on `detail` text.
 */
export const ERROR_CODES = [
  ...PLATFORM_ERROR_CODES,
  ...NOTIFICATION_ERROR_CODES,
  ...WEBHOOK_ERROR_CODES,
  ...UPLOAD_ERROR_CODES,
  ...ACCOUNTS_ERROR_CODES,
  ...PLAN_ERROR_CODES,
  ...EVENT_ERROR_CODES,
  ...PLACE_ERROR_CODES,
  ...CALENDAR_ERROR_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A refusal with the status, stable `code` and `detail` a client gets for it: thrown by the pure
 * rules in this package (no I/O), and the base of the API's own `ApiError`, so the API answers
 * one family of errors the same way.
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502 | 503,
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "DomainError";
  }
}

export const ProblemFieldSchema = z
  .object({
    path: z.string().openapi({ example: "body.email" }),
    message: z.string().openapi({ example: "Invalid email address" }),
  })
  .openapi("ProblemField");

/** RFC 9457 problem details, with Gatherkit's stable `code` and the request id. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://gatherkit.dev/problems/validation_failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "body.email: Invalid email address" }),
    code: z.string().openapi({ example: "validation_failed" }),
    requestId: z.string().optional().openapi({ example: "req_0123456789abcdefghjk" }),
    errors: z.array(ProblemFieldSchema).optional(),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
};

export function problemTitle(status: number): string {
  return TITLES[status] ?? "Error";
}
