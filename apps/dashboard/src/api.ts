import { APIError, Gatherkit } from "@gatherkit/sdk";

/**
 * The dashboard's one client: the public API through the SDK, on the dashboard's own origin, so
 * the organizer's session is the HTTP-only cookie pair sign-in sets (no token in the page).
 */
export const gk = new Gatherkit({ baseUrl: location.origin, maxRetries: 1 });

/** A problem's field errors by field name (`name`, `allowedOrigins`), for forms to show next to each field. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof APIError)) return {};
  const out: Record<string, string> = {};
  for (const e of err.errors) out[String(e.path).replace(/^body\./, "")] = e.message;
  return out;
}

/** What to tell the organizer about a failure: the API's explanation, or a network message. */
export function describe(err: unknown): string {
  if (err instanceof APIError) return err.problem?.detail ?? err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export const isUnauthenticated = (err: unknown): boolean => err instanceof APIError && err.status === 401;
