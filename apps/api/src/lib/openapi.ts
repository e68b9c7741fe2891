import { z as coreZ, type IdKind, idSchema, ProblemSchema } from "@gatherkit/core";
import type { z } from "@hono/zod-openapi";

/** A required JSON request body (a body of another type is refused, not silently ignored). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } }) as const;

/** Problem responses most routes can give; spread the ones that apply into `responses`. */
export const problems = {
  400: problem("The request is malformed or fails validation; `errors` lists each failing field."),
  401: problem("No valid credential: missing, invalid, expired or revoked key or token."),
  403: problem("The caller may not do this (role, key type or origin)."),
  404: problem("No such object in the caller's organization."),
  409: problem("The object's state does not allow this, or a request with the same Idempotency-Key is in flight."),
  413: problem("The request body is too large."),
  415: problem("The request body is not JSON (`Content-Type: application/json`)."),
  422: problem(
    "The request is well-formed but breaks a domain rule (its `code` says which, e.g. split_mismatch, currency_mismatch, unknown_participant), or the Idempotency-Key was used with a different request.",
  ),
  429: problem("Too many requests; retry after the `Retry-After` header's seconds."),
  502: problem("A provider the API calls for you (such as Google Calendar) failed or answered with an error; nothing was changed, retry."),
  503: problem("A service the API depends on (such as the payments provider) did not answer; nothing was kept, retry."),
} as const;

export type ProblemStatus = keyof typeof problems;
export function pickProblems<S extends ProblemStatus>(...statuses: S[]): Pick<typeof problems, S> {
  return Object.fromEntries(statuses.map((s) => [s, problems[s]])) as Pick<typeof problems, S>;
}

/** Security requirement names declared in the document. */
export const security: Record<"organizer" | "secretKey" | "any", Record<string, string[]>[]> = {
  organizer: [{ bearerAuth: [] }, { cookieAuth: [] }],
  secretKey: [{ bearerAuth: [] }],
  any: [{ bearerAuth: [] }, { cookieAuth: [] }],
};

/**
 * Path parameters that are prefixed ids, e.g. `pathIds({ planId: "plan", expenseId: "expense" })`
 * for `/v1/plans/{planId}/expenses/{expenseId}`: each validated as an id of its kind.
 */
export function pathIds<const K extends Record<string, IdKind>>(params: K) {
  const shape = Object.fromEntries(
    Object.entries(params).map(([name, kind]) => [name, idSchema(kind).openapi({ param: { name, in: "path" } })]),
  ) as { [P in keyof K]: ReturnType<typeof idSchema> };
  return coreZ.object(shape);
}
