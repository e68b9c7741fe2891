import { type ErrorCode, PROBLEM_CONTENT_TYPE, type Problem, problemTitle } from "@gatherkit/core";

/**
 * The one error type deep code throws. `onError` turns it into problem+json; nothing else
 * builds error responses, so every failure has the same shape and a stable `code`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: Problem["errors"]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);

/** 409 `conflict`: a concurrent change got in between; the caller retries. */
export const conflict = (detail: string) => new ApiError(409, "conflict", detail);

export function problemBody(status: number, code: string, detail: string, requestId?: string, errors?: Problem["errors"]): Problem {
  return {
    type: `https://gatherkit.dev/problems/${code}`,
    title: problemTitle(status),
    status,
    detail,
    code,
    ...(requestId ? { requestId } : {}),
    ...(errors ? { errors } : {}),
  };
}

export function problemResponse(
  status: number,
  code: string,
  detail: string,
  requestId?: string,
  errors?: Problem["errors"],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(status, code, detail, requestId, errors)), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  });
}
