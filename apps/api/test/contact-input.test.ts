import { outbox } from "@gatherkit/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { type JsonSchema, loadSpec, type OpenApiDocument, operations } from "./openapi-walk.js";
import { newInvite, newPlan } from "./plan-fixtures.js";

/**
 * Email addresses and phone numbers are checked wherever a request carries one (issue 9's "bad
 * input"): every such field in the served spec has a format or pattern, so a bad one is a 400
 * problem naming the field before anything is written or queued; and the routes that send
 * email answer that way.
 */
let t: TestApp;
let a: TestOrg;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  doc = await loadSpec(t);
});
afterAll(() => t.close());

/** `[pointer, schema]` of every object property named like an email or phone field in `schema`, $refs followed. */
function contactFields(schema: JsonSchema | undefined, at: string, seen = new Set<string>()): [string, JsonSchema][] {
  if (!schema || typeof schema !== "object") return [];
  const ref = schema.$ref;
  if (typeof ref === "string") {
    if (seen.has(ref)) return [];
    const name = ref.replace("#/components/schemas/", "");
    return contactFields(doc.components?.schemas?.[name], `${at}→${name}`, new Set([...seen, ref]));
  }
  const out: [string, JsonSchema][] = [];
  for (const [key, sub] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) {
    if (/email|phone/i.test(key)) out.push([`${at}.${key}`, sub]);
    out.push(...contactFields(sub, `${at}.${key}`, seen));
  }
  for (const k of ["items", "additionalProperties"]) out.push(...contactFields(schema[k] as JsonSchema, `${at}[]`, seen));
  for (const k of ["anyOf", "oneOf", "allOf"])
    for (const [i, s] of ((schema[k] as JsonSchema[]) ?? []).entries()) out.push(...contactFields(s, `${at}|${i}`, seen));
  return out;
}

/** The field's own schema with null / $ref alternatives unwrapped. */
function leaf(s: JsonSchema): JsonSchema[] {
  if (typeof s.$ref === "string") return leaf(doc.components?.schemas?.[s.$ref.replace("#/components/schemas/", "")] ?? {});
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  return alts ? alts.flatMap(leaf).filter((x) => x.type !== "null") : [s];
}

describe("email addresses and phone numbers in requests", () => {
  it("every email or phone field of every request body has a format or pattern that refuses bad ones", () => {
    const fields = operations(doc).flatMap((op) => contactFields(op.body?.schema, op.name));
    expect(fields.length).toBeGreaterThan(5);
    const unchecked = fields
      .filter(
        ([, s]) =>
          !leaf(s).every((l) => l.type === "boolean" || l.type === "object" || l.format === "email" || typeof l.pattern === "string"),
      )
      .map(([where]) => where);
    expect(unchecked).toEqual([]);
  });

  it("a bad address is a 400 problem naming the field on each route that emails, and nothing is queued", async () => {
    const plan = await newPlan(t, a);
    const invite = await newInvite(t, a, plan);
    const cases: [string, string, string | undefined, unknown][] = [
      ["POST", "/v1/participant-tokens", a.secretKey, { name: "Ada", externalId: "ext-ada", email: "ada" }],
      ["POST", `/v1/plans/${plan.id}/invites`, a.secretKey, { email: "ada@" }],
      ["POST", `/v1/plans/${plan.id}/invites`, a.secretKey, { email: "ada@example.com\r\nBcc: all@example.com" }],
      ["POST", `/v1/invites/${invite.code}/join`, a.publishableKey, { name: "Ada", email: "@example.com" }],
      ["POST", "/v1/organization/members", a.accessToken, { email: "not an address", role: "staff" }],
      ["POST", "/v1/auth/sign-up", undefined, { email: "x", password: "correct horse battery staple", organizationName: "X" }],
    ];
    const before = await t.deps.db.$count(outbox);
    for (const [method, path, token, body] of cases) {
      const r = await call(t, method, path, { token, body, headers: { origin: "https://host.example" } });
      expectProblem(r, 400, "validation_failed");
      expect(r.headers.get("content-type"), path).toContain("application/problem+json");
      expect(
        r.body.errors.map((e: { path: string }) => e.path),
        path,
      ).toContain("body.email");
    }
    expect(await t.deps.db.$count(outbox)).toBe(before);
  });
});
