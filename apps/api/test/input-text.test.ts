import { ISO_4217_CURRENCIES, type Plan, TEXT_PATTERN } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { type JsonSchema, loadSpec, operations } from "./openapi-walk.js";
import { joinPlan, newPlan, PLAN_DEFAULTS } from "./plan-fixtures.js";

/**
 * Text and currency rules of the contract, as a client meets them: a text field holding a C0
 * control character (NUL cut text short when read back) is refused with the field named, the
 * served spec carries the pattern on every text field of every request body, and only assigned
 * ISO 4217 currency codes are accepted.
 */

let t: TestApp;
let org: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
});
afterAll(() => t.close());

const refusedField = (r: Awaited<ReturnType<typeof call>>, path: string) => {
  const problem = expectProblem(r, 400, "validation_failed");
  expect(problem.errors?.map((e) => e.path)).toContain(path);
};

describe("text fields refuse control characters (except tab, line feed, carriage return)", () => {
  it("in every kind of text: NUL, bell, escape, vertical tab, form feed, unit separator", async () => {
    for (const bad of ["visible\u0000 hidden", "ring\u0007", "\u001b[31mred", "a\u000bb", "a\u000cb", "a\u001fb"]) {
      refusedField(await call(t, "POST", "/v1/plans", { token: org.secretKey, body: { ...PLAN_DEFAULTS, title: bad } }), "body.title");
    }
  });

  it("names the failing field on plans, participants, chat, costs, proposals and keys", async () => {
    const plan = await newPlan(t, org);
    const ada = await joinPlan(t, org, plan, "Ada");
    const nul = "visible\u0000 hidden";
    const cases: [string, string, Record<string, unknown>, string, string?][] = [
      ["PATCH", `/v1/plans/${plan.id}`, { description: nul }, "body.description"],
      ["PATCH", `/v1/plans/${plan.id}`, { location: { name: nul } }, "body.location.name"],
      ["POST", `/v1/plans/${plan.id}/messages`, { body: nul }, "body.body", ada.token],
      ["POST", `/v1/plans/${plan.id}/proposals`, { title: "Boat", url: "https://example.com/a\u0000b" }, "body.url"],
      [
        "POST",
        `/v1/plans/${plan.id}/expenses`,
        { description: nul, amount: 100, currency: "EUR", split: { mode: "equal" } },
        "body.description",
        ada.token,
      ],
      ["POST", "/v1/participant-tokens", { externalId: "user_1\u0000admin", name: "Eve" }, "body.externalId"],
      ["POST", "/v1/participant-tokens", { externalId: "user_2", name: nul }, "body.name"],
      ["POST", "/v1/secret-keys", { name: nul }, "body.name"],
    ];
    for (const [method, path, body, field, token] of cases) {
      refusedField(await call(t, method, path, { token: token ?? org.secretKey, body }), field);
    }
  });

  it("keeps tabs and line breaks, and reads text back whole", async () => {
    const description = "Day 1:\tarrive\r\nDay 2:\tbeach\n";
    const plan = await newPlan(t, org, { description });
    const read = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: org.secretKey }), 200);
    expect(read.description).toBe(description.trim());
  });

  it("the served spec carries the pattern on every free text field of every request body", async () => {
    const doc = await loadSpec(t);
    const resolve = (s: JsonSchema): JsonSchema => {
      const ref = s.$ref as string | undefined;
      return ref ? resolve(doc.components!.schemas![ref.split("/").pop()!]!) : s;
    };
    const strings: { where: string; schema: JsonSchema }[] = [];
    const walk = (s: JsonSchema, where: string) => {
      const r = resolve(s);
      if (r.type === "string") strings.push({ where, schema: r });
      for (const [k, v] of Object.entries((r.properties as Record<string, JsonSchema>) ?? {})) walk(v, `${where}.${k}`);
      if (r.items) walk(r.items as JsonSchema, `${where}[]`);
      for (const key of ["anyOf", "oneOf", "allOf"]) for (const x of (r[key] as JsonSchema[]) ?? []) walk(x, where);
    };
    for (const op of operations(doc)) if (op.body) walk(op.body.schema, `${op.name} body`);
    expect(strings.length).toBeGreaterThan(20);
    // Each string of a request is free text carrying the pattern, or is constrained otherwise
    // (an id or code by its own pattern, an enum, an email, a date). Passwords are never shown
    // back, so they may hold any character.
    const unconstrained = strings.filter(
      ({ where, schema }) => !schema.pattern && !schema.enum && !schema.format && !/\.(password|refreshToken)$/.test(where),
    );
    expect(unconstrained.map((s) => s.where)).toEqual([]);
    const text = strings.filter((s) => s.schema.pattern === TEXT_PATTERN.source);
    for (const field of ["POST /v1/plans body.title", "POST /v1/plans body.description", "POST /v1/participant-tokens body.externalId"]) {
      expect(text.map((s) => s.where)).toContain(field);
    }
  });
});

describe("currencies: assigned ISO 4217 codes only", () => {
  it("refuses unassigned codes such as ZZZ and QQQ, and the non-money XTS and XXX", async () => {
    for (const currency of ["ZZZ", "QQQ", "XTS", "XXX", "ABC"]) {
      refusedField(await call(t, "POST", "/v1/plans", { token: org.secretKey, body: { ...PLAN_DEFAULTS, currency } }), "body.currency");
    }
  });

  it("accepts assigned codes, including funds and zero- or three-decimal currencies", async () => {
    expect(ISO_4217_CURRENCIES.length).toBeGreaterThan(170);
    for (const currency of ["EUR", "JPY", "KWD", "CHW", "XOF"]) {
      expect((await newPlan(t, org, { currency })).currency).toBe(currency);
    }
  });
});
