import { DomainError, type ErrorCode, PROBLEM_CONTENT_TYPE, type Problem, problemTitle } from "@gatherkit/core";

/**
 * The error the API's own code throws: a `DomainError` (the one family `onError` turns into
 * problem+json; nothing else builds error responses, so every failure has the same shape and a
 * stable `code`) that may also carry the failing fields and response headers.
 */
export class ApiError extends DomainError {
  constructor(
    status: DomainError["status"],
    code: ErrorCode,
    detail: string,
    readonly extra: { errors?: Problem["errors"]; headers?: Record<string, string> } = {},
  ) {
    super(status, code, detail);
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
