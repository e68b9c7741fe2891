import { BASE_STRINGS } from "./base.strings.js";

/** A widget is missing what it needs to talk to the API (no key, token or client). */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

export interface DescribedError {
  message: string;
  code: string | undefined;
  status: number | undefined;
  requestId: string | undefined;
}

const { generic: GENERIC, connection: CONNECTION } = BASE_STRINGS;

/**
 * What to tell a person about a failure. API errors carry a problem+json `detail` written for
 * humans; connection failures and anything else (a bug) get a plain sentence rather than an
 * internal message (the `gk-error` event carries the original error). Duck-typed so an SDK client from another
 * copy of `@gatherkit/sdk` than the one bundled here is understood too.
 */
export function describeError(error: unknown): DescribedError {
  const none = { code: undefined, status: undefined, requestId: undefined };
  if (error instanceof ConfigurationError) return { message: error.message, ...none };
  if (!(error instanceof Error)) return { message: GENERIC, ...none };
  const e = error as Error & { status?: unknown; code?: unknown; requestId?: unknown; problem?: { detail?: unknown } };
  if (typeof e.status === "number") {
    const detail = e.problem?.detail;
    return {
      message: typeof detail === "string" && detail ? detail : e.status >= 500 ? BASE_STRINGS.unavailable : GENERIC,
      code: typeof e.code === "string" ? e.code : undefined,
      status: e.status,
      requestId: typeof e.requestId === "string" ? e.requestId : undefined,
    };
  }
  // APIConnectionError, APIConnectionTimeoutError (their messages name URLs: meant for developers).
  if (e.name.startsWith("APIConnection")) return { message: CONNECTION, ...none };
  return { message: GENERIC, ...none };
}
